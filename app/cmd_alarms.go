package main

import (
	"fmt"
	"strings"
	"time"

	"powerwatch/app/judge"
	"powerwatch/app/listing"
	"powerwatch/store"
)

// parseBeijing reads a time typed by a person, in Beijing time unless it
// carries an offset: 2026-11-28, 2026-11-28 08:05, 2026-11-28T08:05[:00][+08:00].
func parseBeijing(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, store.Beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want a time like 2026-11-28T08:05 or 2026-11-28 (Beijing time)", flag, s)
}

type listOptions struct {
	data                                 *dataFlags
	from, to, typ, grade, status, format string
	enterprise, group                    string
	trial                                string // --trial: hide, include or only the alarms marked 试验
}

func runAlarmsList(e *env, args []string) error {
	fs := newFlags(e, "alarms list", "[--db PATH] [--from T --to T] [--type T] [--group G] [--grade G] [--status S] [--enterprise NAME] [--trial hide|include|only] --format json|csv")
	o := listOptions{data: addDataFlags(fs)}
	fs.StringVar(&o.from, "from", "", "alarms overlapping from this time (Beijing), e.g. 2026-11-28T08:00")
	fs.StringVar(&o.to, "to", "", "… until this time (exclusive)")
	fs.StringVar(&o.typ, "type", "", "alarm type id(s), comma-separated: treatment_off, shutdown_ignored, cut_ignored, offline, …")
	fs.StringVar(&o.group, "group", "", "alarm group(s), comma-separated: violation (违法), suspect (违法嫌疑), device (设备与数据)")
	fs.StringVar(&o.grade, "grade", "", "grade id(s), comma-separated: minor, major, severe")
	fs.StringVar(&o.status, "status", "", "status(es), comma-separated: open, ended, withdrawn")
	fs.StringVar(&o.enterprise, "enterprise", "", "enterprise name (substring)")
	fs.StringVar(&o.format, "format", "json", "json (one object per line) or csv")
	fs.StringVar(&o.trial, "trial", "hide", "alarms raised during a recorded on/off test (试验): hide, include or only")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	filter, err := o.filter()
	if err != nil {
		return err
	}
	db, err := openDataDB(e.ctx, o.data)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := db.FindAlarms(e.ctx, filter)
	if err != nil {
		return err
	}
	reg, err := db.LoadRegistry(e.ctx)
	if err != nil {
		return err
	}
	return listing.WriteAlarms(e.stdout, o.format, reg, as, time.Now())
}

func (o listOptions) filter() (store.AlarmFilter, error) {
	var f store.AlarmFilter
	var err error
	if o.format != "json" && o.format != "csv" {
		return f, usagef("--format %q: want json or csv", o.format)
	}
	if o.from != "" {
		if f.From, err = parseBeijing("from", o.from); err != nil {
			return f, err
		}
	}
	if o.to != "" {
		if f.To, err = parseBeijing("to", o.to); err != nil {
			return f, err
		}
	}
	if f.Types, err = parseList("type", o.typ, typeIDs); err != nil {
		return f, err
	}
	if f.Groups, err = parseList("group", o.group, store.Groups()); err != nil {
		return f, err
	}
	if f.Grades, err = parseList("grade", o.grade, []store.Grade{store.Minor, store.Major, store.Severe}); err != nil {
		return f, err
	}
	if f.Statuses, err = parseList("status", o.status, []store.AlarmStatus{store.Open, store.Ended, store.Withdrawn}); err != nil {
		return f, err
	}
	f.Enterprise = o.enterprise
	switch o.trial {
	case "hide", "":
		f.Trial = store.TrialNo
	case "include":
		f.Trial = store.TrialAny
	case "only":
		f.Trial = store.TrialOnly
	default:
		return f, usagef("--trial %q: want hide, include or only", o.trial)
	}
	return f, nil
}

var typeIDs = store.AllAlarmTypes

// parseList splits a comma-separated flag value and checks each id against valid.
func parseList[T ~string](flag, s string, valid []T) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	var out []T
	for _, w := range strings.Split(s, ",") {
		v := T(strings.TrimSpace(w))
		ok := false
		for _, x := range valid {
			ok = ok || x == v
		}
		if !ok {
			return nil, usagef("--%s %q: want one of %v", flag, v, valid)
		}
		out = append(out, v)
	}
	return out, nil
}

func runAlarmsEvaluate(e *env, args []string) error {
	fs := newFlags(e, "alarms evaluate", "[--db PATH] --from T --to T")
	data := addDataFlags(fs)
	from := fs.String("from", "", "start of the period to re-evaluate (Beijing time), required")
	to := fs.String("to", "", "end of the period (exclusive), required")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *from == "" || *to == "" {
		return usagef("--from and --to are required")
	}
	f, err := parseBeijing("from", *from)
	if err != nil {
		return err
	}
	t, err := parseBeijing("to", *to)
	if err != nil {
		return err
	}
	if !t.After(f) {
		return usagef("--to %s is not after --from %s", *to, *from)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := judge.EvaluateStored(e.ctx, db, f, t)
	if err != nil {
		return err
	}
	// The night rule reads a whole day before each night: judged night by night.
	nights, err := judge.JudgeNights(e.ctx, db, 0, f, t)
	if err != nil {
		return err
	}
	sum.Alarms, sum.Changed, sum.Withdrawn = sum.Alarms+nights.Alarms, sum.Changed+nights.Changed, sum.Withdrawn+nights.Withdrawn
	fmt.Fprintf(e.stdout, "evaluated %d enterprises under rule set v%d: %d alarms; %d inserted or changed, %d withdrawn / 重新研判完成\n",
		sum.Enterprises, sum.RuleVersion, sum.Alarms, sum.Changed, sum.Withdrawn)
	return nil
}
