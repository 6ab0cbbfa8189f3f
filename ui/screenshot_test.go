package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreenshots renders every main view, and the pages under them, with the
// demo district into PNG files in $POWERWATCH_SCREENSHOTS (`make screenshots`
// sets it to docs/screenshots). Without the variable it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("POWERWATCH_SCREENSHOTS")
	if dir == "" {
		t.Skip("set POWERWATCH_SCREENSHOTS to a folder to render the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.SetThemeMode(ThemeLight)
	shotOf := func(s *Shell, w fyne.Window, name string) {
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
	shot := func(name string) { t.Helper(); shotOf(s, w, name) }
	shootMap(t, shotOf)
	for _, v := range Views {
		s.Show(v)
		s.Wait()
		if v == ViewCurves {
			s.curve.rangeSel.SetSelectedIndex(2) // 7 days
		}
		shot(string(v))
	}
	s.Show(ViewTerminals)
	s.Wait()
	s.terms.open(s.terms.rows[0])
	shot("terminal_page")
	s.Show(ViewTerminals)
	s.Wait()
	s.terms.tabs.SelectIndex(1)
	shot("quarantine")
	s.Show(ViewEnterprises)
	s.Wait()
	p := s.ents.open(1)
	s.Wait()
	p.tabs.SelectIndex(2)
	shot("enterprise_diagram")
	p.tabs.SelectIndex(1)
	shot("enterprise_facilities")
	p.editEnterprise()
	shot("enterprise_edit")
	w.Canvas().Overlays().Top().Hide()
	s.Show(ViewCurves)
	s.Wait()
	s.curve.rangeSel.SetSelectedIndex(0) // today: the treatment stopped at 13:00
	s.Wait()
	s.Wait()
	s.SetThemeMode(ThemeDark)
	s.Show(ViewDashboard)
	shot("dashboard_dark")
	s.SetLanguage(English)
	s.SetThemeMode(ThemeLight)
	s.Show(ViewDashboard)
	shot("dashboard_en")
	s.SetLanguage(Chinese)
	// The office screens: 1366×768 less the taskbar, and 1920×1080.
	for _, sz := range []struct {
		name string
		size fyne.Size
	}{{"1366", FitWindow(fyne.NewSize(1366, 768), 1)}, {"1920", FitWindow(fyne.NewSize(1920, 1080), 1)}} {
		w.Resize(sz.size)
		for _, v := range []View{ViewDashboard, ViewAlarms, ViewSettings, ViewHelp} {
			s.Show(v)
			s.Wait()
			shot(string(v) + "_" + sz.name)
		}
	}
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1.5))
	s.Show(ViewAlarms)
	s.Wait()
	shot("alarms_1366_150")
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1))
	shootFileDialogs(t, s, w, shot)
	w.Resize(fyne.NewSize(1280, 800))
}

// shootFileDialogs renders the app's own file dialogs at 1366×768 over 统计:
// opening a spreadsheet to import, and saving over an existing export.
func shootFileDialogs(t *testing.T, s *Shell, w fyne.Window, shot func(string)) {
	t.Helper()
	// A home of the same name on every run, so the path bar (and the PNG)
	// does not change with the temporary folder's random name.
	home := filepath.Join(os.TempDir(), "powerwatch-shots", "zhang")
	if err := os.RemoveAll(home); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(home)) })
	t.Setenv("HOME", home)
	var err error
	for _, f := range []string{"Desktop/", "Downloads/", "Documents/2026年3月/", "Documents/管控/",
		"Documents/企业名录-2026.xlsx", "Documents/用电统计.xlsx", "Documents/报备汇总.csv", "Documents/说明.docx"} {
		p := filepath.Join(home, filepath.FromSlash(f))
		if strings.HasSuffix(f, "/") {
			err = os.MkdirAll(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte("x"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	s.app.Preferences().SetString(prefFileDir, "")
	s.Show(ViewStatistics)
	s.Wait()
	fd := s.openFileDialog(s.tr.T("fd.title.open"), []string{".xlsx", ".csv"}, func(string) {})
	fd.list.Select(fd.row(t, "企业名录-2026.xlsx"))
	shot("file_open_1366")
	fd.dlg.Hide()
	fd = s.saveFileDialog(s.tr.T("fd.title.save"), "用电统计.xlsx", func(string) {})
	fd.confirm()
	shot("file_overwrite_1366")
	for top := w.Canvas().Overlays().Top(); top != nil; top = w.Canvas().Overlays().Top() {
		w.Canvas().Overlays().Remove(top)
	}
}

// TestScreenshotFirstStart renders the dashboard of an empty database at
// 1366×768 (docs/screenshots/first_start.png).
func TestScreenshotFirstStart(t *testing.T) {
	dir := os.Getenv("POWERWATCH_SCREENSHOTS")
	if dir == "" {
		t.Skip("set POWERWATCH_SCREENSHOTS to a folder to render the screenshots")
	}
	d := demoDeps(&fakeStore{}, demoNow)
	s, w := mustShell(t, d)
	s.SetThemeMode(ThemeLight)
	w.Resize(FitWindow(fyne.NewSize(1366, 768), 1))
	s.Show(ViewDashboard)
	s.Wait()
	f, err := os.Create(filepath.Join(dir, "first_start.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
