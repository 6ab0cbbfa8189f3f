package chart

import "testing"

func TestPlaceLabels(t *testing.T) {
	const h = 10
	tests := []struct {
		name        string
		ys          []int
		top, bottom int
		want        []int
	}{
		{"none", nil, 0, 100, []int{}},
		{"apart: above each line", []int{20, 60}, 0, 100, []int{18, 58}},
		{"two close lines pushed apart", []int{50, 53}, 0, 100, []int{48, 58}},
		{"same value: both shown", []int{50, 50}, 0, 100, []int{48, 58}},
		{"input order kept by position", []int{53, 50}, 0, 100, []int{58, 48}},
		{"a line at the top: its label inside", []int{2}, 0, 100, []int{10}},
		{"crowded at the foot: pushed up", []int{97, 98, 99}, 0, 100, []int{80, 90, 100}},
		{"more than fit: still in order", []int{50, 51, 52, 53}, 40, 60, []int{30, 40, 50, 60}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlaceLabels(tt.ys, h, tt.top, tt.bottom)
			if len(got) != len(tt.want) {
				t.Fatalf("PlaceLabels(%v) = %v, want %v", tt.ys, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("PlaceLabels(%v) = %v, want %v", tt.ys, got, tt.want)
				}
			}
		})
	}
}

// TestPlaceLabelsNeverOverlap checks the promise on many crowded layouts that fit.
func TestPlaceLabelsNeverOverlap(t *testing.T) {
	const h, top, bottom = 11, 20, 300
	for seed := 1; seed < 200; seed++ {
		n := 1 + seed%(((bottom-top)/h)-1)
		ys := make([]int, n)
		v := seed
		for i := range ys {
			v = (v*1103515245 + 12345) & 0x7fffffff
			ys[i] = top + v%(bottom-top)
		}
		got := PlaceLabels(ys, h, top, bottom)
		for i := range got {
			if got[i] < top+h || got[i] > bottom {
				t.Fatalf("ys %v: label %d at %d, outside [%d, %d]", ys, i, got[i], top+h, bottom)
			}
			for j := range got {
				if i != j && abs(got[i]-got[j]) < h {
					t.Fatalf("ys %v: labels %d and %d at %d and %d overlap (height %d)", ys, i, j, got[i], got[j], h)
				}
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
