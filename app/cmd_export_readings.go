package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"powerwatch/csvsafe"
	"powerwatch/listener/hj212"
	"powerwatch/statsheet"
	"powerwatch/store"
)

// timeRange reads --from and --to: a date alone in --to means the end of that day.
func timeRange(from, to string) (time.Time, time.Time, error) {
	if from == "" || to == "" {
		return time.Time{}, time.Time{}, usagef("want --from and --to, e.g. --from 2026-11-01 --to 2026-11-28T08:00")
	}
	f, err := store.ParseLocalTime(from)
	if err != nil {
		return f, f, usagef("--from: %v", err)
	}
	t, err := store.ParseLocalEnd(to)
	if err != nil {
		return f, t, usagef("--to: %v", err)
	}
	if !t.After(f) {
		return f, t, usagef("--to %s is not after --from %s", to, from)
	}
	return f, t, nil
}

// output returns where a command writes: --out FILE, written atomically, or stdout.
func output(e *env, out string, write func(io.Writer) error) error {
	if out == "" {
		return write(e.stdout)
	}
	return writeFileAtomic(out, write)
}

// valueRow is one stored CP value of a raw packet.
type valueRow struct {
	MN       string `json:"mn"`
	ST       string `json:"st"` // system code and command: values of different
	CN       string `json:"cn"` // commands at the same time are told apart
	Code     string `json:"code"`
	Suffix   string `json:"suffix"`
	DataTime string `json:"datatime"`
	Value    string `json:"value"`
	Flag     string `json:"flag"`
}

func runExportReadings(e *env, args []string) error {
	fs := newFlags(e, "export readings", "--mn MN [--code CODE] --from T --to T [--format csv|json] [--out FILE] [--db PATH]")
	data := addDataFlags(fs)
	mn := fs.String("mn", "", "terminal MN / 数采仪MN")
	code := fs.String("code", "", "only this factor code, e.g. d20501 / 因子编码")
	from := fs.String("from", "", "start, Beijing time: 2026-11-28 or 2026-11-28T08:00 / 开始")
	to := fs.String("to", "", "end (a date alone includes that day) / 结束")
	format := fs.String("format", "csv", "csv or json (one object per line)")
	out := fs.String("out", "", "file to write (default: standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *mn == "" || (*format != "csv" && *format != "json") {
		return usagef("want --mn MN, --format csv or json, and no other argument")
	}
	f, t, err := timeRange(*from, *to)
	if err != nil {
		return err
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	packets, err := db.RawPackets(e.ctx, *mn, f, t)
	if err != nil {
		return err
	}
	var rows []valueRow
	for _, p := range packets {
		vs, err := packetValues(p, *code)
		if err != nil {
			fmt.Fprintf(e.stderr, "skip packet %s %s of %s: %v\n", p.CN, p.QN, p.MN, err)
			continue
		}
		rows = append(rows, vs...)
	}
	return output(e, *out, func(w io.Writer) error { return writeValues(w, *format, rows) })
}

// packetValues returns the CP values of a stored frame (all codes, or code),
// each with the code's -Flag. A frame whose CRC was wrong when it arrived is
// still read: its CP text is parsed on its own.
func packetValues(p store.RawPacket, code string) ([]valueRow, error) {
	var fields []hj212.Field
	if pk, err := hj212.Parse(append(bytes.Clone(p.Frame), '\r', '\n')); err == nil {
		fields = pk.Fields()
	} else {
		i := bytes.Index(p.Frame, []byte("CP=&&"))
		j := bytes.LastIndex(p.Frame, []byte("&&"))
		if i < 0 || j < i+5 {
			return nil, err
		}
		if fields, err = hj212.ParseCP(string(p.Frame[i+5 : j])); err != nil {
			return nil, err
		}
	}
	flags := map[string]string{}
	for _, f := range fields {
		if f.Suffix() == "Flag" {
			flags[f.Code()] = f.Value
		}
	}
	dt := ""
	if !p.DataTime.IsZero() {
		dt = p.DataTime.In(store.Beijing).Format(time.DateTime)
	}
	var out []valueRow
	for _, f := range fields {
		if f.Key == "DataTime" || f.Suffix() == "Flag" || (code != "" && f.Code() != code) {
			continue
		}
		out = append(out, valueRow{MN: p.MN, ST: p.ST, CN: p.CN, Code: f.Code(), Suffix: f.Suffix(), DataTime: dt, Value: f.Value, Flag: flags[f.Code()]})
	}
	return out, nil
}

func writeValues(w io.Writer, format string, rows []valueRow) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"mn", "st", "cn", "code", "suffix", "datatime", "value", "flag"})
	for _, r := range rows {
		cw.Write([]string{r.MN, r.ST, r.CN, r.Code, r.Suffix, r.DataTime, r.Value, r.Flag})
	}
	cw.Flush()
	return cw.Error()
}

