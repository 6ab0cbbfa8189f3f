package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
)

// The curves: a curve line's run-length tokens become samples, and measure
// integrates them for a 限产 baseline as the app does from its aggregates.

// curve NAME[@k] STEP [cn=2051|2061] [repeat=N] START TOKEN… where TOKEN is
// VALUE[FLAGS][*N] or -*N for N steps without data; FLAGS are HJ 212 flag
// letters (T, P, M, D…) and ~ for zero voltage; repeat=N repeats the tokens.
func (sc *Scenario) curve(args []string, kv map[string]string) error {
	if len(args) < 4 {
		return fmt.Errorf("want curve NAME STEP START TOKEN…")
	}
	name, k := args[0], int64(1)
	if n, idx, ok := strings.Cut(name, "@"); ok {
		name = n
		var err error
		if k, err = strconv.ParseInt(idx, 10, 64); err != nil {
			return err
		}
	}
	fid, ok := sc.ByName[name]
	if !ok {
		return fmt.Errorf("unknown facility %q", name)
	}
	pid := fid*10 + k
	step, err := time.ParseDuration(args[1])
	if err != nil {
		return err
	}
	var period uint8
	switch kv["cn"] {
	case "", "2011":
	case "2051":
		period = store.FlagMinuteValue
	case "2061":
		period = store.FlagHourValue
	default:
		return fmt.Errorf("cn=%s: want 2011, 2051 or 2061", kv["cn"])
	}
	at, err := sc.time(args[2])
	if err != nil {
		return err
	}
	sc.Steps[pid] = step
	tokens := args[3:]
	if r := kv["repeat"]; r != "" {
		n, err := strconv.Atoi(r)
		if err != nil {
			return fmt.Errorf("repeat=%s: %w", r, err)
		}
		for range n - 1 {
			tokens = append(tokens, args[3:]...)
		}
	}
	for _, tok := range tokens {
		val, count := tok, 1
		if v, n, ok := strings.Cut(tok, "*"); ok {
			val = v
			if count, err = strconv.Atoi(n); err != nil {
				return fmt.Errorf("token %q: %w", tok, err)
			}
		}
		num := strings.TrimRight(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZ~")
		flags := val[len(num):]
		for i := 0; i < count; i, at = i+1, at.Add(step) {
			if num == "-" {
				continue
			}
			s := store.NewSample(pid, at)
			if s.P, err = strconv.ParseFloat(num, 64); err != nil {
				return fmt.Errorf("token %q: %w", tok, err)
			}
			s.U, s.Flags = 380, period
			for _, c := range flags {
				if c == '~' {
					s.U = 0
					continue
				}
				s.Flags |= store.FlagsOf(string(c))
			}
			sc.Series[pid] = append(sc.Series[pid], s)
		}
	}
	return nil
}

// measure integrates the scenario's own curves over a candidate period: the
// data is complete when every step of every point of the scope has a valid sample.
func (sc *Scenario) measure(o store.Order) alarms.Measure {
	pts := alarms.BaselinePoints(&sc.Facts, o)
	return func(p alarms.Period) (float64, bool) {
		kwh, complete := 0.0, len(pts) > 0
		for _, pid := range pts {
			step := sc.Steps[pid]
			n := 0
			for _, s := range sc.Series[pid] {
				if s.At.Before(p.Start) || !s.At.Before(p.End) || s.Flags&store.FlagFault != 0 || math.IsNaN(s.P) {
					continue
				}
				kwh += s.P * step.Hours()
				n++
			}
			if step == 0 || n < int(p.End.Sub(p.Start)/step) {
				complete = false
			}
		}
		return kwh, complete
	}
}
