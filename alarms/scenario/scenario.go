// Package scenario reads the alarm scenario files (testdata/*.txt; the format
// is in testdata/README.md): a small enterprise, its orders and filings, its
// terminal data in a compact run-length form, and the alarms the rules must
// raise. The rules' own test runs every file through alarms.Evaluate; the
// service's test runs the files marked e2e end to end.
package scenario

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
)

// A scenario is one parsed file.
type Scenario struct {
	Path      string
	Day       time.Time // the day HH:MM times fall on
	From, To  time.Time // the window judged (Input.From/To)
	Rules     store.RuleSet
	Types     []store.AlarmType // judged; empty: the defaults of Input
	Facts     alarms.Facts      // enterprise 1: terminals, facilities, points, thresholds, links, orders, filings
	Series    map[int64][]store.Sample
	Steps     map[int64]time.Duration // each point's step, for the baseline's measure
	ByName    map[string]int64        // facility name → id
	Holidays  map[string]bool
	Baselines map[int64]float64 // order → kWh per period, given directly
	Expect    []Expectation
	Evidence  []EvidenceCheck
	Engine    bool // also feed the samples through an Engine and compare
	// E2E marks a scenario also run end to end (registry import, the
	// service over TCP, the stored alarms): app/service's scenario test.
	E2E bool
	// RulesChanged is set when a rules line changed the defaults.
	RulesChanged bool
}

// An Expectation is one expect line: an alarm that must be raised.
type Expectation struct {
	Type       store.AlarmType
	Prod, Trt  string    // facility names, "" for none
	Start, End time.Time // End zero: open
	Grade      store.Grade
	Line       int
}

// An EvidenceCheck is an evidence line: the alarm of expect line Index has
// Text in its evidence JSON or detail.
type EvidenceCheck struct {
	Index int // into Expect
	Text  string
	Line  int
}

// Read parses one scenario file.
func Read(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := &Scenario{Path: path, Rules: alarms.DefaultRules(), Series: map[int64][]store.Sample{}, Steps: map[int64]time.Duration{},
		ByName: map[string]int64{}, Holidays: map[string]bool{}, Baselines: map[int64]float64{}}
	sc.Day = time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	sc.Facts.Terminals = []store.Terminal{{ID: 1, MN: "T1", EnterpriseID: 1}}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; s.Scan(); line++ {
		text := s.Text()
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		fs := strings.Fields(text)
		if len(fs) == 0 {
			continue
		}
		if err := sc.directive(fs, line); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, line, fs[0], err)
		}
	}
	if sc.From.IsZero() {
		sc.From, sc.To = sc.Day, sc.Day.AddDate(0, 0, 1)
	}
	return sc, s.Err()
}

func (sc *Scenario) directive(fs []string, line int) error {
	args, kv := splitArgs(fs[1:])
	var err error
	switch fs[0] {
	case "day":
		if len(args) != 1 {
			return fmt.Errorf("want day YYYY-MM-DD")
		}
		sc.Day, err = time.ParseInLocation("2006-01-02", args[0], store.Beijing)
	case "window":
		if len(args) != 2 {
			return fmt.Errorf("want window FROM TO")
		}
		if sc.From, err = sc.time(args[0]); err == nil {
			sc.To, err = sc.time(args[1])
		}
	case "rules":
		err = sc.rules(kv)
	case "types":
		for _, a := range args {
			sc.Types = append(sc.Types, store.AlarmType(a))
		}
	case "engine":
		sc.Engine = true
	case "e2e":
		sc.E2E = true
	case "terminal":
		err = sc.terminal(args, kv)
	case "facility":
		err = sc.facility(args, kv)
	case "links":
		err = sc.links(fs[1:], true)
	case "links-unconfirmed":
		err = sc.links(fs[1:], false)
	case "order":
		err = sc.order(args, kv)
	case "filing":
		err = sc.filing(args, kv)
	case "holiday":
		for _, a := range args {
			sc.Holidays[a] = true
		}
	case "baseline":
		err = sc.baseline(args, kv)
	case "curve":
		err = sc.curve(args, kv)
	case "expect":
		err = sc.expectLine(args, line)
	case "evidence":
		if len(sc.Expect) == 0 || len(args) < 2 || args[0] != "contains" {
			return fmt.Errorf("want evidence contains TEXT after an expect line")
		}
		sc.Evidence = append(sc.Evidence, EvidenceCheck{Index: len(sc.Expect) - 1, Text: strings.Join(args[1:], " "), Line: line})
	default:
		return fmt.Errorf("unknown directive")
	}
	return err
}

