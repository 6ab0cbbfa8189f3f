package service

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/alarms/scenario"
	"powerwatch/app/internal/fixture"
	"powerwatch/app/registry"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// TestScenariosEndToEnd runs the alarm scenarios marked e2e
// (alarms/scenario/testdata) the way a district runs: the registry and the
// orders imported from spreadsheets into the running service, the curves sent
// by their terminals as HJ 212 real-time uploads over TCP (days late, as
// backfill arrives), and the alarms the service stores compared with the
// file's expect lines — the same lines alarms.Evaluate must meet in the rules'
// own test. Each scenario is moved by whole weeks to end a week or two before
// today (weekdays kept), so that it is history whatever day the test runs.
func TestScenariosEndToEnd(t *testing.T) {
	files, err := filepath.Glob("../../alarms/scenario/testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		sc, err := scenario.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if !sc.E2E {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) { runScenarioE2E(t, sc) })
	}
	if n < 10 {
		t.Fatalf("%d scenarios are marked e2e; the end-to-end subset is at least 10", n)
	}
}

func runScenarioE2E(t *testing.T, sc *scenario.Scenario) {
	if why := notSendable(sc); why != "" {
		t.Fatalf("%s is marked e2e but %s, which the end-to-end run cannot reproduce", sc.Path, why)
	}
	weeks := int(time.Since(sc.To)/(7*24*time.Hour)) - 1
	shift := time.Duration(weeks) * 7 * 24 * time.Hour
	at := func(t time.Time) time.Time { return t.Add(shift) }

	ctx := t.Context()
	m := svcRunMain(t, filepath.Join(t.TempDir(), "e2e.db"), nil)
	mns := map[int64]string{}
	for _, term := range sc.Facts.Terminals {
		mns[term.ID] = fmt.Sprintf("0A0B0C0D0E0F1011%08X", term.ID)
	}
	codes := pointCodes(sc)
	installed := at(sc.Day).AddDate(0, 0, -35).Format("2006-01-02")

	// The registry, one row per point (a facility without a point: one row without MN).
	var reg bytes.Buffer
	reg.WriteString("区,企业名称,统一社会信用代码,行业,设施名称,设施类型,额定功率kW,关联治理设施,MN,密码,功率因子,电流因子,电压因子,电量因子,停产限值kW,运行限值kW,排口,安装日期,投运日期\n")
	kinds := map[store.FacilityKind]string{store.Production: "生产", store.Treatment: "治理", store.Integrated: "产治一体",
		store.Total: "总用电", store.Indirect: "间接用电"}
	for _, f := range sc.Facts.Facilities {
		var th store.Threshold
		for _, x := range sc.Facts.Thresholds {
			if x.FacilityID == f.ID {
				th = x
			}
		}
		var links []store.Link
		for _, l := range sc.Facts.Links {
			if l.ProductionID == f.ID {
				links = append(links, l)
			}
		}
		cell := store.FormatTreatedBy(links, true, sc.Name)
		row := func(mn string, c [2]string) {
			fmt.Fprintf(&reg, "朝阳区,北京情景测试有限公司,91110105MA01ABCD1X,铸造,%s,%s,%g,%s,%s,%s,%s,,%s,,%g,%g,,%s,%s\n",
				f.Name, kinds[f.Kind], f.RatedKW, cell, mn, pwIf(mn), c[0], c[1], th.Stop, th.Run, installed, installed)
		}
		pts := 0
		for _, p := range sc.Facts.Points {
			if p.FacilityID == f.ID {
				row(mns[p.TerminalID], codes[p.ID])
				pts++
			}
		}
		if pts == 0 {
			row("", [2]string{})
		}
	}
	if _, err := registry.ImportRegistry(ctx, m.DB, "测试", &reg, "registry.csv", false, registry.Limits{}); err != nil {
		t.Fatalf("import registry:\n%s\n%v", reg.String(), err)
	}

	// Orders and filings, as the officer imports them.
	stamp := func(t time.Time) string { return at(t).In(store.Beijing).Format("2006-01-02 15:04") }
	names := func(ids []int64) string {
		var ns []string
		for _, id := range ids {
			ns = append(ns, sc.Name(id))
		}
		return strings.Join(ns, "|")
	}
	if len(sc.Facts.Orders) > 0 {
		var ob bytes.Buffer
		ob.WriteString("企业名称,设施名称,类型,限产比例%,开始,结束,预警级别,备注,豁免设施\n")
		for _, o := range sc.Facts.Orders {
			kind, pct := "停产", ""
			if o.Kind == store.Cut {
				kind, pct = "限产", fmt.Sprint(o.CutPercent)
			}
			level := map[store.Level]string{store.Yellow: "黄色", store.Orange: "橙色", store.Red: "红色"}[o.Level]
			fmt.Fprintf(&ob, "北京情景测试有限公司,%s,%s,%s,%s,%s,%s,,%s\n", names(o.FacilityIDs), kind, pct, stamp(o.Start), stamp(o.End), level, names(o.ExemptIDs))
		}
		if _, err := registry.ImportOrders(ctx, m.DB, "测试", &ob, "orders.csv", false, registry.Limits{}); err != nil {
			t.Fatalf("import orders:\n%s\n%v", ob.String(), err)
		}
	}
	if len(sc.Facts.Filings) > 0 {
		var fb bytes.Buffer
		fb.WriteString("企业名称,设施名称,类型,开始,结束,备注\n")
		for _, fl := range sc.Facts.Filings {
			fmt.Fprintf(&fb, "北京情景测试有限公司,%s,%s,%s,%s,\n", names(fl.FacilityIDs), fl.Kind, stamp(fl.Start), stamp(fl.End))
		}
		if _, err := registry.ImportFilings(ctx, m.DB, "测试", &fb, "filings.csv", false, registry.Limits{}); err != nil {
			t.Fatalf("import filings:\n%s\n%v", fb.String(), err)
		}
	}

	// The terminals send their curves: one real-time upload per terminal and
	// time with all its points, each answered 9014.
	type key struct {
		term int64
		at   time.Time
	}
	frames := map[key][]store.Sample{}
	termOf := map[int64]int64{}
	for _, p := range sc.Facts.Points {
		termOf[p.ID] = p.TerminalID
	}
	for pid, ss := range sc.Series {
		for _, s := range ss {
			k := key{termOf[pid], s.At}
			frames[k] = append(frames[k], s)
		}
	}
	keys := make([]key, 0, len(frames))
	for k := range frames {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return a.at.Compare(b.at) })
	conns := map[int64]*fixture.Client{}
	sent, answered := map[int64]int{}, map[int64]int{}
	// read takes terminal term's 9014s until at most left are outstanding. A
	// terminal that never read its replies would be dropped once more than
	// the listener's write queue (512) wait: days of frames are read as they go.
	read := func(term int64, left int) {
		for sent[term]-answered[term] > left {
			if p, err := conns[term].Read(20 * time.Second); err != nil || p.CN != "9014" {
				t.Fatalf("terminal %d: waiting for its 9014s: %v", term, err)
			}
			answered[term]++
		}
	}
	for i, k := range keys {
		c := conns[k.term]
		if c == nil {
			c = fixture.Dial(t, m.Addr().String())
			conns[k.term] = c
		}
		c.Write(scenarioFrame(mns[k.term], fmt.Sprintf("%017d", i+1), at(k.at), frames[k], codes))
		sent[k.term]++
		if sent[k.term]-answered[k.term] >= 128 {
			read(k.term, 32)
		}
	}
	for term := range conns {
		read(term, 0)
	}
	settle(t, m)

	judged := sc.Input().Types
	as, err := m.DB.FindAlarms(ctx, store.AlarmFilter{From: at(sc.From).Add(-24 * time.Hour), To: at(sc.To).Add(24 * time.Hour),
		Types: judged, Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo})
	if err != nil {
		t.Fatal(err)
	}
	// Back to the file's names and times: the stored ids are the import's.
	var got []string
	for _, a := range as {
		if a.Start.Before(at(sc.From)) || !a.Start.Before(at(sc.To)) {
			continue
		}
		got = append(got, sc.Line(a.Type, storedName(t, m, a.ProductionID), storedName(t, m, a.TreatmentID), a.Start.Add(-shift), endOf(a, shift), a.Grade))
	}
	slices.Sort(got)
	want := sc.Want()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s end to end:\n got %d alarm(s):\n  %s\nwant %d:\n  %s", sc.Path, len(got), strings.Join(got, "\n  "), len(want), strings.Join(want, "\n  "))
		for _, a := range as {
			t.Logf("%s %s %s–%s: %s", a.Type, a.Detail, a.Start.Add(-shift), endOf(a, shift), a.Thresholds)
		}
	}
}

