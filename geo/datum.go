package geo

import "math"

// A Point is a position in decimal degrees: Lng east, Lat north.
type Point struct {
	Lng, Lat float64
}

// A Box is a rectangle in degrees.
type Box struct {
	Min, Max Point
}

// Beijing is the box the municipality lies in; a coordinate outside it is a
// typo or a swapped pair, not an enterprise of a Beijing district.
var Beijing = Box{Min: Point{115.4, 39.4}, Max: Point{117.6, 41.1}}

// Contains reports whether p lies in b, edges included.
func (b Box) Contains(p Point) bool {
	return p.Lng >= b.Min.Lng && p.Lng <= b.Max.Lng && p.Lat >= b.Min.Lat && p.Lat <= b.Max.Lat
}

// Extend returns b grown to hold p. The zero Box holds nothing yet.
func (b Box) Extend(p Point) Box {
	if b == (Box{}) {
		return Box{p, p}
	}
	return Box{Point{math.Min(b.Min.Lng, p.Lng), math.Min(b.Min.Lat, p.Lat)},
		Point{math.Max(b.Max.Lng, p.Lng), math.Max(b.Max.Lat, p.Lat)}}
}

// The constants of the GCJ-02 obfuscation as published in the widely used
// open implementations (Krasovsky 1940 ellipsoid).
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// ToGCJ02 shifts a WGS-84 position the way the national survey's GCJ-02
// datum does. The shift is 100–700 m around Beijing.
func ToGCJ02(p Point) Point {
	dLat := transformLat(p.Lng-105, p.Lat-35)
	dLng := transformLng(p.Lng-105, p.Lat-35)
	radLat := p.Lat / 180 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLng = (dLng * 180) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return Point{p.Lng + dLng, p.Lat + dLat}
}

// FromGCJ02 inverts ToGCJ02. The shift has no closed inverse; it varies
// slowly, so subtracting the shift at the current guess converges to well
// under a centimetre in a few rounds.
func FromGCJ02(g Point) Point {
	w := g
	for range 10 {
		s := ToGCJ02(w)
		dLng, dLat := s.Lng-g.Lng, s.Lat-g.Lat
		w = Point{w.Lng - dLng, w.Lat - dLat}
		if math.Abs(dLng) < 1e-9 && math.Abs(dLat) < 1e-9 {
			break
		}
	}
	return w
}

func transformLat(x, y float64) float64 {
	r := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	r += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	r += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	return r
}

func transformLng(x, y float64) float64 {
	r := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	r += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	r += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	return r
}
