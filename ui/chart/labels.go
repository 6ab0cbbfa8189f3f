package chart

import "sort"

// PlaceLabels returns the baseline y of each label of horizontal lines at
// pixel rows ys, so that no two labels of height h overlap and every label
// stays within [top, bottom] when they fit. A label sits just above its line when there is
// room; labels of lines closer than h are pushed apart, keeping their order,
// each as near to its line as the others allow (when more labels come than
// the plot's height holds, the topmost ones leave it rather than overlap). Threshold lines of two
// facilities are often a few kW apart: written where they are drawn, their
// labels would print over each other.
func PlaceLabels(ys []int, h, top, bottom int) []int {
	n := len(ys)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// Top to bottom on screen: smaller y first, ties in input order.
	sort.SliceStable(idx, func(a, b int) bool { return ys[idx[a]] < ys[idx[b]] })
	want := make([]int, n)
	for k, i := range idx {
		want[k] = min(max(ys[i]-2, top+h), bottom) // baseline just above the line, label inside the plot
	}
	// Push down what collides with the label above it, then push up from
	// the bottom what the first pass pushed out of the plot.
	pos := append([]int(nil), want...)
	for k := 1; k < n; k++ {
		pos[k] = max(pos[k], pos[k-1]+h)
	}
	if pos[n-1] > bottom {
		pos[n-1] = bottom
		for k := n - 2; k >= 0; k-- {
			pos[k] = min(pos[k], pos[k+1]-h)
		}
	}
	for k, i := range idx {
		out[i] = pos[k]
	}
	return out
}
