package geo

import "math"

// A Road is a stretch of a real road in 朝阳区 and the street (街道/地区) it
// runs through. The demo district (`powerwatch demo`) and the benchmark
// generator place their made-up enterprises along these, so that the map
// looks like a district and not like a grid. The paths are traced by hand,
// WGS-84, good to about 200 m: enough for a demo, not a survey.
type Road struct {
	Street string
	Name   string
	Path   []Point
}

// ChaoyangRoads returns the demo roads, one per street, in the order of the
// streets the generators create.
func ChaoyangRoads() []Road {
	return []Road{
		{"酒仙桥街道", "酒仙桥路", []Point{{116.4925, 39.9600}, {116.4960, 39.9800}, {116.5000, 39.9950}}},
		{"将台地区", "将台路", []Point{{116.4880, 39.9700}, {116.4990, 39.9710}, {116.5100, 39.9725}}},
		{"东坝地区", "东坝中路", []Point{{116.5450, 39.9600}, {116.5650, 39.9750}, {116.5800, 39.9850}}},
		{"金盏地区", "金盏路", []Point{{116.5850, 39.9850}, {116.6150, 39.9950}, {116.6280, 40.0020}}},
		{"十八里店地区", "十八里店南路", []Point{{116.4550, 39.8450}, {116.4850, 39.8480}, {116.5150, 39.8520}}},
		{"豆各庄地区", "豆各庄路", []Point{{116.5450, 39.8920}, {116.5750, 39.8860}, {116.6050, 39.8800}}},
	}
}

// Along returns the point at fraction t (0–1) of the road's length, moved
// off metres to the left of the road (negative: to the right): a plant
// beside the road, not on it.
func (r Road) Along(t, off float64) Point {
	const mPerDeg = 111_320.0
	k := math.Cos(r.Path[0].Lat * math.Pi / 180)
	seg := func(a, b Point) float64 { return math.Hypot((b.Lng-a.Lng)*k, b.Lat-a.Lat) }
	total := 0.0
	for i := 1; i < len(r.Path); i++ {
		total += seg(r.Path[i-1], r.Path[i])
	}
	want := math.Max(0, math.Min(1, t)) * total
	for i := 1; i < len(r.Path); i++ {
		a, b := r.Path[i-1], r.Path[i]
		l := seg(a, b)
		if want <= l || i == len(r.Path)-1 {
			f := want / l
			dx, dy := (b.Lng-a.Lng)*k/l, (b.Lat-a.Lat)/l // unit vector, in latitude degrees
			o := off / mPerDeg
			return Point{Lng: a.Lng + (b.Lng-a.Lng)*f - dy*o/k, Lat: a.Lat + (b.Lat-a.Lat)*f + dx*o}
		}
		want -= l
	}
	return r.Path[0]
}