// splitArgs separates positional words from key=value words.
func splitArgs(ws []string) (args []string, kv map[string]string) {
	kv = map[string]string{}
	for _, w := range ws {
		if k, v, ok := strings.Cut(w, "="); ok {
			kv[k] = v
		} else {
			args = append(args, w)
		}
	}
	return args, kv
}

// time reads HH:MM on the scenario's day, MM-DDTHH:MM in its year, or
// YYYY-MM-DDTHH:MM; 24:00 is the next midnight.
func (sc *Scenario) time(s string) (time.Time, error) {
	date, clock := sc.Day, s
	if d, c, ok := strings.Cut(s, "T"); ok {
		clock = c
		layout := "01-02"
		if len(d) == 10 {
			layout = "2006-01-02"
		}
		t, err := time.ParseInLocation(layout, d, store.Beijing)
		if err != nil {
			return time.Time{}, fmt.Errorf("date %q: %w", d, err)
		}
		if layout == "01-02" {
			t = time.Date(sc.Day.Year(), t.Month(), t.Day(), 0, 0, 0, 0, store.Beijing)
		}
		date = t
	}
	h, m, ok := strings.Cut(clock, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh > 24 || mm > 59 {
		return time.Time{}, fmt.Errorf("time %q: want HH:MM, MM-DDTHH:MM or YYYY-MM-DDTHH:MM", s)
	}
	return date.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute), nil
}

func (sc *Scenario) rules(kv map[string]string) error {
	sc.RulesChanged = true
	for k, v := range kv {
		var err error
		dur := func(d *time.Duration) { *d, err = time.ParseDuration(v) }
		num := func(x *float64) { *x, err = strconv.ParseFloat(v, 64) }
		switch k {
		case "slot":
			dur(&sc.Rules.Slot)
		case "gap":
			dur(&sc.Rules.GapBridge)
		case "offline":
			dur(&sc.Rules.OfflineAfter)
		case "treatment_min":
			dur(&sc.Rules.TreatmentOffMin)
		case "shutdown_min":
			dur(&sc.Rules.ShutdownIgnoredMin)
		case "margin":
			num(&sc.Rules.CutMarginPct)
		case "rated_pct":
			num(&sc.Rules.CutRatedPercent)
		case "baseline":
			sc.Rules.CutBaseline = store.BaselineMethod(v)
		default:
			return fmt.Errorf("unknown rule %q", k)
		}
		if err != nil {
			return fmt.Errorf("rule %s=%s: %w", k, v, err)
		}
	}
	return sc.Rules.Validate()
}

func (sc *Scenario) terminal(args []string, kv map[string]string) error {
	if len(args) != 1 {
		return fmt.Errorf("want terminal ID [rtd=D] [min=D]")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return err
	}
	t := store.Terminal{ID: id, MN: "T" + args[0], EnterpriseID: 1}
	for k, v := range kv {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		switch k {
		case "rtd":
			t.RtdInterval = d
		case "min":
			t.MinInterval = d
		default:
			return fmt.Errorf("unknown terminal setting %q", k)
		}
	}
	for i, x := range sc.Facts.Terminals {
		if x.ID == id {
			sc.Facts.Terminals[i] = t
			return nil
		}
	}
	sc.Facts.Terminals = append(sc.Facts.Terminals, t)
	return nil
}

var scenarioKinds = map[string]store.FacilityKind{"production": store.Production, "treatment": store.Treatment,
	"integrated": store.Integrated, "total": store.Total, "indirect": store.Indirect}

