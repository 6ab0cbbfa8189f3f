package judge

import (
	"encoding/json"
	"time"

	"powerwatch/store"
)

// What a change of the registry touches: the months its 报备 filings cover
// and the earliest time its dated entries can alter a verdict at. The worker
// rejudges from there when the registry is reloaded.

// filingMonths names the months touched by the 报备 filings that differ
// between two loads of the registry (added, removed or changed).
func filingMonths(old, cur *store.Registry) []time.Time {
	if old == nil || cur == nil {
		return nil
	}
	key := func(f store.Filing) string { b, _ := json.Marshal(f); return string(b) } // plain struct: cannot fail
	was := map[string]bool{}
	for _, f := range old.Filings {
		was[key(f)] = true
	}
	is := map[string]bool{}
	var out []time.Time
	for _, f := range cur.Filings {
		k := key(f)
		is[k] = true
		if !was[k] {
			out = append(out, monthsOf(f.Start, f.End)...)
		}
	}
	for _, f := range old.Filings {
		if !is[key(f)] {
			out = append(out, monthsOf(f.Start, f.End)...)
		}
	}
	return out
}

// changedFrom returns the earliest time a registry change between old and cur
// can alter a verdict at, or def when nothing dated changed earlier: the
// start of an order or filing, a threshold's EffectiveFrom, a point's
// installation or a facility's commissioning date, of every entry added,
// removed or edited.
func changedFrom(old, cur *store.Registry, def time.Time) time.Time {
	if old == nil || cur == nil {
		return def
	}
	from := def
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(from) {
			from = t
		}
	}
	diffDated(old.Orders, cur.Orders, func(o store.Order) time.Time { return o.Start }, earlier)
	diffDated(old.Filings, cur.Filings, func(f store.Filing) time.Time { return f.Start }, earlier)
	diffDated(old.Thresholds, cur.Thresholds, func(t store.Threshold) time.Time { return t.EffectiveFrom }, earlier)
	diffDated(old.Points, cur.Points, func(p store.Point) time.Time { return p.InstalledAt }, earlier)
	diffDated(old.Facilities, cur.Facilities, func(f store.Facility) time.Time { return f.CommissionedAt }, earlier)
	return from
}

// diffDated calls found with the date of every entry in one list and not the
// other (an edit is both).
func diffDated[T any](old, cur []T, date func(T) time.Time, found func(time.Time)) {
	key := func(v T) string { b, _ := json.Marshal(v); return string(b) } // plain structs: cannot fail
	in := func(xs []T) map[string]T {
		m := make(map[string]T, len(xs))
		for _, x := range xs {
			m[key(x)] = x
		}
		return m
	}
	a, b := in(old), in(cur)
	for k, v := range a {
		if _, ok := b[k]; !ok {
			found(date(v))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			found(date(v))
		}
	}
}
