package ui

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/geo"
	"powerwatch/store"
	"powerwatch/ui/mapview"
)

// mapFake adds what the 地图 reads to the fake store: the registry as one
// snapshot and each point's sample at now.
type mapFake struct {
	*fakeStore
	now time.Time
}

func (f mapFake) LoadRegistry(context.Context) (*store.Registry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &store.Registry{LoadedAt: f.now, Regions: f.regions, Industries: f.industries, Enterprises: f.ents, Facilities: f.facs,
		Links: f.links, Terminals: f.terms, Points: f.points, Thresholds: f.thresholds, Orders: f.orders, Filings: f.filings}
	r.Index()
	return r, nil
}

func (f mapFake) LatestSamples(context.Context) ([]store.Sample, error) {
	var out []store.Sample
	for _, p := range f.points {
		out = append(out, f.samples(p.ID, f.now.Add(-5*time.Minute)))
	}
	return out, nil
}

// markerOf returns enterprise id's marker on the map, as drawn.
func markerOf(t *testing.T, s *Shell, id int64) (mapview.Marker, mapview.Placed) {
	t.Helper()
	sc := s.geo.m.Scene()
	for _, p := range s.geo.m.Placed() {
		for _, i := range p.Members {
			if sc.Markers[i].ID == id {
				return sc.Markers[i], p
			}
		}
	}
	t.Fatalf("enterprise %d not on the map", id)
	return mapview.Marker{}, mapview.Placed{}
}

// TestMapMarkerFollowsAlarm: an enterprise's marker turns red when a
// violation is raised, and back to normal when the alarm is withdrawn; the
// colour on screen follows.
func TestMapMarkerFollowsAlarm(t *testing.T) {
	f := demoDistrict(demoNow)
	f.alarms = nil
	for i := range f.ents { // far enough apart not to cluster
		f.ents[i].Longitude, f.ents[i].Latitude = 116.45+0.04*float64(i), 39.92
	}
	d := demoDeps(f, demoNow)
	d.Map = mapFake{f, demoNow}
	s, w := mustShell(t, d)
	s.Show(ViewMap)
	s.Wait()
	colourAt := func(p mapview.Placed) mapview.State {
		t.Helper()
		img := w.Canvas().Capture()
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.geo.m)
		k := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
		c := img.At(int((pos.X+float32(p.X)+float32(p.R)*0.6)*k), int((pos.Y+float32(p.Y))*k))
		for _, st := range mapview.States() {
			r, g, b, _ := c.RGBA()
			want := st.Color()
			if absDiff(r>>8, uint32(want.R)) < 16 && absDiff(g>>8, uint32(want.G)) < 16 && absDiff(b>>8, uint32(want.B)) < 16 {
				return st
			}
		}
		t.Fatalf("colour %v at the marker is no state's", c)
		return 0
	}
	steps := []struct {
		name   string
		change func([]store.Alarm) []store.Alarm
		want   mapview.State
	}{
		{"normal", func(as []store.Alarm) []store.Alarm { return as }, mapview.Normal},
		{"raised", func(as []store.Alarm) []store.Alarm {
			return append(as, store.Alarm{ID: 9, Type: store.TreatmentOff, Grade: store.Major, Status: store.Open, EnterpriseID: 2,
				ProductionID: 21, TreatmentID: 23, Start: demoNow.Add(-time.Hour)})
		}, mapview.Violation},
		{"withdrawn", func(as []store.Alarm) []store.Alarm { as[0].Status = store.Withdrawn; as[0].End = demoNow; return as }, mapview.Normal},
	}
	for _, st := range steps {
		f.changeAlarms(st.change)
		s.geo.refresh()
		s.Wait()
		w.Canvas().Capture() // the widget places markers when it paints
		m, p := markerOf(t, s, 2)
		if m.State != st.want {
			t.Errorf("%s: marker state %v, want %v", st.name, m.State, st.want)
		}
		if got := colourAt(p); got != st.want {
			t.Errorf("%s: colour on screen is %v's, want %v's", st.name, got, st.want)
		}
	}
	list := s.geo.data.violations
	if len(list) != 0 {
		t.Errorf("withdrawn alarm still listed: %v", list)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// mapDistrict is the demo district with n more enterprises beside the
// demo roads of 朝阳区 (geo.ChaoyangRoads, as `powerwatch demo` places
// them), a few in each state.
func mapDistrict(n int) *fakeStore {
	f := demoDistrict(demoNow)
	rng := rand.New(rand.NewPCG(7, 11))
	f.regions = []store.Region{{ID: 100, Name: "朝阳区"}}
	roads := geo.ChaoyangRoads()
	for i, rd := range roads {
		f.regions = append(f.regions, store.Region{ID: int64(101 + i), Name: rd.Street, Parent: 100})
	}
	for i := range f.ents {
		f.ents[i].RegionID = int64(101 + i)
		p := roads[i].Along(0.5, 80)
		f.ents[i].Longitude, f.ents[i].Latitude = p.Lng, p.Lat
	}
	for i := range n {
		id := int64(1000 + i)
		k := rng.IntN(len(roads))
		p := roads[k].Along(rng.Float64(), (rng.Float64()-0.5)*480)
		f.ents = append(f.ents, store.Enterprise{ID: id, Name: fmt.Sprintf("%s%03d号企业", roads[k].Name, i),
			RegionID: int64(101 + k), IndustryID: int64(i%3 + 1), Longitude: p.Lng, Latitude: p.Lat})
		f.facs = append(f.facs, store.Facility{ID: id * 10, EnterpriseID: id, Name: "生产线", Kind: store.Production, RatedKW: 50 + rng.Float64()*rng.Float64()*4000})
		mn := fmt.Sprintf("33010000000000000000%04X", i)
		f.terms = append(f.terms, store.Terminal{ID: id, MN: mn, EnterpriseID: id})
		f.states = append(f.states, store.TerminalState{MN: mn, Online: i%17 != 0})
		switch i % 23 {
		case 0:
			f.alarms = append(f.alarms, store.Alarm{ID: id, Type: store.TreatmentOff, Status: store.Open, EnterpriseID: id, Start: demoNow.Add(-time.Duration(i) * time.Minute)})
		case 5:
			f.alarms = append(f.alarms, store.Alarm{ID: id, Type: store.PowerMismatch, Status: store.Open, EnterpriseID: id, Start: demoNow.Add(-3 * time.Hour)})
		}
	}
	return f
}

// shootMap renders 地图 with the street district at 1366×768 and 1920×1080.
func shootMap(t *testing.T, shot func(s *Shell, w fyne.Window, name string)) {
	f := mapDistrict(160)
	d := demoDeps(f, demoNow)
	d.Map, d.District = mapFake{f, demoNow}, "朝阳区"
	s, w := mustShell(t, d)
	s.SetThemeMode(ThemeLight)
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		w.Resize(size)
		s.Show(ViewMap)
		s.Wait()
		s.geo.m.FitHome()
		s.geo.list.Select(0)
		s.Wait()
		s.geo.m.FitHome()
		shot(s, w, fmt.Sprintf("map_%d", int(size.Width)))
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(700, 400))
}

