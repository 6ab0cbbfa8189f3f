package mapview

import (
	"cmp"
	"math"
	"slices"

	"powerwatch/geo"
)

type (
	geoPoint = geo.Point
	geoArea  = geo.Area
)

// cluster places the markers in a w × h picture and merges the ones that
// would overlap into clusters. Markers are taken worst state first (then
// largest first), so a cluster sits where its worst member is and takes
// that member's colour: a violation is never hidden under normal plants.
// A uniform grid of cells as wide as the largest cluster keeps this linear.
func cluster(ms []Marker, v View, w, h, scale float64) []Placed {
	order := make([]int, 0, len(ms))
	for i, m := range ms {
		if m.Pos == (geo.Point{}) {
			continue
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(ms[a].State, ms[b].State), cmp.Compare(ms[b].RatedKW, ms[a].RatedKW))
	})
	cell := 2 * (maxClusterR + 2) * scale
	grid := map[[2]int][]int{} // cell → indexes into placed
	var placed []Placed
	for _, i := range order {
		x, y := v.ToPixel(ms[i].Pos, w, h)
		rad := ms[i].radius() * scale
		if x < -cell || y < -cell || x > w+cell || y > h+cell {
			continue
		}
		gx, gy := int(math.Floor(x/cell)), int(math.Floor(y/cell))
		merged := false
	search:
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				for _, k := range grid[[2]int{gx + dx, gy + dy}] {
					p := &placed[k]
					if math.Hypot(p.X-x, p.Y-y) < p.R+rad {
						p.Members = append(p.Members, i)
						p.R = clusterRadius(len(p.Members), p.R, scale)
						merged = true
						break search
					}
				}
			}
		}
		if !merged {
			placed = append(placed, Placed{X: x, Y: y, R: rad, Members: []int{i}, State: ms[i].State})
			grid[[2]int{gx, gy}] = append(grid[[2]int{gx, gy}], len(placed)-1)
		}
	}
	return placed
}

// maxClusterR bounds a cluster's radius (device-independent pixels).
const maxClusterR = 16.0

// clusterRadius grows with the number of members, enough to hold the count.
func clusterRadius(n int, was, scale float64) float64 {
	r := (8 + 2*math.Log2(float64(n))) * scale
	return math.Min(math.Max(r, was), maxClusterR*scale)
}

// Hit returns the placed marker or cluster under (x, y), the smallest when
// several are, or -1.
func Hit(placed []Placed, x, y, slop float64) int {
	best, bestR := -1, math.Inf(1)
	for i, p := range placed {
		if math.Hypot(p.X-x, p.Y-y) <= p.R+slop && p.R < bestR {
			best, bestR = i, p.R
		}
	}
	return best
}
