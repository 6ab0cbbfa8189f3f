package alarms

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestScenarios runs every file of testdata/scenarios through Evaluate and
// compares the alarms raised with the file's expectations: every alarm must
// be expected and every expected alarm raised (so a file without expect lines
// asserts silence). The format is described in testdata/scenarios/README.md.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			sc, err := readScenario(path)
			if err != nil {
				t.Fatal(err)
			}
			sc.check(t)
		})
	}
}

// A scenario is one parsed file.
type scenario struct {
	path      string
	day       time.Time
	from, to  time.Time
	rs        store.RuleSet
	types     []store.AlarmType
	facts     Facts
	series    map[int64][]store.Sample
	steps     map[int64]time.Duration // each point's step, for the baseline's measure
	byName    map[string]int64        // facility name → id
	holidays  map[string]bool
	baselines map[int64]float64 // order → kWh per period, given directly
	expect    []expectation
	evidence  []evidenceCheck
	engine    bool // also feed the samples through an Engine and compare
}

type expectation struct {
	typ        store.AlarmType
	prod, trt  string
	start, end time.Time // end zero: open
	grade      store.Grade
	line       int
}

type evidenceCheck struct {
	index int // into expect
	text  string
	line  int
}

func readScenario(path string) (*scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := &scenario{path: path, rs: DefaultRules(), series: map[int64][]store.Sample{}, steps: map[int64]time.Duration{},
		byName: map[string]int64{}, holidays: map[string]bool{}, baselines: map[int64]float64{}}
	sc.day = time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	sc.facts.Terminals = []store.Terminal{{ID: 1, MN: "T1", EnterpriseID: 1}}
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
	if sc.from.IsZero() {
		sc.from, sc.to = sc.day, sc.day.AddDate(0, 0, 1)
	}
	return sc, s.Err()
}