// TestPickCoordinatesOnMap: in 一企一档's edit form, 在地图上点选 opens a
// map; a click on it fills longitude and latitude with the place clicked.
func TestPickCoordinatesOnMap(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.Show(ViewEnterprises)
	s.Wait()
	p := s.ents.open(2)
	s.Wait()
	p.editEnterprise()
	form := topDialog(t, w)
	var entries []*widget.Entry
	walk(form, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	lon, lat := entries[5], entries[6]
	test.Tap(button(t, form, "在地图上点选"))
	var m *mapview.Map
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if x, ok := o.(*mapview.Map); ok {
			m = x
		}
	})
	if m == nil {
		t.Fatal("no map in the pick dialog")
	}
	w.Canvas().Capture()
	size := m.Size()
	want := m.View().FromPixel(float64(size.Width)/2+30, float64(size.Height)/2, float64(size.Width), float64(size.Height))
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(size.Width/2+30, size.Height/2)})
	gotLng, _ := strconv.ParseFloat(lon.Text, 64)
	gotLat, _ := strconv.ParseFloat(lat.Text, 64)
	if math.Abs(gotLng-want.Lng) > 1e-5 || math.Abs(gotLat-want.Lat) > 1e-5 || !geo.Beijing.Contains(want) {
		t.Errorf("entries %s, %s; want the place clicked %v", lon.Text, lat.Text, want)
	}
	if top := w.Canvas().Overlays().Top(); top != form {
		t.Error("the pick dialog stays open after the click")
	}
}
