package store

import (
	"fmt"
	"strings"
	"time"
)

// localLayouts are the forms people type times in, all read in Beijing time.
// The date-only ones come first in dateLayouts so that ParseLocalEnd can tell.
var (
	dateLayouts = []string{"2006-01-02", "2006/1/2", "2006.1.2", "20060102"}
	timeLayouts = []string{
		"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006/1/2 15:04", "2006/1/2 15:04:05",
	}
)

// ParseLocalTime reads a time as people type it — 2026-11-28, 2026-11-28T08:00,
// 2026-11-28 08:00 (also with seconds, or with / between date parts) — in
// Beijing time. A date alone means its midnight. An RFC 3339 time with its own
// offset is accepted too. Every command and import uses it.
func ParseLocalTime(s string) (time.Time, error) {
	t, _, err := parseLocal(s)
	return t, err
}

// ParseLocalEnd reads the end of a period like ParseLocalTime, except that a
// date alone means the end of that day (the following midnight): 结束 2026-11-30
// includes the 30th.
func ParseLocalEnd(s string) (time.Time, error) {
	t, dateOnly, err := parseLocal(s)
	if err == nil && dateOnly {
		t = t.AddDate(0, 0, 1)
	}
	return t, err
}

func parseLocal(s string) (t time.Time, dateOnly bool, err error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, Beijing); err == nil {
			return t, true, nil
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, Beijing); err == nil {
			return t, false, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("%w: time %q: want 2026-11-28, 2026-11-28T08:00 or 2026-11-28 08:00 (Beijing time)", ErrInvalid, s)
}

// ParseLocalPeriod reads a period [from, to) as people type it: from as
// ParseLocalTime reads it, to as ParseLocalEnd (a date alone includes that
// day). Both are needed, and to must come after from.
func ParseLocalPeriod(from, to string) (time.Time, time.Time, error) {
	if strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: a period needs a start and an end, e.g. 2026-11-01 to 2026-11-28T08:00", ErrInvalid)
	}
	f, err := ParseLocalTime(from)
	if err != nil {
		return f, f, fmt.Errorf("start: %w", err)
	}
	t, err := ParseLocalEnd(to)
	if err != nil {
		return f, t, fmt.Errorf("end: %w", err)
	}
	if !t.After(f) {
		return f, t, fmt.Errorf("%w: the end %s is not after the start %s", ErrInvalid, to, from)
	}
	return f, t, nil
}

// ParseLocalBounds reads the optional bounds of a choice [from, to) as
// people type them (ParseLocalTime); an empty one stays zero, open. The
// error names the bound, "from" or "to", as a command's flag does.
func ParseLocalBounds(from, to string) (f, t time.Time, err error) {
	if from != "" {
		if f, err = ParseLocalTime(from); err != nil {
			return f, t, fmt.Errorf("from: %w", err)
		}
	}
	if to != "" {
		if t, err = ParseLocalTime(to); err != nil {
			return f, t, fmt.Errorf("to: %w", err)
		}
	}
	return f, t, nil
}
