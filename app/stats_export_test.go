package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"powerwatch/app/gen"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// TestStatisticsSheetSameEverywhere: the spreadsheet 统计 exports and the
// one `export stats --format xlsx` writes for the same query are the same
// file, byte for byte — with and without the 昼夜对比 sheet, per day and
// per month, by enterprise and by region.
func TestStatisticsSheetSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	if _, err := gen.Generate(t.Context(), db, gen.Config{Points: 10, Days: 9, End: end, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	m := service.NewMain()
	m.Config.DB, m.DB = path, db
	d := benchDeps(m)
	d.Now = func() time.Time { return end.Add(-time.Minute) }
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("统计")
	w.Resize(fyne.NewSize(1366, 768))
	shell, err := ui.New(a, w, d)
	if err != nil {
		t.Fatal(err)
	}
	defer shell.Close()
	w.Show()
	shell.Wait()
	p := shell.Probe()
	p.Show(ui.ViewStatistics)
	shell.Wait()
	from, to := end.AddDate(0, 0, -8), end.AddDate(0, 0, -1)
	for _, tc := range []struct {
		by       store.StatsBy
		period   store.Period
		dayNight bool
	}{
		{store.ByEnterprise, store.Day, false},
		{store.ByEnterprise, store.Month, false},
		{store.ByRegion, store.Day, false},
		{store.ByEnterprise, store.Day, true},
	} {
		name := string(tc.by) + "-" + string(tc.period)
		if tc.dayNight {
			name += "-daynight"
		}
		t.Run(name, func(t *testing.T) {
			p.Statistics(tc.by, tc.period) // a new period may set its own range
			shell.Wait()
			p.StatisticsRange(from, to)
			p.Statistics(tc.by, tc.period)
			shell.Wait()
			if tc.dayNight {
				p.DayNight()
				shell.Wait()
			}
			if p.StatRows() == 0 {
				t.Fatal("统计 shows no row")
			}
			screen := filepath.Join(dir, name+"-screen.xlsx")
			if err := p.ExportStatistics(screen); err != nil {
				t.Fatal(err)
			}
			cli := filepath.Join(dir, name+"-cli.xlsx")
			args := []string{"export", "stats", "--db", path, "--by", string(tc.by), "--period", string(tc.period),
				"--from", from.Format(time.DateOnly), "--to", to.Format(time.DateOnly), "--format", "xlsx", "--out", cli}
			if tc.dayNight {
				args = append(args, "--daynight")
			}
			if code, _, stderr := runCLI(t, args...); code != 0 {
				t.Fatalf("export stats: exit %d: %s", code, stderr)
			}
			a, errA := os.ReadFile(screen)
			b, errB := os.ReadFile(cli)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("统计's spreadsheet (%d bytes) and export stats' (%d bytes) differ", len(a), len(b))
			}
		})
	}
}
