package registry_test

import (
	"errors"
	"fmt"
	"testing"

	"powerwatch/app/registry"
	"powerwatch/store"
)

// TestImportFollowsStoreRules: at the boundary values of the store's rules
// (rated power, codes of a point, stop and run, the MN's form) a registry
// row is accepted by the import exactly when the store's Validate (or
// KindOfMN) accepts what it describes, and refused at its row and cell,
// not later by the store: no rule of its own disagrees.
func TestImportFollowsStoreRules(t *testing.T) {
	const mn = "010000A8900016F000169DC9"
	row := func(rated, mn, power, current, stop, run string) string {
		return fmt.Sprintf("朝阳区,丙公司,,铸造,窑,生产,%s,,%s,1,%s,%s,,,%s,%s,,", rated, mn, power, current, stop, run)
	}
	fac := func(kw float64) error {
		return store.Facility{Name: "窑", Kind: store.Production, RatedKW: kw}.Validate()
	}
	pt := func(power, current string) error {
		return store.Point{Name: "窑", PowerCode: power, CurrentCode: current}.Validate()
	}
	th := func(stop, run float64) error {
		return store.Threshold{Basis: store.ByPower, Stop: stop, Run: run}.Validate()
	}
	mnOK := func(s string) error {
		if store.KindOfMN(s) == store.MNInvalid {
			return store.ErrInvalid
		}
		return nil
	}
	for _, c := range []struct {
		name  string
		row   string
		store error
	}{
		{"rated 0 (unknown)", row("0", mn, "e1", "", "1", "2"), fac(0)},
		{"rated at the bound", row(fmt.Sprint(store.MaxRatedKW), mn, "e1", "", "1", "2"), fac(store.MaxRatedKW)},
		{"rated beyond the bound", row(fmt.Sprint(store.MaxRatedKW+1), mn, "e1", "", "1", "2"), fac(store.MaxRatedKW + 1)},
		{"one code", row("100", mn, "e1", "", "1", "2"), pt("e1", "")},
		{"one code twice", row("100", mn, "e1", "e1", "1", "2"), pt("e1", "e1")},
		{"stop 0", row("100", mn, "e1", "", "0", "2"), th(0, 2)},
		{"stop equal to run", row("100", mn, "e1", "", "2", "2"), th(2, 2)},
		{"24 hex digits", row("100", mn, "e1", "", "1", "2"), mnOK(mn)},
		{"a 2005 MN", row("100", "88888880000001", "e1", "", "1", "2"), mnOK("88888880000001")},
		{"23 hex digits", row("100", mn[:23], "e1", "", "1", "2"), mnOK(mn[:23])},
	} {
		_, err := importCSV(t, MustOpenDB(t), c.row)
		var rows registry.RowErrors
		if (err == nil) != (c.store == nil) || err != nil && (!errors.As(err, &rows) || len(rows) != 1) {
			t.Errorf("%s: import %v, store %v; want the same verdict, a refusal at its row and cell", c.name, err, c.store)
		}
	}
}
