// Package calendar knows China's official working calendar as Beijing lives
// it: Saturdays and Sundays, the public holidays the State Council announces
// each year (春节, 国庆节 …) and the make-up working days (调休上班) that turn a
// Saturday or Sunday into a working day.
//
// It is pure and sits beside store at the bottom of the dependency graph: the
// rows come as CSV (the file shipped in assets and the officer's holidays.csv
// in the data folder, see Parse), and it imports no other powerwatch package,
// so ui, ui/chart and alarms may all use it.
//
// A year without any row is unknown: Day then follows the Monday–Friday rule
// and says so (Day.Known), and the caller tells the officer.
package calendar

import "time"

// beijing is the calendar's zone, the same fixed +08:00 zone as store.Beijing
// (no tz database needed on Windows).
var beijing = time.FixedZone("CST", 8*60*60)

// Kind says what sort of day a date is.
type Kind int

// Kinds of day. Normal appears only in rows (Entry), never in a Day.
const (
	Workday Kind = iota // Monday–Friday, or a make-up working day
	Weekend             // Saturday or Sunday
	Holiday             // a rest day of a public holiday
	Normal              // a row that undoes an earlier row: the day follows the Monday–Friday rule
)

// String returns the kind as written in the CSV.
func (k Kind) String() string {
	switch k {
	case Workday:
		return "workday"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case Normal:
		return "normal"
	}
	return "unknown"
}

// A Day is what the calendar says about one date.
type Day struct {
	Kind   Kind
	Name   string // the holiday's name (春节), or the make-up day's (春节补班)
	MakeUp bool   // a Saturday or Sunday that is a working day
	Known  bool   // the year's official calendar is loaded; false: weekends only
}

// An Entry is one row: a date that is a holiday, a working day or (Normal)
// neither, whatever its weekday.
type Entry struct {
	Date time.Time // midnight in Beijing
	Kind Kind      // Holiday, Workday or Normal
	Name string
}

// A Span is a run of consecutive rest days of one kind (and, for holidays,
// one name).
type Span struct {
	From, To time.Time // [From, To), midnights in Beijing
	Kind     Kind      // Weekend or Holiday
	Name     string    // the holiday's name; "" for weekends
}

// Calendar answers for dates. The zero value and a nil *Calendar know no
// year: every Saturday and Sunday is a weekend and nothing else is.
type Calendar struct {
	days  map[dayKey]Entry
	years map[int]bool
}

// dayKey is a Beijing date.
type dayKey struct {
	y int
	m time.Month
	d int
}

func keyOf(t time.Time) dayKey {
	y, m, d := t.In(beijing).Date()
	return dayKey{y, m, d}
}

// New builds a calendar from lists of rows; a row of a later list replaces a
// row of an earlier one for the same date (the officer's file over the shipped
// one). A year becomes known as soon as any list has a row in it.
func New(lists ...[]Entry) *Calendar {
	c := &Calendar{days: map[dayKey]Entry{}, years: map[int]bool{}}
	for _, l := range lists {
		for _, e := range l {
			k := keyOf(e.Date)
			c.years[k.y] = true
			if e.Kind == Normal {
				delete(c.days, k)
				continue
			}
			c.days[k] = e
		}
	}
	return c
}

// Known reports whether the calendar has the official arrangement of year.
func (c *Calendar) Known(year int) bool { return c != nil && c.years[year] }

// UnknownYears lists the years touched by [from, to) that the calendar does
// not know, oldest first.
func (c *Calendar) UnknownYears(from, to time.Time) []int {
	var out []int
	if !to.After(from) {
		return nil
	}
	last := to.Add(-time.Nanosecond).In(beijing).Year()
	for y := from.In(beijing).Year(); y <= last; y++ {
		if !c.Known(y) {
			out = append(out, y)
		}
	}
	return out
}

// Day tells what the Beijing date of t is.
func (c *Calendar) Day(t time.Time) Day {
	t = t.In(beijing)
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	d := Day{Kind: Workday, Known: c.Known(t.Year())}
	if weekend {
		d.Kind = Weekend
	}
	if c == nil {
		return d
	}
	if e, ok := c.days[keyOf(t)]; ok {
		d.Kind, d.Name, d.MakeUp = e.Kind, e.Name, e.Kind == Workday && weekend
	}
	return d
}

// IsRestDay reports whether t falls on a weekend or holiday (not on a working
// or make-up working day).
func (c *Calendar) IsRestDay(t time.Time) bool { return c.Day(t).Kind != Workday }

// RestSpans returns the rest days overlapping [from, to): runs of weekend days
// and runs of holiday days (a new span where the holiday's name changes), in
// time order. Make-up working days are not in them.
func (c *Calendar) RestSpans(from, to time.Time) []Span {
	var out []Span
	y, m, d := from.In(beijing).Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, beijing); day.Before(to); day = day.AddDate(0, 0, 1) {
		info := c.Day(day)
		if info.Kind == Workday {
			continue
		}
		next := day.AddDate(0, 0, 1)
		if n := len(out); n > 0 && out[n-1].To.Equal(day) && out[n-1].Kind == info.Kind && out[n-1].Name == info.Name {
			out[n-1].To = next
			continue
		}
		out = append(out, Span{From: day, To: next, Kind: info.Kind, Name: info.Name})
	}
	return out
}
