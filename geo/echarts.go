package geo

import (
	"encoding/json"
	"fmt"
	"unicode/utf16"
)

// DecodeECharts turns a map file of the ECharts 4 npm package (its
// "UTF8Encoding" form, where each ring is a string of zigzag-encoded deltas
// in 1/1024 degree, two UTF-16 code units per point, starting from the
// ring's encodeOffsets) into plain GeoJSON with the coordinates as numbers.
// Rings are closed (last point equal to the first) as RFC 7946 §3.1.6 asks;
// ECharts leaves some open. The result keeps each feature's id and name.
func DecodeECharts(src []byte) ([]byte, error) {
	var in struct {
		UTF8Encoding bool
		UTF8Scale    *float64
		Features     []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string    `json:"name"`
				CP   []float64 `json:"cp"`
			} `json:"properties"`
			Geometry struct {
				Type          string          `json:"type"`
				Coordinates   json.RawMessage `json:"coordinates"`
				EncodeOffsets json.RawMessage `json:"encodeOffsets"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(src, &in); err != nil {
		return nil, fmt.Errorf("read echarts map: %w", err)
	}
	if !in.UTF8Encoding {
		return nil, fmt.Errorf("read echarts map: not in the compressed encoding (UTF8Encoding is not true)")
	}
	scale := 1024.0
	if in.UTF8Scale != nil {
		scale = *in.UTF8Scale
	}
	out := featureCollection{Type: "FeatureCollection"}
	for _, f := range in.Features {
		polys, err := decodeGeometry(f.Geometry.Type, f.Geometry.Coordinates, f.Geometry.EncodeOffsets, scale)
		if err != nil {
			return nil, fmt.Errorf("decode %s (%s): %w", f.Properties.Name, f.ID, err)
		}
		out.Features = append(out.Features, feature{Type: "Feature", ID: f.ID,
			Properties: properties{Name: f.Properties.Name, Center: f.Properties.CP},
			Geometry:   geometry{Type: "MultiPolygon", Coordinates: polys}})
	}
	return json.Marshal(out)
}

// decodeGeometry returns a Polygon or MultiPolygon as MultiPolygon coordinates.
func decodeGeometry(typ string, coords, offsets json.RawMessage, scale float64) ([][][][2]float64, error) {
	switch typ {
	case "Polygon":
		var rings []string
		var offs [][2]int
		if err := unmarshalBoth(coords, &rings, offsets, &offs); err != nil {
			return nil, err
		}
		p, err := decodeRings(rings, offs, scale)
		return [][][][2]float64{p}, err
	case "MultiPolygon":
		var polys [][]string
		var offs [][][2]int
		if err := unmarshalBoth(coords, &polys, offsets, &offs); err != nil {
			return nil, err
		}
		if len(offs) != len(polys) {
			return nil, fmt.Errorf("%d polygons but %d offset lists", len(polys), len(offs))
		}
		var out [][][][2]float64
		for i := range polys {
			p, err := decodeRings(polys[i], offs[i], scale)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i, err)
			}
			out = append(out, p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("geometry type %q: want Polygon or MultiPolygon", typ)
}

func unmarshalBoth(a json.RawMessage, va any, b json.RawMessage, vb any) error {
	if err := json.Unmarshal(a, va); err != nil {
		return fmt.Errorf("coordinates: %w", err)
	}
	if err := json.Unmarshal(b, vb); err != nil {
		return fmt.Errorf("encodeOffsets: %w", err)
	}
	return nil
}

func decodeRings(rings []string, offs [][2]int, scale float64) ([][][2]float64, error) {
	if len(offs) != len(rings) {
		return nil, fmt.Errorf("%d rings but %d offsets", len(rings), len(offs))
	}
	out := make([][][2]float64, len(rings))
	for i, s := range rings {
		r, err := decodeRing(s, offs[i], scale)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i, err)
		}
		out[i] = r
	}
	return out, nil
}

// decodeRing is ECharts' decodePolygon (src/coord/geo/parseGeoJson.js):
// each code unit minus 64 is a zigzag-encoded delta from the previous point.
func decodeRing(s string, off [2]int, scale float64) ([][2]float64, error) {
	units := utf16.Encode([]rune(s)) // JavaScript's charCodeAt counts UTF-16 units
	if len(units)%2 != 0 {
		return nil, fmt.Errorf("odd number of code units (%d)", len(units))
	}
	x, y := off[0], off[1]
	var ring [][2]float64
	for i := 0; i < len(units); i += 2 {
		dx, dy := int(units[i])-64, int(units[i+1])-64
		x += dx>>1 ^ -(dx & 1)
		y += dy>>1 ^ -(dy & 1)
		ring = append(ring, [2]float64{float64(x) / scale, float64(y) / scale})
	}
	if len(ring) < 3 {
		return nil, fmt.Errorf("%d points, a ring needs at least 3", len(ring))
	}
	if ring[0] != ring[len(ring)-1] {
		ring = append(ring, ring[0])
	}
	return ring, nil
}
