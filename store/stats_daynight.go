package store

import "math"

// Day hours of the day/night comparison: [DayFrom, DayTo) Beijing time is
// day, the rest night. The SQLite adapter's summary (migration 0021) uses the
// same hours.
const (
	DayFrom = 8
	DayTo   = 20
)

// IsDayHour reports whether Beijing hour h (0–23) counts as day.
func IsDayHour(h int) bool { return h >= DayFrom && h < DayTo }

// A DayNightRow is one enterprise's consumption over a range split into day
// and night hours (kWh).
type DayNightRow struct {
	ID         int64 // enterprise id; 0 for points not in the registry
	Name       string
	Day, Night float64
}

// NightShare is night ÷ (day + night), NaN when nothing was used.
func (r DayNightRow) NightShare() float64 {
	if !(r.Day+r.Night > 0) {
		return math.NaN()
	}
	return r.Night / (r.Day + r.Night)
}
