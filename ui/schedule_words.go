package ui

import (
	"fmt"
	"strconv"
	"strings"
)

// scheduleWords says a 5-field cron spec (minute hour day month weekday,
// Beijing time) the way an officer reads a timetable: "每天 00:30",
// "每周一 08:30", "每月1日 09:00", "每年1月、7月的1日 09:00", "每分钟". The
// shapes the app's jobs use are put in words; any other spec is shown as
// it is, marked as a custom schedule, never guessed at.
func scheduleWords(tr *translator, spec string) string {
	f := strings.Fields(spec)
	raw := tr.T("sched.custom", spec)
	if len(f) != 5 {
		return raw
	}
	minute, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4]
	if hour == "*" && dom == "*" && month == "*" && dow == "*" {
		switch {
		case minute == "*" || minute == "*/1":
			return tr.T("sched.minute")
		case strings.HasPrefix(minute, "*/"):
			if n, err := strconv.Atoi(minute[2:]); err == nil && n > 1 && n < 60 {
				return tr.T("sched.minutes", n)
			}
		}
		return raw
	}
	m, errM := strconv.Atoi(minute)
	h, errH := strconv.Atoi(hour)
	if errM != nil || errH != nil || m < 0 || m > 59 || h < 0 || h > 23 {
		return raw
	}
	at := fmt.Sprintf("%02d:%02d", h, m)
	list := func(s string, lo, hi int, name func(int) string) (string, bool) {
		var out []string
		for _, p := range strings.Split(s, ",") {
			n, err := strconv.Atoi(p)
			if err != nil || n < lo || n > hi {
				return "", false
			}
			out = append(out, name(n))
		}
		return strings.Join(out, tr.T("sched.sep")), true
	}
	switch {
	case dom == "*" && month == "*" && dow == "*":
		return tr.T("sched.daily", at)
	case dom == "*" && month == "*":
		days, ok := list(dow, 0, 7, func(n int) string { return tr.T("sched.dow." + strconv.Itoa(n%7)) })
		if ok {
			return tr.T("sched.weekly", days, at)
		}
	case dow == "*" && month == "*":
		days, ok := list(dom, 1, 31, strconv.Itoa)
		if ok {
			return tr.T("sched.monthly", days, at)
		}
	case dow == "*":
		days, okD := list(dom, 1, 31, strconv.Itoa)
		months, okM := list(month, 1, 12, func(n int) string { return tr.T("sched.month." + strconv.Itoa(n)) })
		if okD && okM {
			return tr.T("sched.yearly", months, days, at)
		}
	}
	return raw
}

// scheduleIDs are the message ids scheduleWords builds at run time.
func scheduleIDs() []string {
	var ids []string
	for d := 0; d < 7; d++ {
		ids = append(ids, "sched.dow."+strconv.Itoa(d))
	}
	for m := 1; m <= 12; m++ {
		ids = append(ids, "sched.month."+strconv.Itoa(m))
	}
	return ids
}
