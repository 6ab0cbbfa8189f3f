package gen

import (
	"testing"

	"powerwatch/assets"
	"powerwatch/geo"
)

// TestPositionsInChaoyang: the generator places its enterprises inside
// 朝阳区's shipped outline (what the map draws), each near its street's road,
// and no two of a district's worth in the same spot: plausible coordinates
// in one district, for the map and its benchmark.
func TestPositionsInChaoyang(t *testing.T) {
	areas, err := geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		t.Fatal(err)
	}
	var chaoyang *geo.Area
	for i := range areas {
		if areas[i].Name == "朝阳区" {
			chaoyang = &areas[i]
		}
	}
	if chaoyang == nil {
		t.Fatal("no 朝阳区 in the shipped outlines")
	}
	seen := map[geo.Point]int{}
	for i := range 2000 {
		p := position(i)
		if !chaoyang.Contains(p) {
			t.Errorf("enterprise %d at %v (road %s): outside 朝阳区", i, p, roadOf(i).Name)
		}
		if j, dup := seen[p]; dup {
			t.Errorf("enterprises %d and %d both at %v", j, i, p)
		}
		seen[p] = i
	}
}
