package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"powerwatch/alarmview"
	"powerwatch/app/evidence"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui/chart"
)

// RuleSetVersion: the demo's alarms were raised under the defaults, never saved.
func (f *reviewFake) RuleSetVersion(_ context.Context, v int) (store.RuleSet, error) {
	return store.RuleSet{}, fmt.Errorf("rule set version %d: %w", v, store.ErrNotFound)
}

func rowsMention(rows []alarmview.Row, s string) bool {
	for _, r := range rows {
		if strings.Contains(strings.Join(r.Cells(), " "), s) {
			return true
		}
	}
	return false
}

// TestAlarmDetailReviewReachable opens an alarm at 1366×768 and at
// 1920×1080: the review form's buttons, choice and note are inside the
// window without scrolling, and the chart takes the room left (larger than
// the old fixed 570×235 at 1920).
func TestAlarmDetailReviewReachable(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			s, as, _ := mustAlarmQueue(t)
			s.win.Resize(size)
			as.move(1)
			s.Wait()
			if as.curID == 0 {
				t.Fatal("no alarm under review")
			}
			dt := as.detail
			if got := s.win.Canvas().Size(); got.Width > size.Width || got.Height > size.Height {
				t.Fatalf("the window grew to %v", got)
			}
			d := fyne.CurrentApp().Driver()
			for name, o := range map[string]fyne.CanvasObject{"保存处置": dt.save, "导出证据": dt.evidence, "处置结论": dt.choice, "审核意见": dt.noteIn} {
				pos, sz := d.AbsolutePositionForObject(o), o.Size()
				if !o.Visible() || sz.Width < 10 || sz.Height < 10 {
					t.Errorf("%s is not shown (size %v)", name, sz)
					continue
				}
				if pos.X < 0 || pos.Y < 0 || pos.X+sz.Width > size.Width || pos.Y+sz.Height > size.Height {
					t.Errorf("%s spans %v–%v, outside the %v window", name, pos, pos.Add(fyne.NewPos(sz.Width, sz.Height)), size)
				}
			}
			c := dt.chart.Size()
			if c.Width < 400 || c.Height < 180 {
				t.Errorf("the chart is %v at %v", c, size)
			}
			if size.Width == 1920 && (c.Width <= 570 || c.Height <= 235) {
				t.Errorf("the chart stays %v at 1920×1080: it does not grow with the pane", c)
			}
			img := dt.chart.img.Image
			if img == nil {
				t.Fatal("the chart was not drawn")
			}
			if b := img.Bounds(); float32(b.Dx()) < c.Width*0.9 {
				t.Errorf("the chart image is %d px wide in a %.0f px pane", b.Dx(), c.Width)
			}
		})
	}
}

// TestAlarmChartSameOnScreenAndInPDF reads one alarm of a 产治一体 facility
// with thresholds derived from its rated power from a real database, shows
// it in the detail and asks app/evidence for the chart its PDF draws: the
// series, roles, threshold lines (marked 推导) and shading are the same.
func TestAlarmChartSameOnScreenAndInPDF(t *testing.T) {
	db, id := integratedAlarm(t)
	s, as, _ := mustAlarmQueue(t)
	s.SetLanguage(Chinese)
	v, err := alarmview.Load(t.Context(), alarmSource{AlarmReview: db, Registry: db}, id, evidenceMargin)
	if err != nil {
		t.Fatal(err)
	}
	as.curID = id
	as.showEvidence(v, false)
	screen := *as.detail.chart.spec
	pdf, err := evidence.ChartSpec(t.Context(), db, id, evidenceMargin)
	if err != nil {
		t.Fatal(err)
	}
	screen.Font, screen.Dark = nil, false
	if !reflect.DeepEqual(screen, pdf) {
		t.Errorf("the window's chart differs from the PDF's:\nwindow %+v\npdf    %+v", screen, pdf)
	}
	if len(pdf.Series) != 1 || pdf.Series[0].Role != chart.Production {
		t.Errorf("the 产治一体 line is not drawn as production: %+v", pdf.Series)
	}
	want := []chart.Line{{Value: 16, Label: "喷涂一体线 运行阈值 16.0 kW（推导）"}, {Value: 4, Label: "喷涂一体线 停机阈值 4.0 kW（推导）"}}
	if !reflect.DeepEqual(pdf.Lines, want) {
		t.Errorf("threshold lines = %+v, want the derived 5 %% / 20 %% of 80 kW: %+v", pdf.Lines, want)
	}
	if !rowsMention(as.detail.rules.rows, "推导") || !rowsMention(as.detail.rules.rows, "停机阈值") {
		t.Errorf("the rule table does not show the derived thresholds: %+v", as.detail.rules.rows)
	}
}

