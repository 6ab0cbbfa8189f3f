package main

import (
	"fmt"
	"time"

	"powerwatch/app/judge"
	"powerwatch/app/listing"
	"powerwatch/thresholds"
)

// runThresholdsPropose prints, per facility, the limits its own history
// suggests (judge.ProposeThresholds) with the evidence: modes, separation,
// the limits in force, typed and derived, the replay's before/after counts
// and a 停上电试验's levels. It changes nothing; officers accept in 一企一档.
func runThresholdsPropose(e *env, args []string) error {
	fs := newFlags(e, "thresholds propose", "[--enterprise NAME|ID] [--db PATH] [--days N] [--replay-days N] [--misfits] --format json|csv")
	data := addDataFlags(fs)
	ent := fs.String("enterprise", "", "only this enterprise, by name or id / 只看该企业")
	days := fs.Int("days", 365, "days of history to learn from / 学习的历史天数")
	replay := fs.Int("replay-days", 30, "days replayed with the proposed limits, 0 for none / 回放天数，0 不回放")
	misfits := fs.Bool("misfits", false, "only facilities whose limits in force sit inside one of their modes, worst first / 仅列限值落在功率众数内的设施")
	format := fs.String("format", "json", "json (one object per line) or csv")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 0:
		return usagef("want no argument, got %q", pos)
	case *format != "json" && *format != "csv":
		return usagef("--format %q: want json or csv", *format)
	case *days < thresholds.MinDays:
		return usagef("--days %d: want at least %d", *days, thresholds.MinDays)
	case *replay < 0:
		return usagef("--replay-days %d: want 0 or more", *replay)
	}
	db, err := openDataDB(e.ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	o := judge.ProposeOptions{To: time.Now(), History: time.Duration(*days) * 24 * time.Hour, ReplayDays: *replay}
	if *ent != "" {
		reg, err := db.LoadRegistry(e.ctx)
		if err != nil {
			return fmt.Errorf("thresholds propose: %w", err)
		}
		var ok bool
		if o.EnterpriseID, ok = reg.EnterpriseByNameOrID(*ent); !ok {
			return usagef("--enterprise %q: no enterprise of that name or id", *ent)
		}
	}
	ps, err := judge.ProposeThresholds(e.ctx, db, o)
	if err != nil {
		return err
	}
	if *misfits {
		ps = judge.WorstMisfits(ps)
	}
	return listing.WriteProposals(e.stdout, *format, ps)
}
