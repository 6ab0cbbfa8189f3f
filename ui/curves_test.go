package ui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"powerwatch/assets"
	"powerwatch/calendar"
)

func TestCurveYear(t *testing.T) {
	f := demoDistrict(demoNow)
	s, _ := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewCurves)
	s.Wait()
	c := s.curve
	if c.entSel.chosen.Name != "华北建材有限公司" {
		t.Fatalf("curve screen selected %q, want the first enterprise", c.entSel.chosen.Name)
	}
	c.rangeSel.SetSelectedIndex(4) // last year
	s.Wait()
	if c.last.img == nil {
		t.Fatalf("no chart drawn; info: %s", c.info.Text)
	}
	if got := len(c.last.series); got != 4 {
		t.Errorf("%d series drawn, want the 2 production and 2 treatment facilities", got)
	}
	for _, sr := range c.last.series {
		if len(sr.Points) == 0 || len(sr.Points) > 1100 {
			t.Errorf("series %s has %d columns; want 1–1100 for a year at pixel width", sr.Name, len(sr.Points))
		}
	}
	fr := c.last.frame
	got := c.valueAt(fr.Box.Left+fr.Box.Width()/2, fr.Box.Top+fr.Box.Height()/2)
	if !strings.Contains(got, "1#生产线") || !strings.Contains(got, "kW") {
		t.Errorf("value at the middle = %q, want each facility's value in kW", got)
	}
	if got := c.valueAt(0, 0); got != "" {
		t.Errorf("value outside the plot = %q, want nothing", got)
	}
	size := c.view.Size()
	test.TapAt(c.view, fyne.NewPos(size.Width/2, size.Height/2))
	if got := c.info.Text; !strings.Contains(got, "2#生产线") || !strings.Contains(got, "kW") {
		t.Errorf("after a click in the middle of the chart the info line is %q", got)
	}

	c.facCheck.SetSelected([]string{"布袋除尘器 (治污设施)"})
	c.qtySel.SetSelectedIndex(1) // current
	s.Wait()
	if len(c.last.series) != 1 || c.last.unit != "A" {
		t.Errorf("after choosing one facility and current: %d series in %s", len(c.last.series), c.last.unit)
	}
}

// TestCurveHover ensures moving the mouse over the chart shows the time and
// each facility's value under it with a cursor line, and leaving takes both away.
func TestCurveHover(t *testing.T) {
	f := demoDistrict(demoNow)
	s, w := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewCurves)
	s.Wait()
	c := s.curve
	if c.last.img == nil {
		t.Fatalf("no chart drawn; info: %s", c.info.Text)
	}
	note := c.info.Text
	k, ox, oy, ok := c.view.fit()
	if !ok {
		t.Fatal("the chart view has no image or size")
	}
	fr := c.last.frame
	px, py := fr.Box.Left+fr.Box.Width()/3, fr.Box.Top+fr.Box.Height()/2
	pos := fyne.NewPos(ox+(float32(px)+0.5)*k, oy+(float32(py)+0.5)*k)
	at, _, _ := fr.At(px, py)
	// The test driver's AbsolutePositionForObject leaves out the canvas inset
	// that MoveMouse's positions include.
	inset, _ := w.Canvas().InteractiveArea()
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.view).Add(inset)
	test.MoveMouse(w.Canvas(), abs.Add(pos))
	got := c.info.Text
	if !strings.HasPrefix(got, when(at)) {
		t.Errorf("hover info = %q, want it to start with the time under the pointer %s", got, when(at))
	}
	for _, sr := range c.last.series {
		if !strings.Contains(got, sr.Name+" ") || !strings.Contains(got, "kW") {
			t.Errorf("hover info = %q, want the value of %s in kW", got, sr.Name)
		}
	}
	if c.view.cursor.Hidden || c.view.cursor.Position1.X != pos.X || c.view.cursor.Position2.Y <= c.view.cursor.Position1.Y {
		t.Errorf("cursor hidden=%v at %v–%v, want a vertical line at x=%v", c.view.cursor.Hidden, c.view.cursor.Position1, c.view.cursor.Position2, pos.X)
	}

	test.MoveMouse(w.Canvas(), fyne.NewPos(1, 1)) // off the chart: MouseOut
	if !c.view.cursor.Hidden || c.info.Text != note {
		t.Errorf("after leaving the chart: cursor hidden=%v, info %q; want hidden and the note %q", c.view.cursor.Hidden, c.info.Text, note)
	}
}

