package store

import (
	"errors"
	"math"
	"testing"
	"time"
)

// TestRegistryValidate holds the boundary values of each entity's rule: the
// store adapter, the importer and the forms all call these Validate methods,
// so that a value one of them accepts the others accept too.
func TestRegistryValidate(t *testing.T) {
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, Beijing)
	fac := Facility{Name: "窑炉", Kind: Production, RatedKW: 100}
	th := Threshold{Basis: ByPower, Stop: 5, Run: 20, MinPersist: 10 * time.Minute}
	pt := Point{Name: "总进线", PowerCode: "e10101"}
	rec := MaintenanceRecord{Date: day, People: "张三", EnterpriseID: 1}
	tests := []struct {
		name string
		v    interface{ Validate() error }
		ok   bool
	}{
		{"enterprise with a name", Enterprise{Name: "测试企业"}, true},
		{"enterprise with a blank name", Enterprise{Name: "  "}, false},
		{"terminal with an MN", Terminal{MN: "010203040506070800000001"}, true},
		{"terminal without an MN", Terminal{MN: " "}, false},

		{"facility", fac, true},
		{"facility rated 0 (unknown)", func() Facility { f := fac; f.RatedKW = 0; return f }(), true},
		{"facility rated at the bound", func() Facility { f := fac; f.RatedKW = MaxRatedKW; return f }(), true},
		{"facility rated beyond the bound", func() Facility { f := fac; f.RatedKW = MaxRatedKW + 1; return f }(), false},
		{"facility rated negative", func() Facility { f := fac; f.RatedKW = -0.1; return f }(), false},
		{"facility rated NaN", func() Facility { f := fac; f.RatedKW = math.NaN(); return f }(), false},
		{"facility of an unknown kind", func() Facility { f := fac; f.Kind = "boiler"; return f }(), false},
		{"facility without a name", func() Facility { f := fac; f.Name = ""; return f }(), false},

		{"link", Link{ProductionID: 1, TreatmentID: 2}, true},
		{"standby link with need 0", Link{ProductionID: 1, TreatmentID: 2, Role: Standby}, true},
		{"link to itself", Link{ProductionID: 1, TreatmentID: 1}, false},
		{"link with an unknown role", Link{ProductionID: 1, TreatmentID: 2, Role: "spare"}, false},
		{"link with a negative need", Link{ProductionID: 1, TreatmentID: 2, Need: -1}, false},

		{"point", pt, true},
		{"point CT ratio 0 (means 1)", Point{Name: "x", PowerCode: "e1", CTRatio: 0}, true},
		{"point without a code", Point{Name: "x"}, false},
		{"point with one code twice", Point{Name: "x", PowerCode: "e1", CurrentCode: "e1"}, false},
		{"point with a negative CT ratio", Point{Name: "x", PowerCode: "e1", CTRatio: -1}, false},

		{"threshold", th, true},
		{"threshold stop 0", func() Threshold { x := th; x.Stop = 0; return x }(), true},
		{"threshold stop equal to run", func() Threshold { x := th; x.Stop = x.Run; return x }(), false},
		{"threshold stop above run", func() Threshold { x := th; x.Stop = x.Run + 1; return x }(), false},
		{"threshold stop negative", func() Threshold { x := th; x.Stop = -1; return x }(), false},
		{"threshold run NaN", func() Threshold { x := th; x.Run = math.NaN(); return x }(), false},
		{"threshold persistence 0", func() Threshold { x := th; x.MinPersist = 0; return x }(), true},
		{"threshold persistence a day", func() Threshold { x := th; x.MinPersist = MaxPersist; return x }(), true},
		{"threshold persistence over a day", func() Threshold { x := th; x.MinPersist = MaxPersist + time.Second; return x }(), false},
		{"threshold by current", func() Threshold { x := th; x.Basis = ByCurrent; return x }(), true},
		{"threshold of an unknown basis", func() Threshold { x := th; x.Basis = "energy"; return x }(), false},

		{"record", rec, true},
		{"record without people", func() MaintenanceRecord { r := rec; r.People = " "; return r }(), false},
		{"record without a date", func() MaintenanceRecord { r := rec; r.Date = time.Time{}; return r }(), false},
		{"record without an enterprise", func() MaintenanceRecord { r := rec; r.EnterpriseID = 0; return r }(), false},
		{"record with a test window", func() MaintenanceRecord { r := rec; r.TestFrom, r.TestTo = day, day.Add(time.Hour); return r }(), true},
		{"record with a half test window", func() MaintenanceRecord { r := rec; r.TestFrom = day; return r }(), false},
		{"record with a test window backwards", func() MaintenanceRecord {
			r := rec
			r.TestFrom, r.TestTo = day.Add(time.Hour), day
			return r
		}(), false},
		{"record with an unknown check result", func() MaintenanceRecord {
			r := rec
			r.Checks = []Check{{Item: "wiring", Result: "maybe"}}
			return r
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %v, want it to wrap ErrInvalid", err)
			}
		})
	}
}

// TestKindOfMN: the two forms of MN a terminal may have, at their
// boundaries; lower case is not the stored form.
func TestKindOfMN(t *testing.T) {
	for _, c := range []struct {
		mn   string
		want MNKind
	}{
		{"010000A8900016F000169DC0", MNGuideline},
		{"010000A8900016F000169DC", MNInvalid},   // 23
		{"010000A8900016F000169DC01", MNInvalid}, // 25
		{"010000A8900016F000169DG0", MNInvalid},  // G is no hex digit
		{"010000a8900016f000169dc0", MNInvalid},  // not upper-cased
		{"88888880000001", MN2005},
		{"8888888000000Z", MN2005},
		{"8888888000000", MNInvalid},
		{"88888880000 01", MNInvalid},
		{"", MNInvalid},
	} {
		if got := KindOfMN(c.mn); got != c.want {
			t.Errorf("KindOfMN(%q) = %d, want %d", c.mn, got, c.want)
		}
	}
}
