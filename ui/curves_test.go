package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestCurveYear(t *testing.T) {
	f := demoDistrict(demoNow)
	s, _ := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewCurves)
	s.Wait()
	c := s.curve
	if c.entSel.Selected != "华北建材有限公司" {
		t.Fatalf("curve screen selected %q, want the first enterprise", c.entSel.Selected)
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
