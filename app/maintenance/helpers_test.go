package maintenance_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const who = "test"

// district is a real database with one enterprise per name, each with one
// production facility, one terminal and one point.
type district struct {
	db     *sqlite.DB
	ents   []store.Enterprise
	facs   []store.Facility
	terms  []store.Terminal
	points []store.Point
}

func mustDistrict(t *testing.T, names ...string) *district {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "powerwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := &district{db: db}
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range names {
		e := store.Enterprise{Name: name}
		must(db.CreateEnterprise(ctx, who, &e))
		f := store.Facility{EnterpriseID: e.ID, Name: fmt.Sprintf("%d号熔炉", i+1), Kind: store.Production, RatedKW: 100}
		must(db.CreateFacility(ctx, who, &f))
		tm := store.Terminal{MN: fmt.Sprintf("010000A8900016F0001%05d", i), Password: "123456", EnterpriseID: e.ID,
			MinInterval: 5 * time.Minute, RtdInterval: 5 * time.Minute}
		must(db.CreateTerminal(ctx, who, &tm))
		p := store.Point{TerminalID: tm.ID, FacilityID: f.ID, Name: fmt.Sprintf("P%d", i+1), PowerCode: fmt.Sprintf("d2040%d", i+1)}
		must(db.CreatePoint(ctx, who, &p))
		d.ents, d.facs, d.terms, d.points = append(d.ents, e), append(d.facs, f), append(d.terms, tm), append(d.points, p)
	}
	return d
}

// feed stores 5-minute samples of point i in [from, to) with power kw(t),
// skipping the slots for which kw returns NaN.
func (d *district) feed(t *testing.T, i int, from, to time.Time, kw func(time.Time) float64) {
	t.Helper()
	var b store.Batch
	for at := from; at.Before(to); at = at.Add(5 * time.Minute) {
		p := kw(at)
		if math.IsNaN(p) {
			continue
		}
		s := store.NewSample(d.points[i].ID, at)
		s.P = p
		b.Samples = append(b.Samples, s)
	}
	if _, err := d.db.Ingest(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
}

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, store.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}
