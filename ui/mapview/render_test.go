package mapview

import (
	"fmt"
	"image"
	"image/color"
	"math"
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

// TestPanMatchesFreshPicture: a picture reached by panning (the cached base
// layer shifted and the strips that came into view drawn) is the picture a
// fresh renderer draws for the same view, for pans in every direction, and
// one larger than the picture; a zoom redraws the base layer.
func TestPanMatchesFreshPicture(t *testing.T) {
	as := areas(t)
	sc := &Scene{Areas: as, Home: "朝阳区", Markers: district(300)}
	const w, h = 640, 400
	var home geo.Box
	for _, a := range as {
		if a.Name == sc.Home {
			home = a.Bounds
		}
	}
	cached, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	v := Fit(home, w, h)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cached.Render(img, sc, v, 1)
	for _, step := range []struct {
		name         string
		dx, dy, zoom float64
	}{
		{"right", 37, 0, 1},
		{"up", 0, -23, 1},
		{"down left", -51, 64, 1},
		{"up right", 12, -9, 1},
		{"further than the picture", 900, 10, 1},
		{"zoom in", 0, 0, 1.25},
		{"after the zoom", -30, 18, 1},
	} {
		if step.zoom != 1 {
			v = v.Zoom(step.zoom, w/3, h/3, w, h)
		}
		v = v.Pan(step.dx, step.dy)
		got := image.NewRGBA(image.Rect(0, 0, w, h))
		cached.Render(got, sc, v, 1)
		fresh, err := NewRenderer()
		if err != nil {
			t.Fatal(err)
		}
		want := image.NewRGBA(image.Rect(0, 0, w, h))
		fresh.Render(want, sc, v, 1)
		diff, worst := 0, 0
		for i := range got.Pix {
			d := abs(int(got.Pix[i]) - int(want.Pix[i]))
			if d > 2 {
				diff++
			}
			worst = max(worst, d)
		}
		if diff > 0 {
			t.Errorf("%s: %d channel values differ from a fresh picture (worst by %d)", step.name, diff, worst)
		}
	}
}

// TestClusterMembers: every marker inside the picture is in exactly one
// placed marker or cluster, worst first within it, and a cluster has the
// state of its first member.
func TestClusterMembers(t *testing.T) {
	ms := district(2000)
	ms[5].Pos = geo.Point{}                                                                    // no coordinates: not drawn
	ms = append(ms, Marker{ID: 9999, Pos: geo.Point{Lng: 117.9, Lat: 40.9}, State: Violation}) // far outside
	v := View{Center: geo.Point{Lng: 116.525, Lat: 39.945}, PxPerDeg: 3000}
	var g clusters
	placed := g.place(ms, v, 1366, 768, 1)
	seen := map[int]int{}
	for k, p := range placed {
		if len(p.Members) == 0 {
			t.Fatalf("placed %d has no members", k)
		}
		if p.State != ms[p.Members[0]].State {
			t.Errorf("placed %d: state %d, its first member's %d", k, p.State, ms[p.Members[0]].State)
		}
		for j, i := range p.Members {
			seen[i]++
			if j > 0 && ms[i].State < ms[p.Members[j-1]].State {
				t.Errorf("placed %d: member %d (state %d) after a better one", k, i, ms[i].State)
			}
		}
	}
	for i := range ms {
		want := 1
		if i == 5 || i == len(ms)-1 {
			want = 0
		}
		if seen[i] != want {
			t.Errorf("marker %d is in %d placed, want %d", i, seen[i], want)
		}
	}
	if len(placed) >= 2000 || len(placed) < 50 {
		t.Errorf("%d placed for 2,000 markers over a district: clustering did not merge, or merged everything", len(placed))
	}
}

// BenchmarkRender2000 draws 朝阳区 with 2,000 enterprises: the goal is under
// 200 ms per picture (BENCHMARKS.md). zoom is a picture after a zoom step
// (the base layer redrawn), pan one after a drag step (the base layer
// shifted, two strips drawn), same one with only the markers changed.
func BenchmarkRender2000(b *testing.B) {
	sc := &Scene{Areas: areas(b), Home: "朝阳区", Markers: district(2000)}
	var home geo.Box
	for _, a := range sc.Areas {
		if a.Name == sc.Home {
			home = a.Bounds
		}
	}
	for _, size := range []struct{ w, h int }{{1366, 768}, {1920, 1080}} {
		for _, step := range []string{"zoom", "pan", "same"} {
			b.Run(fmt.Sprintf("%s/%dx%d", step, size.w, size.h), func(b *testing.B) {
				r, err := NewRenderer()
				if err != nil {
					b.Fatal(err)
				}
				w, h := float64(size.w), float64(size.h)
				v := Fit(home, w, h)
				img := image.NewRGBA(image.Rect(0, 0, size.w, size.h))
				r.Render(img, sc, v, 1)
				i := 0
				for b.Loop() {
					i++
					sign := float64(1 - 2*(i%2)) // there and back
					switch step {
					case "zoom":
						v = v.Zoom(math.Pow(1.25, sign), w/2, h/2, w, h)
					case "pan":
						v = v.Pan(9*sign, -6*sign)
					}
					r.Render(img, sc, v, 1)
				}
			})
		}
	}
}
