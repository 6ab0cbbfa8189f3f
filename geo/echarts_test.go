package geo

import (
	"encoding/json"
	"strings"
	"testing"
)

// encodeRing is ECharts' encoder (its tools' encodeGeoJSON), written here
// independently of decodeRing so the test can fail.
func encodeRing(pts [][2]int) (string, [2]int) {
	var b strings.Builder
	prev := pts[0]
	for _, p := range pts {
		for k := range 2 {
			d := p[k] - prev[k]
			z := d << 1
			if d < 0 {
				z = -d<<1 - 1
			}
			b.WriteRune(rune(z + 64))
		}
		prev = p
	}
	return b.String(), pts[0]
}

func TestDecodeECharts(t *testing.T) {
	square := [][2]int{{119500, 40900}, {119600, 40900}, {119600, 41000}, {119500, 41000}} // open, as ECharts leaves it
	s, off := encodeRing(square)
	tests := []struct {
		name    string
		doc     string
		want    [][][][2]float64
		wantErr string
	}{
		{"polygon", `{"UTF8Encoding":true,"features":[{"id":"1","properties":{"name":"甲区"},"geometry":{"type":"Polygon","coordinates":[` +
			quote(s) + `],"encodeOffsets":[[` + itoa(off[0]) + `,` + itoa(off[1]) + `]]}}]}`,
			[][][][2]float64{{{{119500.0 / 1024, 40900.0 / 1024}, {119600.0 / 1024, 40900.0 / 1024}, {119600.0 / 1024, 41000.0 / 1024},
				{119500.0 / 1024, 41000.0 / 1024}, {119500.0 / 1024, 40900.0 / 1024}}}}, ""},
		{"multipolygon", `{"UTF8Encoding":true,"features":[{"id":"2","properties":{"name":"乙区"},"geometry":{"type":"MultiPolygon","coordinates":[[` +
			quote(s) + `],[` + quote(s) + `]],"encodeOffsets":[[[` + itoa(off[0]) + `,` + itoa(off[1]) + `]],[[` + itoa(off[0]) + `,` + itoa(off[1]) + `]]]}}]}`,
			nil, ""},
		{"plain", `{"features":[]}`, nil, "not in the compressed encoding"},
		{"odd", `{"UTF8Encoding":true,"features":[{"id":"3","properties":{"name":"丙区"},"geometry":{"type":"Polygon","coordinates":["@@A"],"encodeOffsets":[[1,2]]}}]}`,
			nil, "丙区 (3): ring 0: odd number"},
		{"offsets", `{"UTF8Encoding":true,"features":[{"id":"4","properties":{"name":"丁区"},"geometry":{"type":"Polygon","coordinates":["@@AA"],"encodeOffsets":[]}}]}`,
			nil, "1 rings but 0 offsets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := DecodeECharts([]byte(tt.doc))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			areas, err := ParseAreas(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(areas) != 1 {
				t.Fatalf("%d areas", len(areas))
			}
			for _, poly := range areas[0].Polygons {
				ring := poly[0]
				if len(ring) != 5 || ring[0] != ring[4] {
					t.Fatalf("ring %v: want the 4 corners, closed", ring)
				}
				if ring[1] != (Point{119600.0 / 1024, 40900.0 / 1024}) {
					t.Errorf("second corner %v", ring[1])
				}
			}
			if tt.want != nil {
				var fc featureCollection
				json.Unmarshal(out, &fc)
				got, _ := json.Marshal(fc.Features[0].Geometry.Coordinates)
				want, _ := json.Marshal(tt.want)
				if string(got) != string(want) {
					t.Errorf("coordinates %s, want %s", got, want)
				}
			}
			mid := Point{119550.0 / 1024, 40950.0 / 1024}
			if !areas[0].Contains(mid) || areas[0].Contains(Point{116, 39}) {
				t.Errorf("Contains wrong for the square")
			}
		})
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
func itoa(i int) string     { b, _ := json.Marshal(i); return string(b) }
