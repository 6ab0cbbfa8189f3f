package maintenance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
)

// SampleSource is what the quarterly plausibility sample reads; *sqlite.DB is one.
type SampleSource interface {
	RegistrySource
	Samples(ctx context.Context, pointID int64, from, to time.Time) ([]store.Sample, error)
	CurrentRuleSet(ctx context.Context) (store.RuleSet, error)
}

// QualityTypes are the alarm engine's data-quality checks the quarterly
// sample runs: implausible values, counter resets, P ≠ U·I·PF, sub-meters
// above their total. (Transmission has its monthly list; clock drift needs
// the receive log, which the listener watches live.)
func QualityTypes() []store.AlarmType {
	return []store.AlarmType{store.BadValues, store.CounterReset, store.PowerMismatch, store.SubmeterExcess}
}

// A SampleResult is one sampled enterprise with what the checks found.
type SampleResult struct {
	Enterprise store.Enterprise
	Points     int
	Samples    int // slots read
	Findings   []store.Alarm
}

// Pick returns n of the enterprises that have points, chosen by rnd without
// repetition, in registry order. All of them when there are n or fewer.
func Pick(reg *store.Registry, rnd *rand.Rand, n int) []store.Enterprise {
	has := map[int64]bool{}
	for _, p := range reg.Points {
		if f, ok := reg.Facility(p.FacilityID); ok {
			has[f.EnterpriseID] = true
		}
	}
	var pool []int
	for i, e := range reg.Enterprises {
		if has[e.ID] {
			pool = append(pool, i)
		}
	}
	if n < len(pool) {
		rnd.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		pool = pool[:n]
		sort.Ints(pool)
	}
	out := make([]store.Enterprise, len(pool))
	for k, i := range pool {
		out[k] = reg.Enterprises[i]
	}
	return out
}

// Plausibility runs the data-quality checks of the alarm engine over [from,
// to) for n enterprises picked by rnd. Nothing is stored: the results are a
// list for a person to confirm.
func Plausibility(ctx context.Context, src SampleSource, rnd *rand.Rand, n int, from, to time.Time) ([]SampleResult, error) {
	reg, err := src.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("plausibility sample: %w", err)
	}
	rs, err := src.CurrentRuleSet(ctx)
	if errors.Is(err, store.ErrNotFound) {
		rs, err = alarms.DefaultRules(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("plausibility sample: %w", err)
	}
	facts := alarms.FactsFrom(reg)
	var out []SampleResult
	for _, e := range Pick(reg, rnd, n) {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res := SampleResult{Enterprise: e}
		in := alarms.Input{From: from, To: to, Facts: &facts, Series: map[int64][]store.Sample{},
			Enterprises: []int64{e.ID}, Types: QualityTypes()}
		for _, p := range reg.Points {
			if f, ok := reg.Facility(p.FacilityID); !ok || f.EnterpriseID != e.ID {
				continue
			}
			ss, err := src.Samples(ctx, p.ID, from, to)
			if err != nil {
				return out, fmt.Errorf("plausibility sample %s: point %d: %w", e.Name, p.ID, err)
			}
			in.Series[p.ID] = ss
			res.Points++
			res.Samples += len(ss)
		}
		res.Findings = alarms.Evaluate(rs, in)
		out = append(out, res)
	}
	return out, nil
}

// PlausibilityTasks turns the sample into one task per enterprise to
// confirm, keyed by the quarter of from, due at due.
func PlausibilityTasks(from, due time.Time, list []SampleResult) []store.Task {
	var ts []store.Task
	for _, r := range list {
		var b strings.Builder
		count := map[store.AlarmType]int{}
		for _, a := range r.Findings {
			count[a.Type]++
			fmt.Fprintf(&b, "%s %s: %s\n", beijing(a.Start), a.Type, a.Detail)
		}
		why := fmt.Sprintf("%s 数据抽查 sample: %d 个点位 points, %d 条数据 slots, 未见异常 nothing found — 请确认 confirm",
			quarterLabel(from), r.Points, r.Samples)
		if len(r.Findings) > 0 {
			var parts []string
			for _, t := range QualityTypes() {
				if count[t] > 0 {
					parts = append(parts, fmt.Sprintf("%s ×%d", t, count[t]))
				}
			}
			why = fmt.Sprintf("%s 数据抽查 sample: %d 项异常 findings (%s) — 请核实 check", quarterLabel(from), len(r.Findings), strings.Join(parts, ", "))
		}
		ts = append(ts, store.Task{
			Kind: store.TaskPlausibility, Key: fmt.Sprintf("plausibility/%s/enterprise/%d", quarterLabel(from), r.Enterprise.ID),
			EnterpriseID: r.Enterprise.ID, Reason: why, Detail: b.String(), Due: due, Job: JobPlausibility,
		})
	}
	return ts
}

// QuarterBefore returns the Beijing calendar quarter before the one holding t.
func QuarterBefore(t time.Time) (from, to time.Time) {
	t = t.In(store.Beijing)
	q := (int(t.Month()) - 1) / 3
	to = time.Date(t.Year(), time.Month(3*q+1), 1, 0, 0, 0, 0, store.Beijing)
	return to.AddDate(0, -3, 0), to
}
