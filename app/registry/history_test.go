package registry_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"powerwatch/app/registry"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// historyHeader is the template with the 投运日期 column (issue 14).
const historyHeader = header + ",投运日期"

// historyRows: one terminal whose furnace meter was installed on 1 March and
// whose filter meter was added on 10 March; the furnace was accepted (验收)
// on 5 March, the filter has no date of its own.
var historyRows = []string{
	"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,1号熔炉,生产,200,布袋除尘器,010000A8900016F000169DC0,123456,e10101,,,,10,40,,2026-03-01,2026-03-05",
	"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,布袋除尘器,治理,55,,010000A8900016F000169DC0,123456,e10102,,,,,,DA001,2026-03-10 14:30,",
}

func importHistoryCSV(t *testing.T, db *sqlite.DB, rows ...string) (store.ImportSummary, error) {
	t.Helper()
	f := bytes.NewReader([]byte(historyHeader + "\n" + strings.Join(rows, "\n") + "\n"))
	return registry.ImportRegistry(t.Context(), db, who, f, "reg.csv", false, registry.Limits{})
}

func beijing(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, store.Beijing)
}

// TestImportPointInstallDates: points of one terminal with different
// installation dates import (they used to be refused as disagreeing rows),
// each keeps its own date, the terminal's is its earliest point's, and each
// facility's first threshold is in force from its points' installation date,
// not from the import.
func TestImportPointInstallDates(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := importHistoryCSV(t, db, historyRows...); err != nil {
		t.Fatalf("import: %v", err)
	}
	reg, err := db.LoadRegistry(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"1号熔炉": beijing(2026, 3, 1, 0, 0), "布袋除尘器": beijing(2026, 3, 10, 14, 30)}
	wantCommissioned := map[string]time.Time{"1号熔炉": beijing(2026, 3, 5, 0, 0), "布袋除尘器": {}}
	for _, f := range reg.Facilities {
		ps := reg.PointsOf(f.ID)
		if len(ps) != 1 || !ps[0].InstalledAt.Equal(want[f.Name]) {
			t.Errorf("%s: points %+v, want one installed %v", f.Name, ps, want[f.Name])
		}
		if !f.CommissionedAt.Equal(wantCommissioned[f.Name]) {
			t.Errorf("%s: commissioned %v, want %v", f.Name, f.CommissionedAt, wantCommissioned[f.Name])
		}
		hist := reg.ThresholdsOf(f.ID)
		if len(hist) != 1 || !hist[0].EffectiveFrom.Equal(want[f.Name]) {
			t.Errorf("%s: thresholds %+v, want one in force from %v", f.Name, hist, want[f.Name])
		}
	}
	term, _ := reg.Terminal("010000A8900016F000169DC0")
	if !term.InstalledAt.Equal(want["1号熔炉"]) {
		t.Errorf("terminal installed %v, want its first point's %v", term.InstalledAt, want["1号熔炉"])
	}

	// A later edit of a threshold is in force from the edit, the first one kept.
	edited := strings.Replace(historyRows[0], ",10,40,", ",12,45,", 1)
	if _, err := importHistoryCSV(t, db, edited, historyRows[1]); err != nil {
		t.Fatalf("re-import with new thresholds: %v", err)
	}
	reg, _ = db.LoadRegistry(t.Context())
	hist := reg.ThresholdsOf(reg.Facilities[0].ID) // 1号熔炉, the first row's

	if len(hist) != 2 || !hist[0].EffectiveFrom.Equal(want["1号熔炉"]) || hist[0].Stop != 10 ||
		hist[1].Stop != 12 || time.Since(hist[1].EffectiveFrom) > time.Hour {
		t.Errorf("after the edit: %+v, want the first from the installation and the edit from now", hist)
	}
}

// TestImportRegistryBadDates: bad 安装日期 and 投运日期 cells are reported with
// their row and column, and nothing is written.
func TestImportRegistryBadDates(t *testing.T) {
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"installed not a date",
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,2026-13-01,",
			`第 2 行 (row 2), 列 安装日期 (installed): "2026-13-01" 不是日期，应如 2026-03-01 (not a date)`},
		{"commissioned not a date",
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,2026-03-01,去年",
			`第 2 行 (row 2), 列 投运日期 (commissioned): "去年" 不是日期，应如 2026-03-01 (not a date)`},
		{"implausible year",
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,1900-01-01,",
			`第 2 行 (row 2), 列 安装日期 (installed): "1900-01-01" 年份不合理，应在 1990–2100 之间 (implausible year)`},
		{"rows of one facility disagree on commissioning",
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,2026-03-01,2026-03-02\n" +
				"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e2,,,,1,2,,2026-03-01,2026-03-03",
			`第 3 行 (row 3), 列 投运日期 (commissioned): 与第 2 行不一致: 2026-03-03 00:00:00 +0800 CST ≠ 2026-03-02 00:00:00 +0800 CST (disagrees with row 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			_, err := importHistoryCSV(t, db, tt.row)
			var rerrs registry.RowErrors
			if !errors.As(err, &rerrs) || len(rerrs) != 1 || rerrs[0].Error() != tt.want {
				t.Fatalf("import = %v\nwant %s", err, tt.want)
			}
			if es, _ := db.FindEnterprises(t.Context(), store.EnterpriseFilter{}); len(es) != 0 {
				t.Errorf("a file with errors wrote %d enterprises", len(es))
			}
		})
	}
}

// TestExportDates: the export writes each point's own installation date and
// the facility's commissioning date, and re-importing it changes nothing.
func TestExportDates(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := importHistoryCSV(t, db, historyRows...); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := registry.ExportRegistry(t.Context(), db, &out, "out.csv"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{",安装日期,投运日期", ",2026-03-01,2026-03-05", ",DA001,2026-03-10 14:30,"} {
		if !strings.Contains(text, want) {
			t.Errorf("export lacks %q:\n%s", want, text)
		}
	}
	sum, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(out.Bytes()), "out.csv", false, registry.Limits{})
	if err != nil || sum.Changed() {
		t.Errorf("re-import of the export = %+v, %v; want nothing changed", sum, err)
	}
}
