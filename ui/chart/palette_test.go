package chart

import (
	"fmt"
	"testing"
)

func TestSeriesColours(t *testing.T) {
	prod := func(key int64) Series { return Series{Role: Production, Key: key} }
	treat := func(key int64) Series { return Series{Role: Treatment, Key: key} }
	// Keys 3 and 11 fall on one slot of eight: the larger moves to the next.
	all := []Series{prod(11), prod(3), treat(3), prod(5), treat(20)}
	got := seriesColours(all, nil)
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
		if g := seriesColours(c.shown, nil)[c.pos]; g != got[c.want] {
			t.Errorf("%s: %v, want %v as when all are shown", c.name, g, got[c.want])
		}
	}
	if a, b := seriesColours([]Series{{Role: Production}, {Role: Production}}, nil), prodColours; a[0] != b[0] || a[1] != b[1] {
		t.Errorf("series without keys: %v, want the first colours in order", a)
	}
}

// TestSeriesColoursKeys: with Options.Keys naming every facility, hiding
// any of them leaves every other curve its colour, even where keys share a
// slot (1, 9 and 17 of eight colours) and would move up without Keys.
func TestSeriesColoursKeys(t *testing.T) {
	keys := []SeriesKey{{1, Production}, {9, Production}, {17, Production}, {4, Production}, {9, Treatment}}
	all := make([]Series, len(keys))
	for i, k := range keys {
		all[i] = Series{Key: k.Key, Role: k.Role}
	}
	want := map[SeriesKey]string{}
	for i, c := range seriesColours(all, keys) {
		want[keys[i]] = fmt.Sprint(c)
	}
	if len(map[string]bool{want[keys[0]]: true, want[keys[1]]: true, want[keys[2]]: true, want[keys[3]]: true}) != 4 {
		t.Fatalf("the production curves share colours: %v", want)
	}
	for mask := 1; mask < 1<<len(keys); mask++ { // every non-empty subset shown
		var shown []Series
		for i := range keys {
			if mask&(1<<i) != 0 {
				shown = append(shown, all[i])
			}
		}
		for i, c := range seriesColours(shown, keys) {
			k := SeriesKey{shown[i].Key, shown[i].Role}
			if fmt.Sprint(c) != want[k] {
				t.Errorf("shown %v: %v has %v, want %v as with all shown", shown, k, c, want[k])
			}
		}
	}
	// Without Keys, hiding facility 1 moves 9 onto its colour.
	if g := seriesColours([]Series{all[1]}, nil)[0]; fmt.Sprint(g) == want[keys[1]] {
		t.Error("without Keys facility 9 kept its colour: the case above tests nothing")
	}
}
