package mapview

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"powerwatch/assets"
	"powerwatch/geo"
)

func areas(tb testing.TB) []geo.Area {
	tb.Helper()
	as, err := geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		tb.Fatal(err)
	}
	return as
}

// district returns n markers spread over 朝阳区's box (inside or not: the
// renderer does not care), with every state and a range of sizes.
func district(n int) []Marker {
	rng := rand.New(rand.NewPCG(1, 2))
	ms := make([]Marker, n)
	for i := range ms {
		ms[i] = Marker{ID: int64(i + 1), Pos: geo.Point{Lng: 116.40 + rng.Float64()*0.25, Lat: 39.82 + rng.Float64()*0.25},
			State: State(rng.IntN(int(numStates))), RatedKW: rng.Float64() * 3000, Title: fmt.Sprint("企业", i)}
	}
	return ms
}

func near(a color.RGBA, b color.NRGBA) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) < 12 && d(a.G, b.G) < 12 && d(a.B, b.B) < 12
}

// TestRenderMarkers: a lone marker is drawn in its state's colour where the
// view puts it; two on top of each other become one cluster, in the worse
// colour; the home district is filled with its own colour.
func TestRenderMarkers(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	sc := &Scene{Areas: areas(t), Home: "朝阳区", Markers: []Marker{
		{ID: 1, Pos: geo.Point{Lng: 116.55, Lat: 39.95}, State: DeviceAlarm, RatedKW: 500},
		{ID: 2, Pos: geo.Point{Lng: 116.45, Lat: 39.90}, State: Normal, RatedKW: 100},
		{ID: 3, Pos: geo.Point{Lng: 116.4501, Lat: 39.9001}, State: Violation, RatedKW: 100},
	}}
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	var home geo.Box
	for _, a := range sc.Areas {
		if a.Name == sc.Home {
			home = a.Bounds
		}
	}
	v := Fit(home, 800, 600)
	placed := r.Render(img, sc, v, 1)
	if len(placed) != 2 {
		t.Fatalf("%d placed, want 2 (one marker, one cluster)", len(placed))
	}
	cl := placed[Hit(placed, placed[0].X, placed[0].Y, 0)]
	if len(cl.Members) != 2 {
		cl = placed[1]
	}
	for _, tt := range []struct {
		what string
		x, y float64
		want color.NRGBA
	}{
		{"marker", placed[1-indexOf(placed, cl)].X, placed[1-indexOf(placed, cl)].Y, DeviceAlarm.Color()},
		{"cluster", cl.X + cl.R*0.75, cl.Y, Violation.Color()}, // the cluster takes the worst; its count is in the middle
		{"home", pxOf(v, geo.Point{Lng: 116.58, Lat: 39.86}), pyOf(v, geo.Point{Lng: 116.58, Lat: 39.86}), colHome},
	} {
		if got := img.RGBAAt(int(tt.x), int(tt.y)); !near(got, tt.want) {
			t.Errorf("%s pixel = %v, want %v", tt.what, got, tt.want)
		}
	}
	if i := Hit(placed, placed[0].X, placed[0].Y, 0); i != 0 {
		t.Errorf("Hit at the first placed = %d", i)
	}
}

func indexOf(ps []Placed, p Placed) int {
	for i := range ps {
		if ps[i].X == p.X && ps[i].Y == p.Y {
			return i
		}
	}
	return -1
}

func pxOf(v View, p geo.Point) float64 { x, _ := v.ToPixel(p, 800, 600); return x }
func pyOf(v View, p geo.Point) float64 { _, y := v.ToPixel(p, 800, 600); return y }

func TestViewRoundTrip(t *testing.T) {
	v := View{Center: geo.Point{Lng: 116.4, Lat: 39.9}, PxPerDeg: 3000}
	p := geo.Point{Lng: 116.45, Lat: 39.93}
	x, y := v.ToPixel(p, 800, 600)
	z := v.Zoom(2, x, y, 800, 600)
	x2, y2 := z.ToPixel(p, 800, 600)
	if d := (x2-x)*(x2-x) + (y2-y)*(y2-y); d > 1e-6 {
		t.Errorf("zoom moved the point under the pointer from (%g, %g) to (%g, %g)", x, y, x2, y2)
	}
	pan := v.Pan(10, -5)
	x3, y3 := pan.ToPixel(p, 800, 600)
	if d := (x3-x-10)*(x3-x-10) + (y3-y+5)*(y3-y+5); d > 1e-6 {
		t.Errorf("pan by (10, -5) moved the point by (%g, %g)", x3-x, y3-y)
	}
}

// BenchmarkRender2000 draws the district with 2,000 enterprises at
// 1366×768 (the map's share of the window is smaller): the goal is under
// 200 ms per picture (BENCHMARKS.md).
func BenchmarkRender2000(b *testing.B) {
	r, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	sc := &Scene{Areas: areas(b), Home: "朝阳区", Markers: district(2000)}
	var home geo.Box
	for _, a := range sc.Areas {
		if a.Name == sc.Home {
			home = a.Bounds
		}
	}
	for _, size := range []struct{ w, h int }{{1366, 768}, {1920, 1080}} {
		b.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(b *testing.B) {
			v := Fit(home, float64(size.w), float64(size.h))
			img := image.NewRGBA(image.Rect(0, 0, size.w, size.h))
			for b.Loop() {
				r.Render(img, sc, v, 1)
			}
		})
	}
}
