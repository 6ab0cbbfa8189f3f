package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// TestScreenshotsReview renders the 报警, 统计, 管控 and rule what-if views
// with their work in progress (an alarm open with its curves, the statistics
// table, an episode's board, a replay result) into $POWERWATCH_SCREENSHOTS,
// like TestScreenshots. Without the variable it is skipped.
func TestScreenshotsReview(t *testing.T) {
	dir := os.Getenv("POWERWATCH_SCREENSHOTS")
	if dir == "" {
		t.Skip("set POWERWATCH_SCREENSHOTS to a folder to render the screenshots")
	}
	base := demoDistrict(demoNow)
	rf := &reviewFake{fakeStore: base}
	sf := &statsFake{fakeStore: base}
	of := &ordersFake{fakeStore: base}
	pf := &replayFake{current: store.RuleSet{Version: 3, TreatmentOffMin: 15 * time.Minute, ShutdownIgnoredMin: 30 * time.Minute,
		CutMarginPct: 10, CutMin: time.Hour, OfflineAfter: 30 * time.Minute, MajorAfter: time.Hour, SevereAfter: 4 * time.Hour}}
	d := demoDeps(base, demoNow)
	d.Registry, d.Review, d.Evidence, d.Packages, d.Stats, d.DayNight, d.Orders, d.Replay = of, rf, rf, rf, sf, sf, of, pf
	s, w := mustShell(t, d)
	s.SetThemeMode(ThemeLight)
	shot := func(name string) {
		t.Helper()
		s.Wait()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	rf.changeAlarms(func(all []store.Alarm) []store.Alarm {
		for i := range all {
			if all[i].Type == store.CutIgnored {
				all[i].Thresholds = demoCutEvidence(all[i])
			}
		}
		return all
	})
	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	as.move(1)
	shot("alarm_review")
	// The office screen: the review bar stays at the foot, the chart takes the rest.
	w.Resize(fyne.NewSize(1366, 768))
	shot("alarm_review_1366")
	as.detail.tabs.SelectIndex(1)
	shot("alarm_rules_1366")
	for i, r := range as.rows {
		if r.a.Type == store.CutIgnored {
			as.table.Select(widget.TableCellID{Row: i})
			s.Wait()
			as.detail.tabs.SelectIndex(2)
			shot("alarm_cut_1366")
			as.detail.tabs.SelectIndex(1)
			shot("alarm_cut_rules_1366")
			as.table.Select(widget.TableCellID{Row: 0})
			s.Wait()
		}
	}
	as.detail.tabs.SelectIndex(0)
	w.Resize(fyne.NewSize(1920, 1080))
	shot("alarm_review_1920")
	w.Resize(fyne.NewSize(1280, 800))
	s.Show(ViewStatistics)
	shot("statistics_table")
	s.Show(ViewOrders)
	s.Wait()
	od := s.screens[ViewOrders].(*ordersScreen)
	od.list.Select(0)
	shot("orders_board")
	s.Show(ViewSettings)
	s.Wait()
	p := s.screens[ViewSettings].(*settingsScreen).replay
	p.fields[0].entry.SetText("30")
	p.onRun()
	s.Wait()
	p.box.Refresh()
	shot("rule_replay")
}