// statsRow is one exported row as a JSON object; csv and xlsx have the
// columns of statsheet.Header.
type statsRow struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Period      string   `json:"period"`
	Energy      float64  `json:"energy_kwh"`
	LastYear    float64  `json:"last_year_kwh"`
	YoY         *float64 `json:"yoy_pct"` // null when the base is zero
	Previous    float64  `json:"previous_kwh"`
	MoM         *float64 `json:"mom_pct"`
	IndustryAvg *float64 `json:"industry_avg_kwh"` // null when it does not apply
	RunHours    float64  `json:"run_hours"`
	PointCount  int      `json:"points"`
}

func runExportStats(e *env, args []string) error {
	fs := newFlags(e, "export stats", "--by enterprise|industry|region --period day|month|year --from T --to T [--format csv|json|xlsx] [--daynight] [--out FILE] [--db PATH]")
	data := addDataFlags(fs)
	by := fs.String("by", "enterprise", "enterprise, industry, region, facility or point / 统计维度")
	period := fs.String("period", "month", "day, month or year / 统计周期")
	from := fs.String("from", "", "start, Beijing time / 开始")
	to := fs.String("to", "", "end (a date alone includes that day) / 结束")
	format := fs.String("format", "csv", "csv, json (one object per line) or xlsx (needs --out)")
	out := fs.String("out", "", "file to write (default: standard output)")
	dayNight := fs.Bool("daynight", false, "xlsx: add the sheet 昼夜对比 (every enterprise's day and night use), as 统计 exports it")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	q := store.StatsQuery{By: store.StatsBy(*by), Period: store.Period(*period)}
	switch {
	case len(pos) != 0:
		return usagef("unexpected argument %q", pos[0])
	case q.By != store.ByEnterprise && q.By != store.ByIndustry && q.By != store.ByRegion && q.By != store.ByFacility && q.By != store.ByPoint:
		return usagef("--by must be enterprise, industry, region, facility or point")
	case !q.Period.Valid():
		return usagef("--period must be day, month or year")
	case *format != "csv" && *format != "json" && *format != "xlsx":
		return usagef("--format must be csv, json or xlsx")
	case *format == "xlsx" && *out == "":
		return usagef("--format xlsx needs --out FILE.xlsx")
	case *dayNight && *format != "xlsx":
		return usagef("--daynight needs --format xlsx")
	}
	if q.From, q.To, err = timeRange(*from, *to); err != nil {
		return err
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Consumption(e.ctx, q)
	if err != nil {
		return err
	}
	var extra []statsheet.Sheet
	if *dayNight {
		dn, err := db.DayNight(e.ctx, q.From, q.To)
		if err != nil {
			return err
		}
		extra = append(extra, statsheet.DayNightSheet(dn))
	}
	return output(e, *out, func(w io.Writer) error { return writeStats(w, *format, q.Period, rows, extra...) })
}

func writeStats(w io.Writer, format string, p store.Period, rows []store.StatsRow, extra ...statsheet.Sheet) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		for _, r := range rows {
			var avg *float64
			if !math.IsNaN(r.IndustryAvg) {
				v := statsheet.Round2(r.IndustryAvg)
				avg = &v
			}
			if err := enc.Encode(statsRow{ID: r.ID, Name: r.Name, Period: statsheet.PeriodLabel(p, r.Start),
				Energy: statsheet.Round2(r.Energy), LastYear: statsheet.Round2(r.LastYear), YoY: statsheet.Percent(r.YoY),
				Previous: statsheet.Round2(r.Previous), MoM: statsheet.Percent(r.MoM), IndustryAvg: avg,
				RunHours: statsheet.Round2(r.RunMinutes / 60), PointCount: r.Points}); err != nil {
				return err
			}
		}
		return nil
	case "xlsx":
		return statsheet.WriteXLSX(w, p, rows, extra...)
	}
	cw := csvsafe.NewWriter(w)
	cw.Write(statsheet.Header)
	for _, r := range rows {
		cells := statsheet.Cells(p, r)
		rec := make([]string, 0, len(cells))
		for _, c := range cells {
			switch v := c.(type) {
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				rec = append(rec, fmt.Sprint(v))
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
