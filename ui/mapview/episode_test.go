package mapview

import (
	"image"
	"testing"

	"powerwatch/geo"
	"powerwatch/store"
)

// TestEpisodeMap: the report's map shows an enterprise under order in the
// colour of its worst facility on the board, and there is no map when no
// enterprise under order has a position.
func TestEpisodeMap(t *testing.T) {
	at := geo.Point{Lng: 116.50, Lat: 39.93}
	placed := store.Enterprise{ID: 1, Name: "有位置的厂", Longitude: at.Lng, Latitude: at.Lat}
	unplaced := store.Enterprise{ID: 2, Name: "没有位置的厂"}
	reg := &store.Registry{Enterprises: []store.Enterprise{placed, unplaced}}
	var facs []store.Facility
	for _, e := range []store.Enterprise{placed, placed, unplaced} {
		facs = append(facs, store.Facility{ID: int64(len(facs) + 1), EnterpriseID: e.ID, Name: "窑" + string(rune('A'+len(facs))), Kind: store.Production, RatedKW: 800})
	}
	reg.Facilities = facs
	reg.Index()
	report := func(fs ...store.FacilityReduction) store.EpisodeReport { return store.EpisodeReport{Facilities: fs} }
	m, err := EpisodeMap(reg, "朝阳区", report(
		store.FacilityReduction{EnterpriseID: placed.ID, FacilityID: facs[0].ID, State: store.StateStopped},
		store.FacilityReduction{EnterpriseID: placed.ID, FacilityID: facs[1].ID, State: store.StateRunning},
		store.FacilityReduction{EnterpriseID: unplaced.ID, FacilityID: facs[2].ID, State: store.StateRunning}))
	if err != nil || m == nil {
		t.Fatalf("EpisodeMap = %v, %v", m, err)
	}
	// One enterprise: the view is centred on it.
	b := m.Bounds()
	c := m.(*image.RGBA).RGBAAt(b.Dx()/2+6, b.Dy()/2)
	want := Running.Color()
	if d := int(c.R) - int(want.R) + int(c.G) - int(want.G); d > 20 || d < -20 {
		t.Errorf("marker colour %v, want running's %v (the worse of running and stopped)", c, want)
	}
	m, err = EpisodeMap(reg, "朝阳区", report(store.FacilityReduction{EnterpriseID: unplaced.ID, FacilityID: facs[2].ID, State: store.StateRunning}))
	if err != nil || m != nil {
		t.Errorf("no enterprise with a position: map %v, %v; want none", m != nil, err)
	}
}