// integratedAlarm is a database with one 产治一体 facility (80 kW rated, no
// threshold of its own) running under a 停产 order, and its alarm.
func integratedAlarm(t *testing.T) (*sqlite.DB, int64) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const who = "test"
	t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, store.Beijing)
	ent := store.Enterprise{Name: "北京华彩涂装有限公司", USCC: "91110105MA00000002"}
	must(db.CreateEnterprise(ctx, who, &ent))
	fac := store.Facility{EnterpriseID: ent.ID, Name: "喷涂一体线", Kind: store.Integrated, RatedKW: 80}
	must(db.CreateFacility(ctx, who, &fac))
	term := store.Terminal{MN: "010000A8900016F000169DC1", Password: "123456", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, who, &term))
	p := store.Point{TerminalID: term.ID, FacilityID: fac.ID, Name: "进线", PowerCode: "e10101"}
	must(db.CreatePoint(ctx, who, &p))
	var b store.Batch
	for i := 0; i < 60; i++ {
		sm := store.NewSample(p.ID, t0.Add(time.Duration(i)*5*time.Minute))
		sm.P = 50
		b.Samples = append(b.Samples, sm)
	}
	if _, err := db.Ingest(ctx, &b); err != nil {
		t.Fatal(err)
	}
	a := store.Alarm{Type: store.ShutdownIgnored, Grade: store.Major, Status: store.Ended, EnterpriseID: ent.ID, ProductionID: fac.ID,
		Start: t0.Add(time.Hour), End: t0.Add(3 * time.Hour), RuleVersion: 1, Detail: "停产期间喷涂一体线运行",
		Thresholds: fmt.Sprintf(`{"rule_version":1,"rule":"shutdown_ignored","min_minutes":30,"facilities":[{"id":%d,"name":"喷涂一体线","role":"production","basis":"power","stop":4,"run":16,"derived":true}]}`, fac.ID)}
	ins, err := db.ReconcileAlarms(ctx, store.AlarmScope{From: t0, To: t0.Add(24 * time.Hour)}, []store.Alarm{a})
	if err != nil {
		t.Fatal(err)
	}
	return db, ins[0].ID
}

// demoCutEvidence is what the judge records with a 限产未落实 whose alarm
// starts at 20:00 of a 管控时段 08:00–24:00: a 50 % cut of a 960 kWh baseline
// (three Saturdays used, one left out as a holiday), the scope drawing 45 kWh
// an hour and passing the 528 kWh allowance at 20:00.
func demoCutEvidence(a store.Alarm) string {
	from := a.Start.Add(-12 * time.Hour)
	rfc := func(t time.Time) string { return t.In(store.Beijing).Format(time.RFC3339) }
	period := func(weeks int) string {
		return rfc(from.AddDate(0, 0, -7*weeks)) + "/" + rfc(from.AddDate(0, 0, -7*weeks).Add(16*time.Hour))
	}
	var scope, base []string
	for k := 1; k <= 16; k++ {
		scope = append(scope, fmt.Sprint(45*k))
		base = append(base, fmt.Sprint(60*k))
	}
	return fmt.Sprintf(`{"rule_version":0,"rule":"cut_ignored","order":{"id":5,"kind":"cut","level":"orange","start":%q,"end":%q,"cut_percent":50},`+
		`"baseline":{"method":"weekdays4","kwh":960,"allowance_kwh":528,"margin_pct":10,"period":%q,"exceeded_kwh":540,"actual_kwh":720,`+
		`"cumulative_kwh":[%s],"baseline_cumulative_kwh":[%s],"used":[%q,%q,%q],"skipped":[%q]},`+
		`"facilities":[{"id":%d,"name":"1#生产线","role":"production","basis":"power","stop":20,"run":80,"derived":true}]}`,
		rfc(from), rfc(from.Add(16*time.Hour)), period(0), strings.Join(scope, ","), strings.Join(base, ","),
		period(1), period(2), period(4), period(3)+" holiday", a.ProductionID)
}

// TestAlarmDetailCutEvidence opens a 限产未落实: its own tab draws the
// scope's and the baseline's cumulative curves with the allowance, and the
// rule table lists the baseline periods used and the one left out, with why.
func TestAlarmDetailCutEvidence(t *testing.T) {
	s, as, f := mustAlarmQueue(t)
	f.changeAlarms(func(all []store.Alarm) []store.Alarm {
		for i := range all {
			if all[i].Type == store.CutIgnored {
				all[i].Thresholds = demoCutEvidence(all[i])
			}
		}
		return all
	})
	as.reload(true)
	s.Wait()
	row := -1
	for i, r := range as.rows {
		if r.a.Type == store.CutIgnored {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("no 限产未落实 in the queue")
	}
	as.open(row)
	s.Wait()
	dt := as.detail
	if len(dt.tabs.Items) != 3 || dt.cut.spec == nil {
		t.Fatalf("no cumulative tab for the 限产未落实 (%d tabs)", len(dt.tabs.Items))
	}
	if n := len(dt.cut.spec.Series); n != 2 {
		t.Errorf("the cumulative chart has %d curves, want the scope's and the baseline's", n)
	}
	if l := dt.cut.spec.Lines; len(l) == 0 || l[0].Value != 528 {
		t.Errorf("allowance line = %+v", l)
	}
	for _, want := range []string{"采用的基线时段", "未采用的基线时段", "节假日", "允许用电", "528.0 kWh"} {
		if !rowsMention(dt.rules.rows, want) {
			t.Errorf("the rule table does not say %q: %+v", want, dt.rules.rows)
		}
	}
	// Another alarm has no cumulative: its tab goes.
	as.open((row + 1) % len(as.rows))
	s.Wait()
	if len(dt.tabs.Items) != 2 {
		t.Errorf("the cumulative tab stays for alarm %d", as.curID)
	}
}