// TestCurveHolidayNotes ensures the officer is told when a year's official
// calendar is missing (only weekends shaded) and what is wrong in holidays.csv,
// and that hovering a holiday names it.
func TestCurveHolidayNotes(t *testing.T) {
	rows, err := calendar.Parse("holidays.csv", bytes.NewReader(assets.HolidaysCSV()))
	if err != nil {
		t.Fatal(err)
	}
	_, bad := calendar.Parse("holidays.csv", strings.NewReader("2027-13-01,holiday,x\n"))
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Holidays, d.HolidaysErr = calendar.New(rows), bad
	s, _ := mustShell(t, d)
	s.Show(ViewCurves)
	s.Wait()
	c := s.curve
	c.rangeSel.SetSelectedIndex(5) // custom
	c.from.SetText("2026-12-30 00:00")
	c.to.SetText("2027-01-03 00:00")
	c.draw()
	s.Wait()
	for _, want := range []string{"2027年的节假日安排未知", `holidays.csv row 1, column date: "2027-13-01" is not a date`} {
		if !strings.Contains(c.info.Text, want) {
			t.Errorf("info = %q, want it to say %q", c.info.Text, want)
		}
	}
	c.from.SetText("2026-02-14 00:00")
	c.to.SetText("2026-02-25 00:00")
	c.draw()
	s.Wait()
	fr := c.last.frame
	if strings.Contains(c.info.Text, "未知") {
		t.Errorf("info = %q for 2026, a known year", c.info.Text)
	}
	mid := fr.Box.Left + fr.Box.Width()/2 // 2026-02-19 12:00, in the Spring Festival
	if got := c.valueAt(mid, fr.Box.Top+1); !strings.Contains(got, "春节") {
		t.Errorf("value in the Spring Festival = %q, want the holiday named", got)
	}
}

// TestCurveCancel ensures a drawing can be cancelled and leaves the previous chart.
func TestCurveCancel(t *testing.T) {
	f := demoDistrict(demoNow)
	f.block, f.entered = make(chan struct{}), make(chan struct{})
	s, _ := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewCurves)
	pumpUntil(s, f.entered) // the first drawing is now waiting in Samples
	if c := s.curve; c.cancelB.Hidden || c.busy.Hidden {
		t.Error("no progress and cancel button while drawing")
	}
	s.curve.stop()
	s.Wait()
	if s.curve.last.img != nil {
		t.Error("a cancelled drawing was shown")
	}
	if got := s.curve.info.Text; got != "已取消" {
		t.Errorf("info after cancel = %q, want 已取消", got)
	}
}

// BenchmarkCurveYear measures switching the curve view to a one-year range of
// four facilities (4 × 105,120 samples from the fake store) until the chart is drawn.
func BenchmarkCurveYear(b *testing.B) {
	b.Setenv("HOME", b.TempDir())
	f := demoDistrict(demoNow)
	s, _ := mustShell(b, demoDeps(f, demoNow))
	s.Show(ViewCurves)
	s.Wait()
	for i := 0; b.Loop(); i++ {
		s.curve.rangeSel.SetSelectedIndex(4 - i%2) // alternate year and month so each is a switch
		s.Wait()
	}
}

// pumpUntil runs the shell's UI work, as the real driver's main loop would,
// until ch is ready: a load's apply may be what starts the work ch waits for.
func pumpUntil(s *Shell, ch <-chan struct{}) {
	for {
		select {
		case <-ch:
			return
		case fn := <-s.applies:
			fn()
		}
	}
}
