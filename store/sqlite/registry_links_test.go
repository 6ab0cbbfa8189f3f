package sqlite_test

import (
	"errors"
	"slices"
	"testing"

	"powerwatch/store"
)

// TestSetLinks: an officer types a 关联治理设施 cell in 一企一档 for a
// production line whose old links were an unconfirmed ungrouped pair; the
// links become the typed stages, confirmed, audited; bad cells change
// nothing.
func TestSetLinks(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	add := func(name string) store.Facility {
		t.Helper()
		x := store.Facility{EnterpriseID: f.ent.ID, Name: name, Kind: store.Treatment, RatedKW: 20}
		if err := f.db.CreateFacility(ctx, who, &x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	carbon, a, b := add("活性炭"), add("A"), add("B")
	// The fixture's line has one link to its treatment unit; add an ungrouped
	// second one, as a database older than the stage syntax holds.
	if err := f.db.CreateLink(ctx, who, &store.Link{ProductionID: f.prod.ID, TreatmentID: carbon.ID}); err != nil {
		t.Fatal(err)
	}
	prod, _ := f.db.FacilityByID(ctx, f.prod.ID)
	if prod.LinksConfirmed {
		t.Fatal("fixture's links already confirmed")
	}
	cell := f.treat.Name + "+活性炭+A|B(备)"
	tbs, err := store.ParseTreatedBy(cell)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetLinks(ctx, "officer", f.prod.ID, tbs); err != nil {
		t.Fatal(err)
	}
	ls, err := f.db.LinksByProduction(ctx, f.prod.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		tid   int64
		role  store.LinkRole
		group string
		need  int
	}
	var got []row
	for _, l := range ls {
		got = append(got, row{l.TreatmentID, l.Role, l.Group, l.Need})
	}
	want := []row{{f.treat.ID, store.Active, "", 0}, {carbon.ID, store.Active, "", 0}, {a.ID, store.Active, "S3", 1}, {b.ID, store.Standby, "S3", 1}}
	slices.SortFunc(got, func(x, y row) int { return int(x.tid - y.tid) })
	slices.SortFunc(want, func(x, y row) int { return int(x.tid - y.tid) })
	if !slices.Equal(got, want) {
		t.Errorf("links = %+v, want %+v", got, want)
	}
	if prod, _ = f.db.FacilityByID(ctx, f.prod.ID); !prod.LinksConfirmed {
		t.Error("links not confirmed after an officer set them")
	}
	if es, err := f.db.FindAudit(ctx, store.AuditFilter{Who: "officer", Entity: "link"}); err != nil || len(es) != 2 {
		t.Errorf("audit of links: %d entries (%v), want 2 (A and B created; the two kept unchanged)", len(es), err)
	}

	// Bad cells and facilities leave everything as it was.
	for _, tt := range []struct {
		name string
		prod int64
		cell string
		want error
	}{
		{"unknown unit", f.prod.ID, "活性炭+喷淋塔", store.ErrNotFound},
		{"itself", f.prod.ID, f.prod.Name, store.ErrInvalid},
		{"treatment facility", f.treat.ID, "活性炭", store.ErrInvalid},
		{"no facility", 99999, "活性炭", store.ErrNotFound},
	} {
		tbs, err := store.ParseTreatedBy(tt.cell)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := f.db.SetLinks(ctx, "officer", tt.prod, tbs); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if after, _ := f.db.LinksByProduction(ctx, f.prod.ID); len(after) != len(ls) {
		t.Errorf("a refused cell changed the links: %d, want %d", len(after), len(ls))
	}

	// An empty cell removes every link.
	if err := f.db.SetLinks(ctx, "officer", f.prod.ID, nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := f.db.LinksByProduction(ctx, f.prod.ID); len(after) != 0 {
		t.Errorf("empty cell left %d links", len(after))
	}
}
