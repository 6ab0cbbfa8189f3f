package chart

import "testing"

func TestSeriesColours(t *testing.T) {
	prod := func(key int64) Series { return Series{Role: Production, Key: key} }
	treat := func(key int64) Series { return Series{Role: Treatment, Key: key} }
	// Keys 3 and 11 fall on one slot of eight: the larger moves to the next.
	all := []Series{prod(11), prod(3), treat(3), prod(5), treat(20)}
	got := seriesColours(all)
	for i := range got {
		for j := range i {
			if got[i] == got[j] {
				t.Errorf("series %d and %d share a colour %v", i, j, got[i])
			}
		}
	}
	cases := []struct {
		name  string
		shown []Series
		pos   int // of the facility watched
		want  int // its index in all
	}{
		{"alone", []Series{prod(5)}, 0, 3},
		{"others hidden, order changed", []Series{prod(5), prod(3)}, 0, 3},
		{"treatment keys do not move production", []Series{treat(20), prod(5), treat(3)}, 1, 3},
	}
	for _, c := range cases {
		if g := seriesColours(c.shown)[c.pos]; g != got[c.want] {
			t.Errorf("%s: %v, want %v as when all are shown", c.name, g, got[c.want])
		}
	}
	if a, b := seriesColours([]Series{{Role: Production}, {Role: Production}}), prodColours; a[0] != b[0] || a[1] != b[1] {
		t.Errorf("series without keys: %v, want the first colours in order", a)
	}
}
