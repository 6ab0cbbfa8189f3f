package mapview

import (
	"cmp"
	"math"
	"slices"

	"powerwatch/geo"
)

// clusters is the scratch space of place, kept by the Renderer so that a
// picture allocates nothing per marker.
type clusters struct {
	order  []int   // marker indexes, worst first
	owner  []int32 // per entry of order: its index in placed
	head   []int32 // per grid cell: the last placed in it, or -1
	next   []int32 // per placed: the previous placed in its cell, or -1
	counts []int   // per placed: members so far
}

// place places the markers in a w × h picture and merges the ones that
// would overlap into clusters. Markers are taken worst state first (then
// largest first), so a cluster sits where its worst member is and takes
// that member's colour: a violation is never hidden under normal plants.
// A uniform grid of cells as wide as the largest cluster keeps this linear:
// a marker is compared with the clusters of its own and the 8 cells around.
// The result takes two allocations (the placed, and all their members).
func (g *clusters) place(ms []Marker, v View, w, h, scale float64) []Placed {
	g.order = g.order[:0]
	for i, m := range ms {
		if m.Pos == (geo.Point{}) {
			continue
		}
		g.order = append(g.order, i)
	}
	slices.SortStableFunc(g.order, func(a, b int) int {
		return cmp.Or(cmp.Compare(ms[a].State, ms[b].State), cmp.Compare(ms[b].RatedKW, ms[a].RatedKW))
	})
	cell := 2 * (maxClusterR + 2) * scale
	// Cells from one left of the picture to one right of it: markers further
	// out are not drawn.
	nx, ny := int(math.Ceil(w/cell))+3, int(math.Ceil(h/cell))+3
	g.head = slices.Grow(g.head[:0], nx*ny)[:nx*ny]
	for i := range g.head {
		g.head[i] = -1
	}
	g.owner, g.next, g.counts = g.owner[:0], g.next[:0], g.counts[:0]
	placed := make([]Placed, 0, len(g.order)/2+1)
	kept := g.order[:0] // the markers inside the picture, in order
	for _, i := range g.order {
		x, y := v.ToPixel(ms[i].Pos, w, h)
		if x < -cell || y < -cell || x > w+cell || y > h+cell {
			continue
		}
		rad := ms[i].radius() * scale
		gx, gy := int(math.Floor(x/cell))+1, int(math.Floor(y/cell))+1
		k := g.find(placed, nx, ny, gx, gy, x, y, rad)
		if k >= 0 {
			g.counts[k]++
			placed[k].R = clusterRadius(g.counts[k], placed[k].R, scale)
		} else {
			k = len(placed)
			placed = append(placed, Placed{X: x, Y: y, R: rad, State: ms[i].State})
			g.counts = append(g.counts, 1)
			c := gx + gy*nx
			g.next = append(g.next, g.head[c])
			g.head[c] = int32(k)
		}
		kept = append(kept, i)
		g.owner = append(g.owner, int32(k))
	}
	// Hand out the members, in order (worst first within each), from one
	// backing array.
	members := make([]int, len(kept))
	at := 0
	for k := range placed {
		placed[k].Members = members[at : at : at+g.counts[k]]
		at += g.counts[k]
	}
	for j, i := range kept {
		p := &placed[g.owner[j]]
		p.Members = append(p.Members, i)
	}
	return placed
}

// find returns the placed marker or cluster that a marker of radius rad at
// (x, y), in grid cell (gx, gy), overlaps, or -1.
func (g *clusters) find(placed []Placed, nx, ny, gx, gy int, x, y, rad float64) int {
	for cy := max(gy-1, 0); cy <= min(gy+1, ny-1); cy++ {
		for cx := max(gx-1, 0); cx <= min(gx+1, nx-1); cx++ {
			for k := g.head[cx+cy*nx]; k >= 0; k = g.next[k] {
				p := &placed[k]
				if math.Hypot(p.X-x, p.Y-y) < p.R+rad {
					return int(k)
				}
			}
		}
	}
	return -1
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
