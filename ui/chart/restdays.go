package chart

import (
	"time"

	"powerwatch/calendar"
)

// RestDays returns the rest days overlapping [from, to) as spans: Weekend for
// Saturdays and Sundays, Holiday (labelled with its name) for public
// holidays. A make-up working day (调休上班) is not shaded. With a nil
// calendar, or for a year the calendar does not know, only weekends are.
func RestDays(c *calendar.Calendar, from, to time.Time) []Span {
	rest := c.RestSpans(from, to)
	out := make([]Span, 0, len(rest))
	for _, r := range rest {
		sp := Span{From: r.From, To: r.To, Kind: Weekend}
		if r.Kind == calendar.Holiday {
			sp.Kind, sp.Label = Holiday, r.Name
		}
		out = append(out, sp)
	}
	return out
}
