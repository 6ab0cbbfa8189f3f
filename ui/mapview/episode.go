package mapview

import (
	"image"

	"powerwatch/assets"
	"powerwatch/geo"
	"powerwatch/store"
)

// EpisodeMap draws the enterprises of an episode report on the district map,
// each in the colour of its worst facility on the board (running, partial,
// stopped, unknown), with a legend: the picture in the report's PDF; names
// and positions from reg, district the one highlighted. It returns nil and
// no error when no enterprise under order has a position.
func EpisodeMap(reg *store.Registry, district string, r store.EpisodeReport) (image.Image, error) {
	areas, err := geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		return nil, err
	}
	worst := map[int64]State{}
	rated := map[int64]float64{}
	for _, f := range r.Facilities {
		st := EpisodeState(f.State)
		if cur, ok := worst[f.EnterpriseID]; !ok || st < cur {
			worst[f.EnterpriseID] = st
		}
		if fac, ok := reg.Facility(f.FacilityID); ok {
			rated[f.EnterpriseID] += fac.RatedKW
		}
	}
	sc := &Scene{Areas: areas, Home: district, Title: "管控企业 " + r.Episode.Start.In(store.Beijing).Format("2006-01-02 15:04")}
	var box geo.Box
	counts := map[State]int{}
	for id, st := range worst {
		e, ok := reg.Enterprise(id)
		p := geo.Point{Lng: e.Longitude, Lat: e.Latitude}
		if !ok || !geo.Beijing.Contains(p) {
			continue
		}
		box = box.Extend(p)
		counts[st]++
		sc.Markers = append(sc.Markers, Marker{ID: id, Pos: p, State: st, RatedKW: rated[id], Title: e.Name})
	}
	if len(sc.Markers) == 0 {
		return nil, nil
	}
	names := map[State]string{Running: "仍在运行 running", Partial: "部分运行 partial",
		Stopped: "已停 stopped", Unknown: "不明 unknown"}
	for _, st := range States() {
		if counts[st] > 0 {
			sc.Legend = append(sc.Legend, LegendEntry{State: st, Text: names[st], Count: counts[st]})
		}
	}
	// The enterprises, with a margin, but never closer than a few streets.
	pad := 0.02
	box = geo.Box{Min: geo.Point{Lng: box.Min.Lng - pad, Lat: box.Min.Lat - pad}, Max: geo.Point{Lng: box.Max.Lng + pad, Lat: box.Max.Lat + pad}}
	const w, h = 1600, 1000
	rd, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rd.Render(img, sc, Fit(box, w, h), 1.6)
	return img, nil
}
