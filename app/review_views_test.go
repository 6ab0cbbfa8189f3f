package main

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/app/internal/fixture"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// The adapters keep satisfying what the 报警, 统计, 管控 and 设置 views call.
var (
	_ ui.AlarmReview      = (*sqlite.DB)(nil)
	_ ui.ReviewPackages   = (*sqlite.DB)(nil)
	_ ui.DayNightStats    = (*sqlite.DB)(nil)
	_ ui.EvidenceExporter = evidenceDesk{}
	_ ui.OrderDesk        = orderDesk{}
	_ ui.RuleReplay       = ruleDesk{}
	_ desktopService      = (*packageService)(nil)
)

// TestReviewViewsOnRealStore opens the shell on a real database with an
// evaluated alarm and shows the four views: none says it is not connected or
// reports an error.
func TestReviewViewsOnRealStore(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	path := fixture.AlarmDB(t)
	if code, _, errOut := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-29"); code != 0 {
		t.Fatal(errOut)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := withReview(db, ui.Deps{Registry: db, Editor: db, Readings: db, Stats: db, Alarms: db, Terminals: db, Operator: "test"})
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s, err := ui.New(a, w, d)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w.Resize(fyne.NewSize(1280, 800))
	for _, v := range []ui.View{ui.ViewAlarms, ui.ViewStatistics, ui.ViewOrders, ui.ViewSettings} {
		s.Show(v)
		s.Wait()
		txt := allText(w.Content())
		if v == ui.ViewAlarms && !strings.Contains(txt, "治污设施未同步运行") {
			t.Errorf("the queue does not list the evaluated alarm:\n%s", txt)
		}
		for _, bad := range []string{"尚无数据", "内部错误", "尚未接入"} {
			if strings.Contains(txt, bad) {
				t.Errorf("view %s shows %q:\n%s", v, bad, txt)
			}
		}
	}
}

// allText is every label's and button's text under o.
func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}
