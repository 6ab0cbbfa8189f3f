package main

import (
	"image"
	"path/filepath"
	"testing"

	"powerwatch/geo"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui/mapview"
)

// TestEpisodeMap: the report's map shows an enterprise under order in the
// colour of its worst facility on the board, and there is no map when no
// enterprise under order has a position.
func TestEpisodeMap(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "map.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := geo.Point{Lng: 116.50, Lat: 39.93}
	placed := store.Enterprise{Name: "有位置的厂", Longitude: at.Lng, Latitude: at.Lat}
	unplaced := store.Enterprise{Name: "没有位置的厂"}
	for _, e := range []*store.Enterprise{&placed, &unplaced} {
		if err := db.CreateEnterprise(ctx, "test", e); err != nil {
			t.Fatal(err)
		}
	}
	var facs []store.Facility
	for _, e := range []store.Enterprise{placed, placed, unplaced} {
		f := store.Facility{EnterpriseID: e.ID, Name: "窑" + string(rune('A'+len(facs))), Kind: store.Production, RatedKW: 800}
		if err := db.CreateFacility(ctx, "test", &f); err != nil {
			t.Fatal(err)
		}
		facs = append(facs, f)
	}
	report := func(fs ...store.FacilityReduction) store.EpisodeReport { return store.EpisodeReport{Facilities: fs} }
	m, err := episodeMap(ctx, db, "朝阳区", report(
		store.FacilityReduction{EnterpriseID: placed.ID, FacilityID: facs[0].ID, State: store.StateStopped},
		store.FacilityReduction{EnterpriseID: placed.ID, FacilityID: facs[1].ID, State: store.StateRunning},
		store.FacilityReduction{EnterpriseID: unplaced.ID, FacilityID: facs[2].ID, State: store.StateRunning}))
	if err != nil || m == nil {
		t.Fatalf("episodeMap = %v, %v", m, err)
	}
	// One enterprise: the view is centred on it.
	b := m.Bounds()
	c := m.(*image.RGBA).RGBAAt(b.Dx()/2+6, b.Dy()/2)
	want := mapview.Running.Color()
	if d := int(c.R) - int(want.R) + int(c.G) - int(want.G); d > 20 || d < -20 {
		t.Errorf("marker colour %v, want running's %v (the worse of running and stopped)", c, want)
	}
	m, err = episodeMap(ctx, db, "朝阳区", report(store.FacilityReduction{EnterpriseID: unplaced.ID, FacilityID: facs[2].ID, State: store.StateRunning}))
	if err != nil || m != nil {
		t.Errorf("no enterprise with a position: map %v, %v; want none", m != nil, err)
	}
}
