package thresholds

import (
	"slices"
	"testing"
)

// TestWorstFirst: only the items with a limit inside a mode, the largest
// such mode first, ties in their order.
func TestWorstFirst(t *testing.T) {
	type item struct {
		id int
		ms []Misfit
	}
	in := func(id int, shares ...float64) item {
		it := item{id: id}
		for _, s := range shares {
			it.ms = append(it.ms, Misfit{Mode: Mode{Share: s}})
		}
		return it
	}
	var got []int
	for _, it := range WorstFirst([]item{in(1), in(2, 0.1), in(3, 0.05, 0.6), in(4, 0.1), in(5)}, func(it item) []Misfit { return it.ms }) {
		got = append(got, it.id)
	}
	if want := []int{3, 2, 4}; !slices.Equal(got, want) {
		t.Errorf("WorstFirst = %v, want %v", got, want)
	}
}
