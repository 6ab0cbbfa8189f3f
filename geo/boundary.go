package geo

import (
	"encoding/json"
	"fmt"
)

// An Area is one district: its name, administrative code and outline.
type Area struct {
	Code     string
	Name     string
	Center   Point       // where its label goes
	Polygons [][][]Point // each polygon: its outer ring, then holes
	Bounds   Box
}

// The plain GeoJSON written by DecodeECharts and read by ParseAreas.
type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Properties properties `json:"properties"`
	Geometry   geometry   `json:"geometry"`
}

type properties struct {
	Name   string    `json:"name"`
	Center []float64 `json:"center,omitempty"`
}

type geometry struct {
	Type        string           `json:"type"`
	Coordinates [][][][2]float64 `json:"coordinates"`
}

// ParseAreas reads a GeoJSON FeatureCollection of MultiPolygons (the shipped
// assets/map/beijing.geojson) into areas.
func ParseAreas(src []byte) ([]Area, error) {
	var fc featureCollection
	if err := json.Unmarshal(src, &fc); err != nil {
		return nil, fmt.Errorf("read boundaries: %w", err)
	}
	areas := make([]Area, 0, len(fc.Features))
	for i, f := range fc.Features {
		if f.Geometry.Type != "MultiPolygon" {
			return nil, fmt.Errorf("read boundaries: feature %d (%s): geometry %q, want MultiPolygon", i, f.Properties.Name, f.Geometry.Type)
		}
		a := Area{Code: f.ID, Name: f.Properties.Name}
		for _, poly := range f.Geometry.Coordinates {
			var rings [][]Point
			for _, ring := range poly {
				pts := make([]Point, len(ring))
				for k, c := range ring {
					pts[k] = Point{c[0], c[1]}
					a.Bounds = a.Bounds.Extend(pts[k])
				}
				rings = append(rings, pts)
			}
			a.Polygons = append(a.Polygons, rings)
		}
		if len(f.Properties.Center) == 2 {
			a.Center = Point{f.Properties.Center[0], f.Properties.Center[1]}
		} else {
			a.Center = Point{(a.Bounds.Min.Lng + a.Bounds.Max.Lng) / 2, (a.Bounds.Min.Lat + a.Bounds.Max.Lat) / 2}
		}
		areas = append(areas, a)
	}
	return areas, nil
}

// Contains reports whether p lies inside one of the area's polygons (even-odd
// rule over the polygon's outer ring and holes).
func (a Area) Contains(p Point) bool {
	if !a.Bounds.Contains(p) {
		return false
	}
	for _, poly := range a.Polygons {
		in := false
		for _, ring := range poly {
			if crosses(ring, p)%2 == 1 {
				in = !in
			}
		}
		if in {
			return true
		}
	}
	return false
}

// crosses counts the edges of ring that a ray from p to the east crosses.
func crosses(ring []Point, p Point) int {
	n := 0
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		pi, pj := ring[i], ring[j]
		if (pi.Lat > p.Lat) != (pj.Lat > p.Lat) &&
			p.Lng < (pj.Lng-pi.Lng)*(p.Lat-pi.Lat)/(pj.Lat-pi.Lat)+pi.Lng {
			n++
		}
	}
	return n
}