// facility ID KIND NAME stop=X run=Y [rated=R] [points=N] [term=T] [persist=D]
func (sc *Scenario) facility(args []string, kv map[string]string) error {
	if len(args) != 3 {
		return fmt.Errorf("want facility ID KIND NAME stop=X run=Y …")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	kind, ok := scenarioKinds[args[1]]
	if err != nil || !ok {
		return fmt.Errorf("id %q or kind %q", args[0], args[1])
	}
	f := store.Facility{ID: id, EnterpriseID: 1, Kind: kind, Name: args[2], RatedKW: 100}
	th := store.Threshold{FacilityID: id, Basis: store.ByPower, Stop: 5, Run: 20}
	if kind == store.Treatment {
		th.Stop, th.Run = 2, 10
	}
	points, term := 1, int64(1)
	for k, v := range kv {
		var err error
		switch k {
		case "stop":
			th.Stop, err = strconv.ParseFloat(v, 64)
		case "run":
			th.Run, err = strconv.ParseFloat(v, 64)
		case "rated":
			f.RatedKW, err = strconv.ParseFloat(v, 64)
		case "points":
			points, err = strconv.Atoi(v)
		case "term":
			term, err = strconv.ParseInt(v, 10, 64)
		case "persist":
			th.MinPersist, err = time.ParseDuration(v)
		default:
			return fmt.Errorf("unknown facility setting %q", k)
		}
		if err != nil {
			return fmt.Errorf("%s=%s: %w", k, v, err)
		}
	}
	sc.Facts.Facilities = append(sc.Facts.Facilities, f)
	sc.Facts.Thresholds = append(sc.Facts.Thresholds, th)
	sc.ByName[f.Name] = id
	for k := 1; k <= points; k++ {
		sc.Facts.Points = append(sc.Facts.Points, store.Point{ID: id*10 + int64(k), TerminalID: term, FacilityID: id})
	}
	return nil
}

// links PROD: CELL (the registry syntax); links-unconfirmed PROD: A|B stores
// ungrouped links of a facility whose links were never confirmed.
func (sc *Scenario) links(ws []string, confirmed bool) error {
	line := strings.Join(ws, " ")
	prod, cell, ok := strings.Cut(line, ":")
	pid, known := sc.ByName[strings.TrimSpace(prod)]
	if !ok || !known {
		return fmt.Errorf("want links PRODUCTION: CELL with a known facility")
	}
	tbs, err := store.ParseTreatedBy(cell)
	if err != nil {
		return err
	}
	for _, tb := range tbs {
		tid, ok := sc.ByName[tb.Facility]
		if !ok {
			return fmt.Errorf("unknown facility %q", tb.Facility)
		}
		l := store.Link{ProductionID: pid, TreatmentID: tid, Role: store.Active, Group: tb.Group, Need: tb.Need}
		if tb.Standby {
			l.Role = store.Standby
		}
		if !confirmed {
			l.Group, l.Need = "", 0
		}
		sc.Facts.Links = append(sc.Facts.Links, l)
	}
	for i := range sc.Facts.Facilities {
		if sc.Facts.Facilities[i].ID == pid {
			sc.Facts.Facilities[i].LinksConfirmed = confirmed
		}
	}
	return nil
}

func (sc *Scenario) names(s string) ([]int64, error) {
	var ids []int64
	for _, n := range strings.Split(s, ",") {
		id, ok := sc.ByName[n]
		if !ok {
			return nil, fmt.Errorf("unknown facility %q", n)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// order ID shutdown|cut [PCT] START END [level=L] [facilities=A,B] [exempt=C]
func (sc *Scenario) order(args []string, kv map[string]string) error {
	if len(args) < 4 {
		return fmt.Errorf("want order ID KIND [PCT] START END …")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return err
	}
	o := store.Order{ID: id, EnterpriseID: 1, Kind: store.OrderKind(args[1]), Level: store.Level(kv["level"])}
	rest := args[2:]
	if o.Kind == store.Cut {
		if o.CutPercent, err = strconv.ParseFloat(rest[0], 64); err != nil {
			return err
		}
		rest = rest[1:]
	}
	if len(rest) != 2 {
		return fmt.Errorf("want START END")
	}
	if o.Start, err = sc.time(rest[0]); err != nil {
		return err
	}
	if o.End, err = sc.time(rest[1]); err != nil {
		return err
	}
	if v, ok := kv["facilities"]; ok {
		if o.FacilityIDs, err = sc.names(v); err != nil {
			return err
		}
	}
	if v, ok := kv["exempt"]; ok {
		if o.ExemptIDs, err = sc.names(v); err != nil {
			return err
		}
	}
	sc.Facts.Orders = append(sc.Facts.Orders, o)
	return nil
}

// filing ID KIND START END [facilities=A,B]
func (sc *Scenario) filing(args []string, kv map[string]string) error {
	if len(args) != 4 {
		return fmt.Errorf("want filing ID KIND START END")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return err
	}
	fl := store.Filing{ID: id, EnterpriseID: 1, Kind: store.FilingKind(args[1])}
	if fl.Start, err = sc.time(args[2]); err != nil {
		return err
	}
	if fl.End, err = sc.time(args[3]); err != nil {
		return err
	}
	if v, ok := kv["facilities"]; ok {
		if fl.FacilityIDs, err = sc.names(v); err != nil {
			return err
		}
	}
	sc.Facts.Filings = append(sc.Facts.Filings, fl)
	return nil
}

// baseline ORDER kwh=X: every 管控时段 of the order has a baseline of X kWh.
func (sc *Scenario) baseline(args []string, kv map[string]string) error {
	if len(args) != 1 || kv["kwh"] == "" {
		return fmt.Errorf("want baseline ORDER kwh=X")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return err
	}
	sc.Baselines[id], err = strconv.ParseFloat(kv["kwh"], 64)
	return err
}

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

// expect TYPE PROD[/TREAT] START END|open GRADE ("-" for no facility)
func (sc *Scenario) expectLine(args []string, line int) error {
	if len(args) == 1 && args[0] == "none" {
		return nil
	}
	if len(args) != 5 {
		return fmt.Errorf("want expect TYPE PROD[/TREAT] START END|open GRADE, or expect none")
	}
	e := Expectation{Type: store.AlarmType(args[0]), Grade: store.Grade(args[4]), Line: line}
	e.Prod, e.Trt, _ = strings.Cut(args[1], "/")
	if e.Prod == "-" {
		e.Prod = ""
	}
	var err error
	if e.Start, err = sc.time(args[2]); err != nil {
		return err
	}
	if args[3] != "open" {
		if e.End, err = sc.time(args[3]); err != nil {
			return err
		}
	}
	sc.Expect = append(sc.Expect, e)
	return nil
}

// Input is what alarms.Evaluate judges: the window, the facts, the curves
// and the 限产 baselines (given, or computed from the curves by
// alarms.BaselineFor as the app does from its aggregates).
func (sc *Scenario) Input() alarms.Input {
	in := alarms.Input{From: sc.From, To: sc.To, Facts: &sc.Facts, Series: sc.Series, Types: sc.Types}
	if len(in.Types) == 0 {
		in.Types = []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored, store.CutIgnored, store.OrderUnjudged, store.TreatmentUnknown, store.TreatmentCut}
	}
	for _, o := range sc.Facts.Orders {
		if o.Kind != store.Cut {
			continue
		}
		if kwh, ok := sc.Baselines[o.ID]; ok {
			b := alarms.Baseline{OrderID: o.ID, Method: sc.Rules.CutBaseline, Note: "given by the scenario"}
			for _, p := range alarms.CutPeriods(o) {
				b.Periods = append(b.Periods, alarms.PeriodBaseline{Period: p, KWh: kwh, Used: []alarms.Period{p}})
			}
			in.Baselines = append(in.Baselines, b)
			continue
		}
		holiday := func(t time.Time) bool { return sc.Holidays[t.Format("2006-01-02")] }
		in.Baselines = append(in.Baselines, alarms.BaselineFor(&sc.Facts, o, sc.Rules.CutBaseline, holiday, sc.measure(o)))
	}
	return in
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

// Line is an alarm as the scenario files write it: TYPE PROD[/TREAT] START
// END|open GRADE, facility names from the scenario.
func (sc *Scenario) Line(typ store.AlarmType, prod, trt string, start, end time.Time, grade store.Grade) string {
	subj := prod
	if subj == "" {
		subj = "-"
	}
	if trt != "" {
		subj += "/" + trt
	}
	e := "open"
	if !end.IsZero() {
		e = end.In(store.Beijing).Format("01-02T15:04")
	}
	return fmt.Sprintf("%s %s %s %s %s", typ, subj, start.In(store.Beijing).Format("01-02T15:04"), e, grade)
}

// Name is facility id's name, "" for none.
func (sc *Scenario) Name(id int64) string {
	for _, f := range sc.Facts.Facilities {
		if f.ID == id {
			return f.Name
		}
	}
	return ""
}

// Got is as, written as Lines, in order.
func (sc *Scenario) Got(as []store.Alarm) []string {
	var out []string
	for _, a := range as {
		out = append(out, sc.Line(a.Type, sc.Name(a.ProductionID), sc.Name(a.TreatmentID), a.Start, a.End, a.Grade))
	}
	return out
}

// Want is the expectations, written as Lines, in file order.
func (sc *Scenario) Want() []string {
	var out []string
	for _, e := range sc.Expect {
		out = append(out, sc.Line(e.Type, e.Prod, e.Trt, e.Start, e.End, e.Grade))
	}
	return out
}

// Judged reports whether t is judged in the scenario.
func (sc *Scenario) Judged(t store.AlarmType) bool {
	return slices.Contains(sc.Input().Types, t)
}