// settle waits until the service has moved every acknowledged upload into
// its tables and judged them.
func settle(t *testing.T, m *Main) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for range 2 { // a re-judgement may itself be followed by late scopes
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush: %v", err)
		}
		if err := m.alarms.Idle(ctx); err != nil {
			t.Fatalf("waiting for the alarm worker: %v", err)
		}
	}
}

func endOf(a store.Alarm, shift time.Duration) time.Time {
	if a.End.IsZero() {
		return a.End
	}
	return a.End.Add(-shift)
}

func storedName(t *testing.T, m *Main, id int64) string {
	if id == 0 {
		return ""
	}
	f, err := m.DB.FacilityByID(t.Context(), id)
	if err != nil {
		t.Fatalf("facility %d: %v", id, err)
	}
	return f.Name
}

func pwIf(mn string) string {
	if mn == "" {
		return ""
	}
	return fixture.PW
}

// pointCodes gives every point its power and voltage factor codes, numbered
// within its terminal as the registry template does (e1 01 k, e1 03 k).
func pointCodes(sc *scenario.Scenario) map[int64][2]string {
	out := map[int64][2]string{}
	next := map[int64]int{}
	for _, p := range sc.Facts.Points {
		next[p.TerminalID]++
		k := next[p.TerminalID]
		out[p.ID] = [2]string{fmt.Sprintf("e101%02d", k), fmt.Sprintf("e103%02d", k)}
	}
	return out
}

