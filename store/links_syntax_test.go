package store

import (
	"errors"
	"fmt"
	"testing"
)

func TestParseTreatedBy(t *testing.T) {
	tests := []struct {
		cell string
		want string // Facility/Standby/Group/Need of each unit
		bad  bool
	}{
		{"", "", false},
		{"布袋除尘", "[布袋除尘 false  0]", false},
		{"喷淋塔+活性炭", "[喷淋塔 false  0] [活性炭 false  0]", false},
		{"喷淋塔＋活性炭", "[喷淋塔 false  0] [活性炭 false  0]", false},
		{"1号除尘|2号除尘(备)", "[1号除尘 false S1 1] [2号除尘 true S1 1]", false},
		{"A/B", "[A false S1 1] [B false S1 1]", false},
		{"喷淋塔+2of3(A,B,C)", "[喷淋塔 false  0] [A false S2 2] [B false S2 2] [C false S2 2]", false},
		{"3选2（A、B，C）", "[A false S1 2] [B false S1 2] [C false S1 2]", false},
		{"A+B(备)", "[A false  0] [B true  0]", false}, // an old file's lone standby: it must run
		{"A(备)|B(备)", "[A true S1 1] [B true S1 1]", false},
		{"A+A", "", true}, // twice
		{"A++B", "[A false  0] [B false  0]", false},
		{"2of4(A,B,C)", "", true},     // 4 named, 3 listed
		{"4of3(A,B,C)", "", true},     // need more than there are
		{"A|", "[A false  0]", false}, // a trailing separator is no unit
		{"A(甲)", "", true},            // brackets in a name
		{"+", "", true},
	}
	for _, tt := range tests {
		got, err := ParseTreatedBy(tt.cell)
		if tt.bad {
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseTreatedBy(%q) = %v, %v; want ErrInvalid", tt.cell, got, err)
			}
			continue
		}
		s := ""
		for k, u := range got {
			if k > 0 {
				s += " "
			}
			s += fmt.Sprintf("[%s %v %s %d]", u.Facility, u.Standby, u.Group, u.Need)
		}
		if err != nil || s != tt.want {
			t.Errorf("ParseTreatedBy(%q) = %s, %v; want %s", tt.cell, s, err, tt.want)
		}
	}
}

// TestFormatTreatedBy: what FormatTreatedBy writes, ParseTreatedBy reads
// back to the same stages; unconfirmed ambiguous links are written as the
// alternatives they still mean.
func TestFormatTreatedBy(t *testing.T) {
	names := map[int64]string{1: "喷淋塔", 2: "活性炭", 3: "A", 4: "B", 5: "C"}
	name := func(id int64) string { return names[id] }
	links := []Link{{TreatmentID: 1}, {TreatmentID: 2}, {TreatmentID: 3, Group: "S3", Need: 2}, {TreatmentID: 4, Group: "S3", Need: 2},
		{TreatmentID: 5, Group: "S3", Need: 2, Role: Standby}}
	if got := FormatTreatedBy(links, true, name); got != "喷淋塔+活性炭+2of3(A,B,C(备))" {
		t.Errorf("confirmed: %q", got)
	}
	if got := FormatTreatedBy(links, false, name); got != "喷淋塔|活性炭+2of3(A,B,C(备))" {
		t.Errorf("unconfirmed: %q", got)
	}
	if _, err := ParseTreatedBy(FormatTreatedBy(links, true, name)); err != nil {
		t.Errorf("round trip: %v", err)
	}
}

func FuzzParseTreatedBy(f *testing.F) {
	for _, s := range []string{"喷淋塔+活性炭", "A|B(备)", "2of3(A,B,C)", "3选2（A、B，C）", "A/B+C", "((", "1of(A)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		got, err := ParseTreatedBy(cell)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, u := range got {
			if u.Facility == "" || seen[u.Facility] {
				t.Fatalf("ParseTreatedBy(%q) = %+v: empty or repeated name", cell, got)
			}
			seen[u.Facility] = true
			if u.Group != "" && (u.Need < 1) {
				t.Fatalf("ParseTreatedBy(%q): group without need", cell)
			}
		}
	})
}
