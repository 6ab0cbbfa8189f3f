package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"powerwatch/app/judge"
	"powerwatch/csvsafe"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// openAlarmDB opens --db, or powerwatch.db in the user's data folder.
func openAlarmDB(ctx context.Context, d *dataFlags) (*sqlite.DB, error) {
	path := d.db
	if path == "" {
		path = filepath.Join(dataDir(), "powerwatch.db")
	}
	return sqlite.Open(ctx, path)
}

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
	db, err := openAlarmDB(e.ctx, o.data)
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
	return writeAlarms(e.stdout, o.format, reg, as, time.Now())
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

// alarmRow is one line of `alarms list`.
type alarmRow struct {
	ID                 int64   `json:"id"`
	Type               string  `json:"type"`
	Grade              string  `json:"grade"`
	Enterprise         string  `json:"enterprise"`
	ProductionFacility string  `json:"production_facility"`
	TreatmentFacility  string  `json:"treatment_facility"`
	Start              string  `json:"start"`
	End                *string `json:"end"`
	DurationMinutes    int64   `json:"duration_minutes"`
	Status             string  `json:"status"`
	Disposition        string  `json:"disposition"`
	Trial              bool    `json:"trial,omitempty"` // raised during a recorded on/off test (试验)
}

func newAlarmRow(reg *store.Registry, a store.Alarm, now time.Time) alarmRow {
	r := alarmRow{ID: a.ID, Type: string(a.Type), Grade: string(a.Grade), Start: a.Start.In(store.Beijing).Format(time.RFC3339),
		DurationMinutes: int64(math.Round(a.Duration(now).Minutes())), Status: string(a.Status), Disposition: string(a.Disposition),
		Trial: a.Trial}
	if en, ok := reg.Enterprise(a.EnterpriseID); ok {
		r.Enterprise = en.Name
	}
	if f, ok := reg.Facility(a.ProductionID); ok {
		r.ProductionFacility = f.Name
	}
	if f, ok := reg.Facility(a.TreatmentID); ok {
		r.TreatmentFacility = f.Name
	}
	if !a.End.IsZero() {
		end := a.End.In(store.Beijing).Format(time.RFC3339)
		r.End = &end
	}
	return r
}

func writeAlarms(w io.Writer, format string, reg *store.Registry, as []store.Alarm, now time.Time) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, a := range as {
			if err := enc.Encode(newAlarmRow(reg, a, now)); err != nil {
				return fmt.Errorf("write alarm %d: %w", a.ID, err)
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"id", "type", "grade", "enterprise", "production_facility", "treatment_facility", "start", "end",
		"duration_minutes", "status", "disposition"})
	for _, a := range as {
		r := newAlarmRow(reg, a, now)
		end := ""
		if r.End != nil {
			end = *r.End
		}
		cw.Write([]string{strconv.FormatInt(r.ID, 10), r.Type, r.Grade, r.Enterprise, r.ProductionFacility, r.TreatmentFacility,
			r.Start, end, strconv.FormatInt(r.DurationMinutes, 10), r.Status, r.Disposition})
	}
	cw.Flush()
	return cw.Error()
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
	db, err := openAlarmDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := judge.EvaluateStored(e.ctx, db, f, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "evaluated %d enterprises under rule set v%d: %d alarms; %d inserted or changed, %d withdrawn / 重新研判完成\n",
		sum.Enterprises, sum.RuleVersion, sum.Alarms, sum.Changed, sum.Withdrawn)
	return nil
}
