package main

import (
	"context"
	"fmt"
	"image"

	"powerwatch/assets"
	"powerwatch/geo"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui/mapview"
)

// episodeMap draws the enterprises of an episode report on the district map,
// each in the colour of its worst facility on the board (running, partial,
// stopped, unknown), with a legend: the picture in the report's PDF. It
// returns nil and no error when no enterprise under order has a position.
func episodeMap(ctx context.Context, db *sqlite.DB, district string, r store.EpisodeReport) (image.Image, error) {
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("map of the episode: %w", err)
	}
	areas, err := geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		return nil, err
	}
	worst := map[int64]mapview.State{}
	rated := map[int64]float64{}
	for _, f := range r.Facilities {
		st := mapview.EpisodeState(f.State)
		if cur, ok := worst[f.EnterpriseID]; !ok || st < cur {
			worst[f.EnterpriseID] = st
		}
		if fac, ok := reg.Facility(f.FacilityID); ok {
			rated[f.EnterpriseID] += fac.RatedKW
		}
	}
	sc := &mapview.Scene{Areas: areas, Home: district, Title: "管控企业 " + r.Episode.Start.In(store.Beijing).Format("2006-01-02 15:04")}
	var box geo.Box
	counts := map[mapview.State]int{}
	for id, st := range worst {
		e, ok := reg.Enterprise(id)
		p := geo.Point{Lng: e.Longitude, Lat: e.Latitude}
		if !ok || !geo.Beijing.Contains(p) {
			continue
		}
		box = box.Extend(p)
		counts[st]++
		sc.Markers = append(sc.Markers, mapview.Marker{ID: id, Pos: p, State: st, RatedKW: rated[id], Title: e.Name})
	}
	if len(sc.Markers) == 0 {
		return nil, nil
	}
	names := map[mapview.State]string{mapview.Running: "仍在运行 running", mapview.Partial: "部分运行 partial",
		mapview.Stopped: "已停 stopped", mapview.Unknown: "不明 unknown"}
	for _, st := range mapview.States() {
		if counts[st] > 0 {
			sc.Legend = append(sc.Legend, mapview.LegendEntry{State: st, Text: names[st], Count: counts[st]})
		}
	}
	// The enterprises, with a margin, but never closer than a few streets.
	pad := 0.02
	box = geo.Box{Min: geo.Point{Lng: box.Min.Lng - pad, Lat: box.Min.Lat - pad}, Max: geo.Point{Lng: box.Max.Lng + pad, Lat: box.Max.Lat + pad}}
	const w, h = 1600, 1000
	rd, err := mapview.NewRenderer()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rd.Render(img, sc, mapview.Fit(box, w, h), 1.6)
	return img, nil
}
