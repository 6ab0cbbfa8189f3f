package alarmview

import (
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

// A Row is one line of the rule table (规则与阈值): which rule, which of its
// parameters, the value in force, where the value comes from (录入 entered,
// 推导 derived from rated power, 规则集 the rule-set version, 判定记录 what
// the judge recorded) and since when it is in force.
type Row struct {
	Rule, Param, Value, Source, Since string
}

// Headers are the rule table's column titles.
func Headers(t Texts) []string {
	return []string{t.T("av.col.rule"), t.T("av.col.param"), t.T("av.col.value"), t.T("av.col.source"), t.T("av.col.since")}
}

// Cells is r as a table row, in Headers' order.
func (r Row) Cells() []string { return []string{r.Rule, r.Param, r.Value, r.Source, r.Since} }

// RuleRows is the rule table of the alarm: the rule-set version and the
// parameters of its rule, the threshold of each facility in force at its
// start (Thresholds: the same the chart draws), the treatment stages, for a
// 限产 the order, the 管控时段, the baseline and allowance and which baseline
// periods were used and which left out and why, and whatever else the judge
// recorded. The window and evidence.pdf show these rows.
func RuleRows(v View, t Texts) []Row {
	a := v.Evidence.Alarm
	p := v.Params
	rule := TypeName(t, a.Type)
	var rows []Row
	add := func(param, value, source, since string) {
		rows = append(rows, Row{Rule: rule, Param: param, Value: value, Source: source, Since: since})
	}
	judged, rs := t.T("av.src.judge"), t.T("av.src.ruleset")
	since := "—"
	if v.Rules != nil {
		since = when(v.Rules.CreatedAt)
	}
	if r := v.Rules; r != nil {
		add(t.T("av.p.version"), strings.TrimSpace(fmt.Sprintf("%d %s", r.Version, r.Note)), rs, since+" "+r.CreatedBy)
	} else {
		add(t.T("av.p.version"), t.T("av.p.version.default", a.RuleVersion), t.T("av.src.default"), "—")
	}
	ruleMin := 0.0 // the rule's minimum duration in the rule set
	if r := v.Rules; r != nil {
		switch a.Type {
		case store.TreatmentOff:
			ruleMin = r.TreatmentOffMin.Minutes()
		case store.ShutdownIgnored:
			ruleMin = r.ShutdownIgnoredMin.Minutes()
		}
	}
	if ruleMin > 0 {
		add(t.T("av.p.min"), minutes(t, ruleMin), rs, since)
	}
	if p.MinMinutes > 0 && p.MinMinutes != ruleMin {
		add(t.T("av.p.min"), minutes(t, p.MinMinutes), judged, "—")
	}
	if p.ObservedMinutes > 0 {
		add(t.T("av.p.observed"), minutes(t, p.ObservedMinutes), judged, "—")
	}
	for _, g := range p.Gaps {
		add(t.T("av.p.gap"), span(g.From+"/"+g.To), judged, "—")
	}
	if r := v.Rules; r != nil && isViolation(a.Type) {
		add(t.T("av.p.gapbridge"), minutes(t, r.GapBridge.Minutes()), rs, since)
		add(t.T("av.p.grades"), t.T("av.grades", minutes(t, r.MajorAfter.Minutes()), minutes(t, r.SevereAfter.Minutes())), rs, since)
	}
	for _, th := range v.Thresholds() {
		rule = th.Facility.Name + " " + roleName(t, roleOf(v, th.FacilityID))
		src, from := t.T("av.src.entered"), when(th.EffectiveFrom)
		if th.Derived {
			src = t.T("av.src.derived")
		}
		if th.EffectiveFrom.IsZero() {
			from = t.T("av.since.start")
		}
		add(t.T("av.p.stop"), level(th.Basis, th.Stop), src, from)
		add(t.T("av.p.run"), level(th.Basis, th.Run), src, from)
		if th.MinPersist > 0 {
			add(t.T("av.p.persist"), minutes(t, th.MinPersist.Minutes()), src, from)
		}
	}
	for _, f := range p.Facilities {
		rule = f.Name + " " + roleName(t, f.Role)
		switch {
		case f.Role == "standby":
			add(t.T("av.p.stage"), t.T("av.stage.standby"), judged, "—")
		case f.Role == "treatment" && f.Group != "":
			add(t.T("av.p.stage"), t.T("av.stage.group", f.Group, max(f.Need, 1)), judged, "—")
		case f.Role == "treatment":
			add(t.T("av.p.stage"), t.T("av.stage.must"), judged, "—")
		}
		if f.State != "" {
			add(t.T("av.p.state"), f.State, judged, "—")
		}
	}
	rule = TypeName(t, a.Type)
	if o := p.Order; o != nil {
		add(t.T("av.p.order"), t.T("av.order", o.ID, orderKind(t, o.Kind), o.CutPercent, span(o.Start+"/"+o.End)), judged, "—")
	}
	if b := p.Baseline; b != nil {
		rule = t.T("av.rule.baseline")
		if b.Period != "" {
			add(t.T("av.p.period"), span(b.Period), judged, "—")
		}
		add(t.T("av.p.method"), method(t, b.Method), rs, since)
		add(t.T("av.p.baseline"), kwh(b.KWh), judged, "—")
		add(t.T("av.p.margin"), fmt.Sprintf("%g %%", b.MarginPct), rs, since)
		add(t.T("av.p.allowance"), kwh(b.AllowanceKWh), judged, "—")
		if b.ExceededKWh > 0 {
			add(t.T("av.p.exceeded"), kwh(b.ExceededKWh), judged, "—")
		}
		if b.ActualKWh > 0 {
			add(t.T("av.p.actual"), kwh(b.ActualKWh), judged, "—")
		}
		for _, u := range b.Used {
			add(t.T("av.p.used"), span(u), judged, "—")
		}
		for _, s := range b.Skipped {
			per, why, _ := strings.Cut(s, " ")
			add(t.T("av.p.skipped"), span(per)+" "+reason(t, why), judged, "—")
		}
		if len(b.Used) == 0 && len(b.Skipped) == 0 && b.Note != "" {
			add(t.T("av.p.note"), b.Note, judged, "—")
		}
	}
	rule = TypeName(t, a.Type)
	if p.Reason != "" {
		add(t.T("av.p.reason"), p.Reason, judged, "—")
	}
	for _, k := range sortedKeys(p.Values) {
		add(valueName(t, k), fmt.Sprintf("%g", p.Values[k]), judged, "—")
	}
	for _, k := range sortedKeys(p.Other) {
		add(k, p.Other[k], judged, "—")
	}
	if p.Raw != "" {
		add("—", p.Raw, judged, "—")
	}
	return rows
}

// roleOf is facility id's role as the judge recorded it, else from its kind.
func roleOf(v View, id int64) string {
	for _, f := range v.Params.Facilities {
		if f.ID == id && f.Role != "" {
			return f.Role
		}
	}
	switch v.Facilities[id].Kind {
	case store.Treatment:
		return "treatment"
	case store.Total:
		return "supply"
	}
	return "production"
}

func isViolation(at store.AlarmType) bool {
	return at == store.TreatmentOff || at == store.ShutdownIgnored || at == store.CutIgnored
}

func roleName(t Texts, role string) string {
	switch role {
	case "production":
		return t.T("av.role.production")
	case "treatment":
		return t.T("av.role.treatment")
	case "standby":
		return t.T("av.role.standby")
	case "supply":
		return t.T("av.role.supply")
	case "context":
		return t.T("av.role.context")
	}
	return role
}

func orderKind(t Texts, k string) string {
	switch store.OrderKind(k) {
	case store.Shutdown:
		return t.T("av.order.shutdown")
	case store.Cut:
		return t.T("av.order.cut")
	}
	return k
}

func method(t Texts, m string) string {
	switch store.BaselineMethod(m) {
	case store.BaselineWeekdays:
		return t.T("av.method.weekdays4")
	case store.BaselineLastYear:
		return t.T("av.method.last_year")
	case store.BaselineRated:
		return t.T("av.method.rated")
	}
	return m
}

// reason names why a baseline period was left out (alarms.SkippedPeriod).
func reason(t Texts, why string) string {
	switch why {
	case "order":
		return t.T("av.why.order")
	case "filing":
		return t.T("av.why.filing")
	case "holiday":
		return t.T("av.why.holiday")
	case "missing_data":
		return t.T("av.why.missing_data")
	}
	return why
}

// valueName names a value a device or suspect rule recorded.
func valueName(t Texts, k string) string {
	names := map[string]string{
		"offline_after_min": t.T("av.v.offline_after_min"), "tolerance_s": t.T("av.v.tolerance_s"), "worst_s": t.T("av.v.worst_s"),
		"tolerance": t.T("av.v.tolerance"), "min_kwh": t.T("av.v.min_kwh"), "min_kw": t.T("av.v.min_kw"),
		"rated_kw": t.T("av.v.rated_kw"), "over_rated_factor": t.T("av.v.over_rated_factor"),
		"jump_rated_factor": t.T("av.v.jump_rated_factor"), "constant_min": t.T("av.v.constant_min"),
		"before_kwh": t.T("av.v.before_kwh"), "after_kwh": t.T("av.v.after_kwh"), "jitter_kwh": t.T("av.v.jitter_kwh"),
		"window_min": t.T("av.v.window_min"), "off_min": t.T("av.v.off_min"), "min_stops": t.T("av.v.min_stops"),
		"power_off_before":   t.T("av.v.power_off_before"),
		"day_production_kwh": t.T("av.v.day_production_kwh"), "day_treatment_kwh": t.T("av.v.day_treatment_kwh"),
		"night_production_kwh": t.T("av.v.night_production_kwh"), "night_treatment_kwh": t.T("av.v.night_treatment_kwh"),
		"day_ratio": t.T("av.v.day_ratio"), "night_ratio": t.T("av.v.night_ratio"), "ratio_limit": t.T("av.v.ratio_limit"),
		"night_share_min": t.T("av.v.night_share_min"),
	}
	if n, ok := names[k]; ok {
		return n + " (" + k + ")"
	}
	return k
}

func minutes(t Texts, m float64) string { return t.T("av.minutes", m) }

func kwh(v float64) string { return fmt.Sprintf("%.1f kWh", v) }

// when is t in Beijing time to the minute, "—" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(store.Beijing).Format("2006-01-02 15:04")
}

// span writes a "start/end" period of the params in Beijing time.
func span(s string) string {
	from, to, ok := Period(s)
	if !ok {
		return s
	}
	if f, e := from.In(store.Beijing), to.In(store.Beijing); f.Year() == e.Year() && f.YearDay() == e.YearDay() ||
		e.Sub(f) <= 24*time.Hour && e.Hour() == 0 && e.Minute() == 0 {
		end := e.Format("15:04")
		if e.YearDay() != f.YearDay() {
			end = "24:00"
		}
		return when(from) + "–" + end
	}
	return when(from) + " – " + when(to)
}
