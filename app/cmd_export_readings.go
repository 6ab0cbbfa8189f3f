package main

import (
	"fmt"
	"io"
	"time"

	"powerwatch/app/internal/atomicfile"
	"powerwatch/app/listing"
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
	return atomicfile.Write(out, write)
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
	rows := listing.PacketsValues(packets, *code, func(p store.RawPacket, err error) {
		fmt.Fprintf(e.stderr, "skip packet %s %s of %s: %v\n", p.CN, p.QN, p.MN, err)
	})
	return output(e, *out, func(w io.Writer) error { return listing.WriteValues(w, *format, rows) })
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
	return output(e, *out, func(w io.Writer) error { return statsheet.Write(w, *format, q.Period, rows, extra...) })
}
