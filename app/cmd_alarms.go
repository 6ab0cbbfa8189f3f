package main

import (
	"flag"
	"fmt"
	"time"

	"powerwatch/app/judge"
	"powerwatch/app/listing"
	"powerwatch/store"
)

// parseBeijing reads a time typed by a person (store.ParseLocalTime: Beijing
// time unless it carries an offset); a mistake is a usage error naming the flag.
func parseBeijing(flag, s string) (time.Time, error) {
	t, err := store.ParseLocalTime(s)
	if err != nil {
		return t, usagef("--%s: %v", flag, err)
	}
	return t, nil
}

// addAlarmQuery adds the flags that choose alarms (`alarms list`, `review export`).
func addAlarmQuery(fs *flag.FlagSet) *listing.AlarmQuery {
	q := &listing.AlarmQuery{}
	fs.StringVar(&q.From, "from", "", "alarms overlapping from this time (Beijing), e.g. 2026-11-28T08:00")
	fs.StringVar(&q.To, "to", "", "… until this time (exclusive)")
	fs.StringVar(&q.Types, "type", "", "alarm type id(s), comma-separated: treatment_off, shutdown_ignored, cut_ignored, offline, …")
	fs.StringVar(&q.Grades, "grade", "", "grade id(s), comma-separated: minor, major, severe")
	fs.StringVar(&q.Statuses, "status", "", "status(es), comma-separated: open, ended, withdrawn")
	fs.StringVar(&q.Enterprise, "enterprise", "", "enterprise name (substring)")
	return q
}

// alarmFilter is q's store filter; a mistake is a usage error.
func alarmFilter(q *listing.AlarmQuery) (store.AlarmFilter, error) {
	f, err := q.Filter()
	if err != nil {
		return f, usagef("%v", err)
	}
	return f, nil
}

func runAlarmsList(e *env, args []string) error {
	fs := newFlags(e, "alarms list", "[--db PATH] [--from T --to T] [--type T] [--group G] [--grade G] [--status S] [--enterprise NAME] [--trial hide|include|only] --format json|csv")
	data := addDataFlags(fs)
	q := addAlarmQuery(fs)
	fs.StringVar(&q.Groups, "group", "", "alarm group(s), comma-separated: violation (违法), suspect (违法嫌疑), device (设备与数据)")
	fs.StringVar(&q.Trial, "trial", "hide", "alarms raised during a recorded on/off test (试验): hide, include or only")
	format := fs.String("format", "json", "json (one object per line) or csv")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *format != "json" && *format != "csv" {
		return usagef("--format %q: want json or csv", *format)
	}
	filter, err := alarmFilter(q)
	if err != nil {
		return err
	}
	db, err := openDataDB(e.ctx, data)
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
	return listing.WriteAlarms(e.stdout, *format, reg, as, time.Now())
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