// scenarioFrame is terminal mn's real-time upload (ST=31 CN=2011, Flag 5) at
// at of the samples ss: power with its data flag, and voltage (0 where the
// scenario writes ~).
func scenarioFrame(mn, qn string, at time.Time, ss []store.Sample, codes map[int64][2]string) []byte {
	var cp strings.Builder
	for i, s := range ss {
		if i > 0 {
			cp.WriteString(";")
		}
		c := codes[s.PointID]
		flag := flagLetter(s.Flags)
		fmt.Fprintf(&cp, "%s-Rtd=%g,%s-Flag=%s;%s-Rtd=%g,%s-Flag=%s", c[0], s.P, c[0], flag, c[1], s.U, c[1], flag)
	}
	seg := fmt.Sprintf("QN=%s;ST=31;CN=2011;PW=%s;MN=%s;Flag=5;CP=&&DataTime=%s;%s&&", qn, fixture.PW, mn, hj212.FormatN14(at), cp.String())
	b, err := hj212.Wrap(nil, []byte(seg))
	if err != nil {
		panic(err)
	}
	return b
}

// flagLetter is the HJ 212 data flag whose store flags are those of f.
func flagLetter(f uint8) string {
	for _, l := range []string{"T", "P", "M", "D", "C", "S", "B", "F"} {
		if bits := store.FlagsOf(l); bits != 0 && f&bits == bits {
			return l
		}
	}
	return "N"
}

// notSendable says what of sc the end-to-end run cannot reproduce, or "".
func notSendable(sc *scenario.Scenario) string {
	switch {
	case sc.RulesChanged:
		return "changes the rule set"
	case len(sc.Baselines) > 0:
		return "gives a baseline directly"
	case len(sc.Holidays) > 0:
		return "declares holidays"
	}
	for _, f := range sc.Facts.Facilities {
		var ls []store.Link
		for _, l := range sc.Facts.Links {
			if l.ProductionID == f.ID {
				ls = append(ls, l)
			}
		}
		if !f.LinksConfirmed && store.LinksAmbiguous(ls) {
			return "has unconfirmed links"
		}
	}
	for _, th := range sc.Facts.Thresholds {
		if th.MinPersist > 0 {
			return "sets a persistence"
		}
	}
	for _, term := range sc.Facts.Terminals {
		if term.RtdInterval != 0 && term.RtdInterval != 5*time.Minute || term.MinInterval != 0 {
			return "sets terminal intervals"
		}
	}
	for _, ss := range sc.Series {
		for _, s := range ss {
			if s.Flags&(store.FlagMinuteValue|store.FlagHourValue) != 0 {
				return "sends minute or hour values"
			}
		}
	}
	for _, e := range sc.Expect {
		if e.End.IsZero() {
			return "expects an open alarm (the run judges days later)"
		}
	}
	return ""
}
