package assets_test

import (
	"testing"

	"powerwatch/assets"
	"powerwatch/geo"
)

// TestBeijingDistricts checks the shipped outlines as the map uses them: the
// 16 districts, every ring closed, every point inside Beijing.
func TestBeijingDistricts(t *testing.T) {
	areas, err := geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区",
		"通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区"}
	if len(areas) != len(want) {
		t.Fatalf("%d districts, want %d", len(areas), len(want))
	}
	byName := map[string]geo.Area{}
	for _, a := range areas {
		byName[a.Name] = a
	}
	for _, name := range want {
		a, ok := byName[name]
		if !ok {
			t.Errorf("no district %s", name)
			continue
		}
		if len(a.Polygons) == 0 {
			t.Errorf("%s: no polygon", name)
		}
		for i, poly := range a.Polygons {
			for j, ring := range poly {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Errorf("%s polygon %d ring %d: %d points, not closed", name, i, j, len(ring))
				}
				for _, p := range ring {
					if !geo.Beijing.Contains(p) {
						t.Errorf("%s: point %v outside Beijing", name, p)
						break
					}
				}
			}
		}
		if !a.Contains(a.Center) && name != "东城区" {
			t.Errorf("%s: label point %v outside its outline", name, a.Center)
		}
	}
	// A known place lies in its district and in no other.
	tiananmen := geo.Point{Lng: 116.3975, Lat: 39.9087}
	for _, a := range areas {
		if got := a.Contains(tiananmen); got != (a.Name == "东城区") {
			t.Errorf("%s.Contains(天安门) = %v", a.Name, got)
		}
	}
}
