package chart

import (
	"slices"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Curve colours by role: production warm, treatment cool, anything else
// neutral. Eight of each, far enough apart to tell two curves apart at a
// glance on a light and a dark background.
var (
	prodColours = []drawing.Color{
		{R: 230, G: 100, B: 20, A: 255}, {R: 180, G: 40, B: 120, A: 255}, {R: 160, G: 110, B: 0, A: 255}, {R: 215, G: 40, B: 40, A: 255},
		{R: 140, G: 70, B: 30, A: 255}, {R: 240, G: 150, B: 60, A: 255}, {R: 200, G: 90, B: 160, A: 255}, {R: 120, G: 120, B: 0, A: 255},
	}
	treatColours = []drawing.Color{
		{R: 20, G: 140, B: 90, A: 255}, {R: 30, G: 100, B: 200, A: 255}, {R: 0, G: 150, B: 170, A: 255}, {R: 90, G: 60, B: 180, A: 255},
		{R: 60, G: 170, B: 40, A: 255}, {R: 0, G: 90, B: 120, A: 255}, {R: 100, G: 140, B: 230, A: 255}, {R: 20, G: 110, B: 60, A: 255},
	}
	otherColours = []drawing.Color{
		{R: 110, G: 110, B: 110, A: 255}, {R: 150, G: 130, B: 100, A: 255}, {R: 80, G: 80, B: 100, A: 255}, {R: 160, G: 160, B: 160, A: 255},
	}
)

func roleColours(r Role) []drawing.Color {
	switch r {
	case Production:
		return prodColours
	case Treatment:
		return treatColours
	}
	return otherColours
}

// seriesColours gives each series of ss its colour. A series with a Key (the
// facility id) takes the slot Key selects in its role's colours, so a
// facility keeps its colour when other curves are shown or hidden and on
// every redraw; one without takes the slot of its position. When two series
// of a role land on one slot, the one with the larger key (or later position)
// moves to the next free slot, so the curves of one chart differ while the
// role has colours left. The keys of keys that no series of ss has take
// part as if shown, so which slot a key lands on depends on keys, not on
// which series are shown.
func seriesColours(ss []Series, keys []SeriesKey) []drawing.Color {
	shown := len(ss)
	has := make(map[SeriesKey]bool, len(ss))
	for _, s := range ss {
		has[SeriesKey{s.Key, s.Role}] = true
	}
	for _, k := range keys {
		if k.Key != 0 && !has[k] {
			has[k] = true
			ss = append(ss[:len(ss):len(ss)], Series{Key: k.Key, Role: k.Role})
		}
	}
	out := make([]drawing.Color, len(ss))
	order := make([]int, len(ss))
	for i := range order {
		order[i] = i
	}
	slot := func(i int) int64 {
		if ss[i].Key != 0 {
			return ss[i].Key
		}
		return int64(i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case slot(a) < slot(b):
			return -1
		case slot(a) > slot(b):
			return 1
		}
		return 0
	})
	used := map[Role]map[int]bool{}
	for _, i := range order {
		cs := roleColours(ss[i].Role)
		if used[ss[i].Role] == nil {
			used[ss[i].Role] = map[int]bool{}
		}
		taken := used[ss[i].Role]
		k := int(uint64(slot(i)) % uint64(len(cs)))
		for n := 0; n < len(cs) && taken[k]; n++ {
			k = (k + 1) % len(cs)
		}
		taken[k] = true
		out[i] = cs[k]
	}
	return out[:shown]
}
