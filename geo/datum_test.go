package geo

import (
	"math"
	"testing"
)

// metres is the rough ground distance between two nearby points.
func metres(a, b Point) float64 {
	dy := (a.Lat - b.Lat) * 111_320
	dx := (a.Lng - b.Lng) * 111_320 * math.Cos(a.Lat*math.Pi/180)
	return math.Hypot(dx, dy)
}

func TestGCJ02(t *testing.T) {
	tests := []struct {
		name      string
		wgs       Point
		gcj       Point // from a published converter, to 1e-5 degrees (~1 m)
		wantShift [2]float64
	}{
		// Tiananmen: WGS-84 116.391263,39.907705 shows on GCJ-02 maps at 116.397498,39.909104.
		{"tiananmen", Point{116.391263, 39.907705}, Point{116.397498, 39.909104}, [2]float64{400, 700}},
		{"miyun", Point{116.843, 40.377}, Point{}, [2]float64{100, 800}},
		{"fangshan", Point{115.7, 39.7}, Point{}, [2]float64{100, 800}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ToGCJ02(tt.wgs)
			if tt.gcj != (Point{}) && metres(g, tt.gcj) > 2 {
				t.Errorf("ToGCJ02(%v) = %v, want %v (%.1f m off)", tt.wgs, g, tt.gcj, metres(g, tt.gcj))
			}
			if d := metres(g, tt.wgs); d < tt.wantShift[0] || d > tt.wantShift[1] {
				t.Errorf("shift %.0f m, want %v", d, tt.wantShift)
			}
			back := FromGCJ02(g)
			if d := metres(back, tt.wgs); d > 0.01 {
				t.Errorf("FromGCJ02(ToGCJ02(p)) = %v, %.4f m from %v", back, d, tt.wgs)
			}
		})
	}
}

func TestBoxContains(t *testing.T) {
	tests := []struct {
		p    Point
		want bool
	}{
		{Point{116.4, 39.9}, true},
		{Point{115.4, 39.4}, true},
		{Point{39.9, 116.4}, false}, // swapped
		{Point{121.47, 31.23}, false},
		{Point{0, 0}, false},
	}
	for _, tt := range tests {
		if got := Beijing.Contains(tt.p); got != tt.want {
			t.Errorf("Beijing.Contains(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// TestChaoyangRoads: the demo roads lie in 朝阳区's box, and Along walks
// them end to end, beside the road by the offset asked.
func TestChaoyangRoads(t *testing.T) {
	chaoyang := Box{Min: Point{116.34, 39.81}, Max: Point{116.65, 40.10}}
	for _, r := range ChaoyangRoads() {
		for _, p := range r.Path {
			if !chaoyang.Contains(p) {
				t.Errorf("%s %s: %v outside 朝阳区", r.Street, r.Name, p)
			}
		}
		if got := r.Along(0, 0); metres(got, r.Path[0]) > 0.01 {
			t.Errorf("%s: Along(0) = %v, want the start", r.Name, got)
		}
		if got := r.Along(1, 0); metres(got, r.Path[len(r.Path)-1]) > 0.01 {
			t.Errorf("%s: Along(1) = %v, want the end", r.Name, got)
		}
		mid, side := r.Along(0.3, 0), r.Along(0.3, 150)
		if d := metres(mid, side); d < 140 || d > 160 {
			t.Errorf("%s: 150 m off the road is %.0f m away", r.Name, d)
		}
	}
}
