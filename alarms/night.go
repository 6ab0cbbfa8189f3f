package alarms

import (
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

// nightParams are the rule set's night parameters, the defaults where a rule
// set saved before the rule existed has zeros.
func nightParams(rs store.RuleSet) (from, to int, share, ratio float64) {
	d := DefaultRules()
	from, to, share, ratio = rs.NightFrom, rs.NightTo, rs.NightShare, rs.NightRatio
	if from == 0 && to == 0 {
		from, to = d.NightFrom, d.NightTo
	}
	if share <= 0 {
		share = d.NightShare
	}
	if ratio <= 0 {
		ratio = d.NightRatio
	}
	return from, to, share, ratio
}

// nightCoverage is the least share of a day's or night's slots that must
// have both production and treatment known for the rule to judge it: unknown
// time never counts as treatment off.
const nightCoverage = 0.9

// meterNoise is the relative difference of two energy ratios that meter
// jitter alone can make: a night at the limit is not below it.
const meterNoise = 0.005

// nightUndertreatment raises night_undertreatment (夜间治污不足嫌疑, 违法嫌疑,
// our rule after grid-company practice that flags night use far from day
// use): for a production facility with treatment links, over a night
// [NightFrom, NightTo) and the day [NightTo, NightFrom) before it, when
// production at night used more than NightShare of its daytime energy and
// the treatment's energy per unit of production energy at night is below
// NightRatio × the day's. A plant that stops at night with its treatment is
// never alarmed (its night share is small), nor one whose treatment follows
// its load. Judged only for whole days and nights inside the evaluated data
// with ≥ 90 % of the slots known; the alarm spans the night, graded at most
// 较重 until validated on district data.
func (ev *evaluator) nightUndertreatment() {
	if !ev.in.wants(store.NightUndertreatment) || ev.g.n == 0 {
		return
	}
	nightFrom, nightTo, share, ratio := nightParams(ev.rs)
	base := ev.g.at(0).In(store.Beijing)
	end := ev.g.at(ev.g.n)
	for _, pid := range ev.x.byEnterprise[ev.ent] {
		f := ev.x.facility[pid]
		links := ev.x.links[pid]
		if len(links) == 0 || !judgedAsProduction(f.Kind) {
			continue
		}
		var treat []int64
		for _, l := range links {
			treat = append(treat, l.TreatmentID)
		}
		for d := time.Date(base.Year(), base.Month(), base.Day(), 0, 0, 0, 0, store.Beijing); d.Before(end); d = d.AddDate(0, 0, 1) {
			dayFrom := d.Add(time.Duration(nightTo) * time.Hour)
			night := d.Add(time.Duration(nightFrom) * time.Hour)
			nightEnd := d.AddDate(0, 0, 1).Add(time.Duration(nightTo) * time.Hour)
			if nightEnd.After(end) || nightEnd.After(ev.in.To) || night.Before(ev.in.From) {
				continue
			}
			pd, td, okd := ev.energies(pid, treat, dayFrom, night)
			pn, tn, okn := ev.energies(pid, treat, night, nightEnd)
			if !okd || !okn || pd <= 0 || pn <= share*pd {
				continue
			}
			dayRatio, nightRatio := td/pd, tn/pn
			if !(nightRatio < ratio*dayRatio*(1-meterNoise)) {
				continue
			}
			first, last := ev.g.index(night), ev.g.index(nightEnd)-1
			evid := &evidence{Facilities: []facilityEvidence{ev.facilityEv(pid, "production", first)},
				Values: map[string]float64{"day_production_kwh": round2(pd), "day_treatment_kwh": round2(td),
					"night_production_kwh": round2(pn), "night_treatment_kwh": round2(tn),
					"day_ratio": round4(dayRatio), "night_ratio": round4(nightRatio), "ratio_limit": ratio, "night_share_min": share}}
			for _, t := range treat {
				evid.Facilities = append(evid.Facilities, ev.facilityEv(t, "treatment", first))
			}
			a := store.Alarm{Type: store.NightUndertreatment, ProductionID: pid, TreatmentID: treat[0],
				Detail: fmt.Sprintf("%s 夜间（%02d:00–%02d:00）治污/生产用电比 %.3f，不足白天 %.3f 的 %.0f %%（夜间偷停嫌疑）/ night treatment-to-production energy ratio %.3f below %.0f %% of the day's %.3f",
					ev.facilityName(pid), nightFrom, nightTo, nightRatio, dayRatio, ratio*100, nightRatio, ratio*100, dayRatio)}
			before := len(ev.out)
			ev.emit(a, episode{first: first, last: last, observed: last - first + 1}, 0, "", evid)
			if len(ev.out) > before && ev.out[len(ev.out)-1].Grade == store.Severe {
				ev.out[len(ev.out)-1].Grade = store.Major // capped until validated on district data
			}
		}
	}
}

// energies sums production's and the treatment units' energy over [from,
// to) from the slots in which both are known; ok is false when fewer than
// nightCoverage of the slots are.
func (ev *evaluator) energies(prod int64, treat []int64, from, to time.Time) (p, t float64, ok bool) {
	i0, i1 := max(ev.g.index(from), 0), min(ev.g.index(to), ev.g.n)
	if i1 <= i0 {
		return 0, 0, false
	}
	known := 0
	h := ev.step.Hours()
	for i := i0; i < i1; i++ {
		pv, okp := ev.facilityPower(prod, i)
		tv, okt := 0.0, true
		for _, id := range treat {
			v, ok := ev.facilityPower(id, i)
			okt = okt && ok
			tv += v
		}
		if !okp || !okt {
			continue
		}
		known++
		p += pv * h
		t += tv * h
	}
	return p, t, float64(known) >= nightCoverage*float64(to.Sub(from)/ev.step)
}

// facilityPower is the sum of a facility's points' power in slot i; ok is
// false when a point has no valid value there (a power-off point counts 0).
func (ev *evaluator) facilityPower(id int64, i int) (float64, bool) {
	pids := ev.x.pointsOf[id]
	if len(pids) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, pid := range pids {
		pg := ev.point(pid)
		v := pg.p[i]
		switch {
		case pg.off[i]:
			v = 0
		case math.IsNaN(v):
			return 0, false
		}
		sum += v
	}
	return sum, true
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
