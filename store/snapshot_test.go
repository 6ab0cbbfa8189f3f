package store

import "testing"

// TestEnterpriseByNameOrID: an id that exists, else an exact name; a name of
// digits that is no id is still found by name.
func TestEnterpriseByNameOrID(t *testing.T) {
	r := &Registry{Enterprises: []Enterprise{{ID: 1, Name: "北京乙机械厂"}, {ID: 2, Name: "2024"}, {ID: 3, Name: "1"}}}
	r.Index()
	for _, c := range []struct {
		s    string
		want int64
		ok   bool
	}{
		{"1", 1, true}, // the id wins over the enterprise named "1"
		{"北京乙机械厂", 1, true},
		{"2024", 2, true},
		{"3", 3, true},
		{"北京乙机械", 0, false}, // names match whole
		{"9", 0, false},
		{"", 0, false},
	} {
		if got, ok := r.EnterpriseByNameOrID(c.s); got != c.want || ok != c.ok {
			t.Errorf("EnterpriseByNameOrID(%q) = %d, %v; want %d, %v", c.s, got, ok, c.want, c.ok)
		}
	}
}