func (sc *scenario) directive(fs []string, line int) error {
	args, kv := splitArgs(fs[1:])
	var err error
	switch fs[0] {
	case "day":
		if len(args) != 1 {
			return fmt.Errorf("want day YYYY-MM-DD")
		}
		sc.day, err = time.ParseInLocation("2006-01-02", args[0], store.Beijing)
	case "window":
		if len(args) != 2 {
			return fmt.Errorf("want window FROM TO")
		}
		if sc.from, err = sc.time(args[0]); err == nil {
			sc.to, err = sc.time(args[1])
		}
	case "rules":
		err = sc.rules(kv)
	case "types":
		for _, a := range args {
			sc.types = append(sc.types, store.AlarmType(a))
		}
	case "engine":
		sc.engine = true
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
			sc.holidays[a] = true
		}
	case "baseline":
		err = sc.baseline(args, kv)
	case "curve":
		err = sc.curve(args, kv)
	case "expect":
		err = sc.expectLine(args, line)
	case "evidence":
		if len(sc.expect) == 0 || len(args) < 2 || args[0] != "contains" {
			return fmt.Errorf("want evidence contains TEXT after an expect line")
		}
		sc.evidence = append(sc.evidence, evidenceCheck{index: len(sc.expect) - 1, text: strings.Join(args[1:], " "), line: line})
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
func (sc *scenario) time(s string) (time.Time, error) {
	date, clock := sc.day, s
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
			t = time.Date(sc.day.Year(), t.Month(), t.Day(), 0, 0, 0, 0, store.Beijing)
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

func (sc *scenario) rules(kv map[string]string) error {
	for k, v := range kv {
		var err error
		dur := func(d *time.Duration) { *d, err = time.ParseDuration(v) }
		num := func(x *float64) { *x, err = strconv.ParseFloat(v, 64) }
		switch k {
		case "slot":
			dur(&sc.rs.Slot)
		case "gap":
			dur(&sc.rs.GapBridge)
		case "offline":
			dur(&sc.rs.OfflineAfter)
		case "treatment_min":
			dur(&sc.rs.TreatmentOffMin)
		case "shutdown_min":
			dur(&sc.rs.ShutdownIgnoredMin)
		case "margin":
			num(&sc.rs.CutMarginPct)
		case "rated_pct":
			num(&sc.rs.CutRatedPercent)
		case "baseline":
			sc.rs.CutBaseline = store.BaselineMethod(v)
		default:
			return fmt.Errorf("unknown rule %q", k)
		}
		if err != nil {
			return fmt.Errorf("rule %s=%s: %w", k, v, err)
		}
	}
	return sc.rs.Validate()
}

func (sc *scenario) terminal(args []string, kv map[string]string) error {
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
	for i, x := range sc.facts.Terminals {
		if x.ID == id {
			sc.facts.Terminals[i] = t
			return nil
		}
	}
	sc.facts.Terminals = append(sc.facts.Terminals, t)
	return nil
}

var scenarioKinds = map[string]store.FacilityKind{"production": store.Production, "treatment": store.Treatment,
	"integrated": store.Integrated, "total": store.Total, "indirect": store.Indirect}

// facility ID KIND NAME stop=X run=Y [rated=R] [points=N] [term=T] [persist=D]
func (sc *scenario) facility(args []string, kv map[string]string) error {
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
	sc.facts.Facilities = append(sc.facts.Facilities, f)
	sc.facts.Thresholds = append(sc.facts.Thresholds, th)
	sc.byName[f.Name] = id
	for k := 1; k <= points; k++ {
		sc.facts.Points = append(sc.facts.Points, store.Point{ID: id*10 + int64(k), TerminalID: term, FacilityID: id})
	}
	return nil
}

// links PROD: CELL (the registry syntax); links-unconfirmed PROD: A|B stores
// ungrouped links of a facility whose links were never confirmed.
func (sc *scenario) links(ws []string, confirmed bool) error {
	line := strings.Join(ws, " ")
	prod, cell, ok := strings.Cut(line, ":")
	pid, known := sc.byName[strings.TrimSpace(prod)]
	if !ok || !known {
		return fmt.Errorf("want links PRODUCTION: CELL with a known facility")
	}
	tbs, err := store.ParseTreatedBy(cell)
	if err != nil {
		return err
	}
	for _, tb := range tbs {
		tid, ok := sc.byName[tb.Facility]
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
		sc.facts.Links = append(sc.facts.Links, l)
	}
	for i := range sc.facts.Facilities {
		if sc.facts.Facilities[i].ID == pid {
			sc.facts.Facilities[i].LinksConfirmed = confirmed
		}
	}
	return nil
}

func (sc *scenario) names(s string) ([]int64, error) {
	var ids []int64
	for _, n := range strings.Split(s, ",") {
		id, ok := sc.byName[n]
		if !ok {
			return nil, fmt.Errorf("unknown facility %q", n)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// order ID shutdown|cut [PCT] START END [level=L] [facilities=A,B] [exempt=C]
func (sc *scenario) order(args []string, kv map[string]string) error {
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
	sc.facts.Orders = append(sc.facts.Orders, o)
	return nil
}

// filing ID KIND START END [facilities=A,B]
func (sc *scenario) filing(args []string, kv map[string]string) error {
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
	sc.facts.Filings = append(sc.facts.Filings, fl)
	return nil
}

// baseline ORDER kwh=X: every 管控时段 of the order has a baseline of X kWh.
func (sc *scenario) baseline(args []string, kv map[string]string) error {
	if len(args) != 1 || kv["kwh"] == "" {
		return fmt.Errorf("want baseline ORDER kwh=X")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return err
	}
	sc.baselines[id], err = strconv.ParseFloat(kv["kwh"], 64)
	return err
}

// curve NAME[@k] STEP [cn=2051|2061] [repeat=N] START TOKEN… where TOKEN is
// VALUE[FLAGS][*N] or -*N for N steps without data; FLAGS are HJ 212 flag
// letters (T, P, M, D…) and ~ for zero voltage; repeat=N repeats the tokens.
func (sc *scenario) curve(args []string, kv map[string]string) error {
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
	fid, ok := sc.byName[name]
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
	sc.steps[pid] = step
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
			sc.series[pid] = append(sc.series[pid], s)
		}
	}
	return nil
}

// expect TYPE PROD[/TREAT] START END|open GRADE ("-" for no facility)
func (sc *scenario) expectLine(args []string, line int) error {
	if len(args) == 1 && args[0] == "none" {
		return nil
	}
	if len(args) != 5 {
		return fmt.Errorf("want expect TYPE PROD[/TREAT] START END|open GRADE, or expect none")
	}
	e := expectation{typ: store.AlarmType(args[0]), grade: store.Grade(args[4]), line: line}
	e.prod, e.trt, _ = strings.Cut(args[1], "/")
	if e.prod == "-" {
		e.prod = ""
	}
	var err error
	if e.start, err = sc.time(args[2]); err != nil {
		return err
	}
	if args[3] != "open" {
		if e.end, err = sc.time(args[3]); err != nil {
			return err
		}
	}
	sc.expect = append(sc.expect, e)
	return nil
}

func (sc *scenario) input() Input {
	in := Input{From: sc.from, To: sc.to, Facts: &sc.facts, Series: sc.series, Types: sc.types}
	if len(in.Types) == 0 {
		in.Types = []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored, store.CutIgnored, store.OrderUnjudged, store.TreatmentUnknown}
	}
	for _, o := range sc.facts.Orders {
		if o.Kind != store.Cut {
			continue
		}
		if kwh, ok := sc.baselines[o.ID]; ok {
			b := Baseline{OrderID: o.ID, Method: sc.rs.CutBaseline, Note: "given by the scenario"}
			for _, p := range CutPeriods(o) {
				b.Periods = append(b.Periods, PeriodBaseline{Period: p, KWh: kwh, Used: []Period{p}})
			}
			in.Baselines = append(in.Baselines, b)
			continue
		}
		holiday := func(t time.Time) bool { return sc.holidays[t.Format("2006-01-02")] }
		in.Baselines = append(in.Baselines, BaselineFor(&sc.facts, o, sc.rs.CutBaseline, holiday, sc.measure(o)))
	}
	return in
}

// measure integrates the scenario's own curves over a candidate period: the
// data is complete when every step of every point of the scope has a valid sample.
func (sc *scenario) measure(o store.Order) Measure {
	pts := BaselinePoints(&sc.facts, o)
	return func(p Period) (float64, bool) {
		kwh, complete := 0.0, len(pts) > 0
		for _, pid := range pts {
			step := sc.steps[pid]
			n := 0
			for _, s := range sc.series[pid] {
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

func (sc *scenario) check(t *testing.T) {
	in := sc.input()
	got := Evaluate(sc.rs, in)
	name := func(id int64) string {
		for _, f := range sc.facts.Facilities {
			if f.ID == id {
				return f.Name
			}
		}
		return ""
	}
	line := func(typ store.AlarmType, prod, trt string, start, end time.Time, grade store.Grade) string {
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
	var g, w []string
	for _, a := range got {
		g = append(g, line(a.Type, name(a.ProductionID), name(a.TreatmentID), a.Start, a.End, a.Grade))
	}
	for _, e := range sc.expect {
		w = append(w, line(e.typ, e.prod, e.trt, e.start, e.end, e.grade))
	}
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got %d alarm(s):\n  %s\nwant %d:\n  %s", sc.path, len(g), strings.Join(g, "\n  "), len(w), strings.Join(w, "\n  "))
		for _, a := range got {
			t.Logf("%s %s: %s", a.Type, a.Detail, a.Thresholds)
		}
		return
	}
	for _, c := range sc.evidence {
		if a := got[c.index]; !strings.Contains(a.Thresholds, c.text) && !strings.Contains(a.Detail, c.text) {
			t.Errorf("%s:%d: evidence of %s does not contain %q:\n%s\n%s", sc.path, c.line, a.Type, c.text, a.Detail, a.Thresholds)
		}
	}
	if sc.engine {
		sc.checkEngine(t, got)
	}
}

// checkEngine feeds the samples to an Engine in time order, each batch
// received a minute after its time, and compares its last verdict with
// Evaluate over the same scope.
func (sc *scenario) checkEngine(t *testing.T, _ []store.Alarm) {
	e := NewEngine(sc.rs, sc.facts)
	in := sc.input()
	e.SetBaselines(in.Baselines)
	var all []store.Sample
	for _, ss := range sc.series {
		all = append(all, ss...)
	}
	slices.SortStableFunc(all, func(a, b store.Sample) int { return a.At.Compare(b.At) })
	var last *Update
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].At.Equal(all[i].At) {
			j++
		}
		ups, _ := e.Observe(all[i].At.Add(time.Minute), all[i:j])
		for k := range ups {
			last = &ups[k]
		}
		i = j
	}
	if last == nil {
		return
	}
	want := Evaluate(sc.rs, Input{From: last.Scope.From, To: last.Scope.To, Facts: &sc.facts, Series: sc.series,
		Baselines: in.Baselines, Types: ContinuousTypes()})
	var got []store.Alarm
	for _, a := range last.Alarms {
		if slices.Contains(in.Types, a.Type) {
			got = append(got, a)
		}
	}
	var wantF []store.Alarm
	for _, a := range want {
		if slices.Contains(in.Types, a.Type) {
			wantF = append(wantF, a)
		}
	}
	if a, b := summary(got), summary(wantF); !slices.Equal(a, b) {
		t.Errorf("engine's last verdict differs from Evaluate over its scope:\n engine   %q\n evaluate %q", a, b)
	}
}
