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

// TestRegistryTreatedBy: a facility's links written with the registry's
// names, as alternatives while unconfirmed and as stages once confirmed.
func TestRegistryTreatedBy(t *testing.T) {
	r := &Registry{Facilities: []Facility{{ID: 10, Name: "熔炉"}, {ID: 1, Name: "喷淋塔"}, {ID: 2, Name: "活性炭"}},
		Links: []Link{{ProductionID: 10, TreatmentID: 1}, {ProductionID: 10, TreatmentID: 2}}}
	r.Index()
	f, _ := r.Facility(10)
	if got := r.TreatedBy(f); got != "喷淋塔|活性炭" {
		t.Errorf("unconfirmed: %q", got)
	}
	f.LinksConfirmed = true
	if got := r.TreatedBy(f); got != "喷淋塔+活性炭" {
		t.Errorf("confirmed: %q", got)
	}
	if got := r.TreatedBy(Facility{ID: 1}); got != "" {
		t.Errorf("no links: %q", got)
	}
}
