package mapview

import (
	"image/color"
	"math"

	"powerwatch/geo"
	"powerwatch/store"
)

// State is what a marker's colour says about an enterprise, worst first.
type State int

// Marker states. Outside an episode an enterprise is in the first that
// applies of Violation, DeviceAlarm, Offline, UnderOrder, Normal; during an
// episode an enterprise under order shows its compliance instead (Running,
// Partial, Stopped, Unknown).
const (
	Violation   State = iota // an open violation or suspect alarm
	Running                  // under a 停产 or 限产 order and still running
	DeviceAlarm              // an open device or data alarm
	Partial                  // under order, between the stop and run thresholds
	Offline                  // every terminal offline
	Unknown                  // under order, state not known
	UnderOrder               // under an order now, nothing wrong
	Stopped                  // under order and stopped: complying
	Normal                   // everything normal
	NoData                   // no terminal, nothing known
	numStates
)

// EpisodeState is the marker state of an enterprise whose worst facility
// on the episode board is in board state s (store.StateRunning …).
func EpisodeState(s string) State {
	switch s {
	case store.StateRunning:
		return Running
	case store.StatePartial:
		return Partial
	case store.StateStopped:
		return Stopped
	}
	return Unknown
}

// States lists the states in legend order.
func States() []State {
	s := make([]State, numStates)
	for i := range s {
		s[i] = State(i)
	}
	return s
}

// Key is the translation key of the state's legend label.
func (s State) Key() string {
	return [...]string{"map.state.violation", "map.state.running", "map.state.device", "map.state.partial",
		"map.state.offline", "map.state.unknown", "map.state.order", "map.state.stopped", "map.state.normal",
		"map.state.nodata"}[s]
}

// Color is the marker colour of the state; colours are told apart also by
// people with red-green colour blindness (red vs blue vs grey vs green-teal).
func (s State) Color() color.NRGBA {
	return [...]color.NRGBA{
		{0xd3, 0x2f, 0x2f, 0xff}, // violation: red
		{0xc6, 0x28, 0x28, 0xff}, // running under order: dark red
		{0xf5, 0x7c, 0x00, 0xff}, // device alarm: orange
		{0xff, 0xb3, 0x00, 0xff}, // partial: amber
		{0x75, 0x75, 0x75, 0xff}, // offline: grey
		{0x9e, 0x9e, 0x9e, 0xff}, // unknown: light grey
		{0x1e, 0x63, 0xd6, 0xff}, // under order: blue
		{0x00, 0x89, 0x7b, 0xff}, // stopped: teal
		{0x43, 0xa0, 0x47, 0xff}, // normal: green
		{0xbd, 0xbd, 0xbd, 0xff}, // no data
	}[s]
}

// A Marker is one enterprise on the map.
type Marker struct {
	ID      int64
	Pos     geo.Point // WGS-84
	State   State
	RatedKW float64 // sum over its facilities; sets the size
	Title   string
	Lines   []string // the hover card below the title
}

// radius is the marker's radius in device-independent pixels: 4 for a small
// shop, up to 10 for a plant of tens of megawatts, on a log scale so that one
// steel works does not hide its street.
func (m Marker) radius() float64 {
	r := 4 + 1.5*math.Log1p(m.RatedKW/100)
	return math.Min(r, 10)
}

// A Label is a place name drawn where there is room (a 街道).
type Label struct {
	Pos  geo.Point
	Text string
}

// A LegendEntry is one line of the legend drawn into exported pictures.
type LegendEntry struct {
	State State
	Text  string
	Count int
}

// A Scene is what the map shows.
type Scene struct {
	Areas     []geo.Area
	Home      string // the bureau's district, highlighted
	Labels    []Label
	Markers   []Marker
	Highlight int64 // a marker to ring (the violation picked in the list); 0 none
	// Title and Legend are drawn in a box at the top left.
	Title  string
	Legend []LegendEntry
}

// A View is the visible part of the map: the point at the centre and the
// scale. The projection is equirectangular with a fixed standard parallel
// at 40° N, Beijing's middle: the distortion over the municipality is under
// 2 %, and panning never changes the scale.
type View struct {
	Center   geo.Point
	PxPerDeg float64 // pixels per degree of latitude
}

// Fit returns the view that shows b in a w × h picture with a margin.
func Fit(b geo.Box, w, h float64) View {
	c := geo.Point{Lng: (b.Min.Lng + b.Max.Lng) / 2, Lat: (b.Min.Lat + b.Max.Lat) / 2}
	k := lngScale
	dLng, dLat := math.Max(b.Max.Lng-b.Min.Lng, 1e-4), math.Max(b.Max.Lat-b.Min.Lat, 1e-4)
	s := math.Min(w/(dLng*k), h/dLat) * 0.92
	return View{Center: c, PxPerDeg: s}
}

// ToPixel projects p into a w × h picture.
func (v View) ToPixel(p geo.Point, w, h float64) (x, y float64) {
	k := lngScale
	return w/2 + (p.Lng-v.Center.Lng)*v.PxPerDeg*k, h/2 - (p.Lat-v.Center.Lat)*v.PxPerDeg
}

// FromPixel is the inverse of ToPixel.
func (v View) FromPixel(x, y, w, h float64) geo.Point {
	k := lngScale
	return geo.Point{Lng: v.Center.Lng + (x-w/2)/(v.PxPerDeg*k), Lat: v.Center.Lat - (y-h/2)/v.PxPerDeg}
}

// Zoom returns v scaled by f around the pixel (x, y) of a w × h picture,
// which stays over the same place. The scale is kept between the whole of
// Beijing and a few streets.
func (v View) Zoom(f, x, y, w, h float64) View {
	at := v.FromPixel(x, y, w, h)
	s := math.Max(minPxPerDeg, math.Min(maxPxPerDeg, v.PxPerDeg*f))
	n := View{Center: v.Center, PxPerDeg: s}
	ax, ay := n.ToPixel(at, w, h)
	return n.Pan(x-ax, y-ay)
}

// Pan moves the map's content by (dx, dy) pixels, as dragging it does.
func (v View) Pan(dx, dy float64) View {
	k := lngScale
	v.Center.Lng -= dx / (v.PxPerDeg * k)
	v.Center.Lat += dy / v.PxPerDeg
	return v
}

// Scale limits: about all of Beijing in 300 pixels, and about 300 m in 100.
const (
	minPxPerDeg = 150.0
	maxPxPerDeg = 40000.0
)

// lngScale is cos 40°: a degree of longitude in Beijing is this share of a
// degree of latitude.
var lngScale = math.Cos(40 * math.Pi / 180)
