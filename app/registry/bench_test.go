package registry_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"powerwatch/app/registry"
	"powerwatch/store"
)

// districtCSV is a district-scale registry: n enterprises with one terminal
// and five points each (two production lines sharing a treatment unit, an
// integrated line, the total supply).
func districtCSV(n int) []byte {
	var b strings.Builder
	b.WriteString(header + "\n")
	for e := range n {
		name := fmt.Sprintf("企业%04d", e)
		mn := fmt.Sprintf("%024X", e+1)
		common := fmt.Sprintf("朝阳区,%s,91110105MA%08d,行业%d", name, e, e%20)
		fmt.Fprintf(&b, "%s,生产线A,生产,200,除尘器,%s,123456,e1,i1,,,10,40,,2026-03-01\n", common, mn)
		fmt.Fprintf(&b, "%s,生产线B,生产,150,除尘器,%s,123456,e2,i2,,,7.5,30,,2026-03-01\n", common, mn)
		fmt.Fprintf(&b, "%s,除尘器,治理,55,,%s,123456,e3,,,,,,DA001,2026-03-01\n", common, mn)
		fmt.Fprintf(&b, "%s,一体机,产治一体,80,,%s,123456,e4,,,,4,16,DA002,2026-03-01\n", common, mn)
		fmt.Fprintf(&b, "%s,总用电,总用电,600,,%s,123456,e5,,,e9,,,,2026-03-01\n", common, mn)
	}
	return []byte(b.String())
}

// BenchmarkImportRegistry imports 2,000 points into an empty database.
func BenchmarkImportRegistry(b *testing.B) {
	body := districtCSV(400)
	for b.Loop() {
		b.StopTimer()
		db := MustOpenDB(b)
		b.StartTimer()
		if _, err := registry.ImportRegistry(b.Context(), db, who, bytes.NewReader(body), "d.csv", false, registry.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReimportRegistry re-imports the same 2,000 points: all unchanged.
func BenchmarkReimportRegistry(b *testing.B) {
	body := districtCSV(400)
	db := MustOpenDB(b)
	if _, err := registry.ImportRegistry(b.Context(), db, who, bytes.NewReader(body), "d.csv", false, registry.Limits{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := registry.ImportRegistry(b.Context(), db, who, bytes.NewReader(body), "d.csv", false, registry.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadRegistry loads the snapshot of 2,000 points, their thresholds
// and 4,000 orders (ten episodes for each enterprise).
func BenchmarkLoadRegistry(b *testing.B) {
	db := MustOpenDB(b)
	ctx := b.Context()
	if _, err := registry.ImportRegistry(ctx, db, who, bytes.NewReader(districtCSV(400)), "d.csv", false, registry.Limits{}); err != nil {
		b.Fatal(err)
	}
	es, _ := db.FindEnterprises(ctx, store.EnterpriseFilter{})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, store.Beijing)
	var orders []store.Order
	for _, e := range es {
		fs, _ := db.FacilitiesByEnterprise(ctx, e.ID)
		for k := range 10 {
			orders = append(orders, store.Order{EnterpriseID: e.ID, Kind: store.Cut, CutPercent: 30, Level: store.Orange,
				FacilityIDs: []int64{fs[0].ID, fs[1].ID}, Start: t0.AddDate(0, 0, 7*k), End: t0.AddDate(0, 0, 7*k+2)})
		}
	}
	if _, err := db.ImportOrders(ctx, who, orders, false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := db.LoadRegistry(ctx)
		if err != nil || len(r.Points) != 2000 || len(r.Orders) != 4000 {
			b.Fatalf("LoadRegistry: %d points, %d orders, %v", len(r.Points), len(r.Orders), err)
		}
	}
}
