package alarms

import (
	"time"

	"powerwatch/store"
)

// FactsFrom takes the facts the rules read from a registry snapshot.
func FactsFrom(r *store.Registry) Facts {
	return Facts{Facilities: r.Facilities, Links: r.Links, Points: r.Points, Thresholds: r.Thresholds,
		Orders: r.Orders, Filings: r.Filings, Terminals: r.Terminals, TestWindows: TestWindows(r.Tests, r.Points)}
}

// CompleteMonths returns the span of the whole Beijing calendar months inside
// [from, to), the span over which low_transmission is judged; ok is false
// when no whole month fits.
func CompleteMonths(from, to time.Time) (p Period, ok bool) {
	f := from.In(store.Beijing)
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, store.Beijing)
	if m.Before(from) {
		m = m.AddDate(0, 1, 0)
	}
	end := m
	for !end.AddDate(0, 1, 0).After(to) {
		end = end.AddDate(0, 1, 0)
	}
	return Period{m, end}, end.After(m)
}
