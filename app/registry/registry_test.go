package registry_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"powerwatch/app/registry"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const who = "test"

// MustOpenDB returns an empty, migrated database in a temporary directory.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

const header = "区,企业名称,统一社会信用代码,行业,设施名称,设施类型,额定功率kW,关联治理设施,MN,密码,功率因子,电流因子,电压因子,电量因子,停产限值kW,运行限值kW,排口,安装日期"

// goodRows is a valid registry: a foundry with a furnace treated by a bag
// filter (and a standby one), and a printer with an integrated line.
var goodRows = []string{
	"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,1号熔炉,生产,200,布袋除尘器|备用除尘器(备),010000A8900016F000169DC0,123456,e10101,e10201,e10301,e10401,10,40,,2026-03-01",
	"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,布袋除尘器,治理,55,,010000A8900016F000169DC0,123456,e10102,,,e10402,,,DA001,2026-03-01",
	"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,备用除尘器,治理,30,,010000A8900016F000169DC0,123456,e10103,,,,,,DA001,2026-03-01",
	"朝阳区,北京乙印刷有限公司,91110105MA00000002,印刷,印刷线,产治一体,80,,010000A8900016F000169DC1,654321,e10101,,,,4,16,DA002,2026-04-15",
}

func csvFile(rows ...string) *bytes.Reader {
	return bytes.NewReader([]byte(header + "\n" + strings.Join(rows, "\n") + "\n"))
}

func importCSV(t *testing.T, db *sqlite.DB, rows ...string) (store.ImportSummary, error) {
	t.Helper()
	return registry.ImportRegistry(t.Context(), db, who, csvFile(rows...), "reg.csv", false, registry.Limits{})
}

func TestImportRegistry(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	sum, err := registry.ImportRegistry(ctx, db, who, csvFile(goodRows...), "reg.csv", true, registry.Limits{})
	if err != nil || !sum.DryRun || sum.Points.Created != 4 {
		t.Fatalf("dry run = %+v, %v", sum, err)
	}
	if es, _ := db.FindEnterprises(ctx, store.EnterpriseFilter{}); len(es) != 0 {
		t.Fatalf("dry run wrote %d enterprises", len(es))
	}
	sum, err = importCSV(t, db, goodRows...)
	if err != nil {
		t.Fatal(err)
	}
	want := store.ImportSummary{
		Regions: store.ImportCounts{Created: 1}, Industries: store.ImportCounts{Created: 2},
		Enterprises: store.ImportCounts{Created: 2}, Facilities: store.ImportCounts{Created: 4},
		Links: store.ImportCounts{Created: 2}, Terminals: store.ImportCounts{Created: 2},
		Points: store.ImportCounts{Created: 4}, Thresholds: store.ImportCounts{Created: 4},
	}
	if sum != want {
		t.Errorf("first import = %+v\nwant %+v", sum, want)
	}
	// The treatment units had no thresholds: derived from rated power.
	fs, _ := db.FindFacilities(ctx, store.FacilityFilter{Name: "布袋除尘器"})
	th, err := db.ThresholdAt(ctx, fs[0].ID, db.Now())
	if err != nil || !th.Derived || th.Stop != 55*store.DefaultStopShare || th.Run != 55*store.DefaultRunShare {
		t.Errorf("derived threshold = %+v, %v; want 5 %% / 20 %% of 55 kW, marked derived", th, err)
	}
	ps, err := db.PointsByMN(ctx, "010000A8900016F000169DC0")
	if err != nil || len(ps) != 3 || ps[0].VoltageCode != "e10301" {
		t.Errorf("PointsByMN = %+v, %v", ps, err)
	}
	sum, err = importCSV(t, db, goodRows...)
	if err != nil || sum.Changed() {
		t.Errorf("re-import = %+v, %v; want nothing changed", sum, err)
	}
}

func TestImportRegistryRowErrors(t *testing.T) {
	tests := []struct {
		name string
		rows []string // replace goodRows
		want []string // every error, exactly
	}{
		{"MN not 24 hex", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A89000,1,e1,,,,,,,",
		}, []string{`第 2 行 (row 2), 列 MN (mn): "010000A89000" 不是 24 位十六进制字符 (MN must be 24 hex characters, has 12)`}},
		{"unknown kind and bad number", []string{
			"朝阳区,丙公司,,铸造,窑,锅炉,一百,,010000A8900016F000169DC9,1,e1,,,,1,2,,",
		}, []string{
			`第 2 行 (row 2), 列 设施类型 (kind): 未知类型 "锅炉"，应为 生产 / 治理 / 产治一体 / 总用电 / 间接用电 (unknown kind)`,
			`第 2 行 (row 2), 列 额定功率kW (rated_kw): "一百" 不是数字 (not a number)`,
		}},
		{"unknown treatment facility", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,湿法脱硫,010000A8900016F000169DC9,1,e1,,,,1,2,,",
		}, []string{`第 2 行 (row 2), 列 关联治理设施 (treated_by): "湿法脱硫" 不是本企业的设施 (unknown facility of this enterprise)`}},
		{"treated by a production facility", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,窑2,010000A8900016F000169DC9,1,e1,,,,1,2,,",
			"朝阳区,丙公司,,铸造,窑2,生产,100,,010000A8900016F000169DC9,1,e2,,,,1,2,,",
		}, []string{`第 2 行 (row 2), 列 关联治理设施 (treated_by): "窑2" 是生产设施，不是治理设施 (not a treatment facility)`}},
		{"duplicate MN+code", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,",
			"朝阳区,丙公司,,铸造,窑2,生产,100,,010000A8900016F000169DC9,1,e3,e1,,,1,2,,",
		}, []string{`第 3 行 (row 3), 列 电流因子 (current_code): MN+因子 010000A8900016F000169DC9/e1 与第 2 行重复 (duplicate MN+code, also row 2)`}},
		{"no thresholds and no rated power", []string{
			"朝阳区,丙公司,,铸造,窑,生产,,,010000A8900016F000169DC9,1,e1,,,,,,,",
		}, []string{`第 2 行 (row 2), 列 停产限值kW (stop_kw): 缺少停产限值和运行限值，也没有额定功率可推算 (no thresholds and no rated power to derive them)`}},
		{"one threshold only, stop above run", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,5,,,",
			"朝阳区,丙公司,,铸造,窑2,生产,100,,010000A8900016F000169DC9,1,e2,,,,50,5,,",
		}, []string{
			`第 2 行 (row 2), 列 运行限值kW (run_kw): 填写了停产限值时也要填写运行限值 (give both thresholds or neither)`,
			`第 3 行 (row 3), 列 停产限值kW (stop_kw): 停产限值 50 应小于运行限值 5 且不小于 0 (want 0 ≤ stop < run)`,
		}},
		{"stop equal to run: no band between them (store.Threshold.Validate)", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,5,5,,",
		}, []string{`第 2 行 (row 2), 列 停产限值kW (stop_kw): 停产限值 5 应小于运行限值 5 且不小于 0 (want 0 ≤ stop < run)`}},
		{"missing required cells and codes", []string{
			"朝阳区,,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,,,,,1,2,,",
		}, []string{
			`第 2 行 (row 2), 列 企业名称 (enterprise): 不能为空 (required)`,
			`第 2 行 (row 2), 列 功率因子 (power_code): 功率因子和电流因子至少填写一个 (power_code or current_code required)`,
		}},
		{"facility rows disagree, bad date", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,",
			"朝阳区,丙公司,,铸造,窑,治理,100,,010000A8900016F000169DC9,1,e2,,,,1,2,,",
			"朝阳区,丙公司,,铸造,窑3,生产,100,,010000A8900016F000169DC9,1,e3,,,,1,2,,2026-02-30",
		}, []string{
			`第 3 行 (row 3), 列 设施类型 (kind): 与第 2 行不一致: 治理 ≠ 生产 (disagrees with row 2)`,
			`第 4 行 (row 4), 列 安装日期 (installed): "2026-02-30" 不是日期，应如 2026-03-01 (not a date)`,
		}},
		{"one MN for two enterprises", []string{
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e1,,,,1,2,,",
			"朝阳区,丁公司,,铸造,窑,生产,100,,010000A8900016F000169DC9,1,e2,,,,1,2,,",
		}, []string{`第 3 行 (row 3), 列 MN (mn): MN 已用于第 2 行的企业 "丙公司" (one terminal belongs to one enterprise)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			_, err := importCSV(t, db, tt.rows...)
			var rerrs registry.RowErrors
			if !errors.As(err, &rerrs) {
				t.Fatalf("import = %v, want RowErrors", err)
			}
			var got []string
			for _, e := range rerrs {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if es, _ := db.FindEnterprises(t.Context(), store.EnterpriseFilter{}); len(es) != 0 {
				t.Errorf("a file with errors wrote %d enterprises", len(es))
			}
		})
	}
}

func TestImportRegistryAgainstStore(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := importCSV(t, db, goodRows...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"code of a stored point of another facility",
			"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,2号熔炉,生产,200,,010000A8900016F000169DC0,123456,e10102,,,,10,40,,",
			`第 2 行 (row 2), 列 功率因子 (power_code): MN+因子 010000A8900016F000169DC0/e10102 在库中属于设施 "布袋除尘器" 的监测点 (stored point of another facility)`},
		{"MN of another enterprise",
			"朝阳区,丙公司,,铸造,窑,生产,100,,010000A8900016F000169DC1,1,e9,,,,1,2,,",
			`第 2 行 (row 2), 列 MN (mn): MN 已登记在企业 "北京乙印刷有限公司" 名下 (terminal registered to another enterprise)`},
		{"treated by a stored facility is fine, by a stored production one is not",
			"朝阳区,北京甲铸造有限公司,,铸造,2号熔炉,生产,200,1号熔炉,,,,,,,10,40,,",
			`第 2 行 (row 2), 列 关联治理设施 (treated_by): "1号熔炉" 是生产设施，不是治理设施 (not a treatment facility)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importCSV(t, db, tt.row)
			if err == nil || err.Error() != "1 处错误，未导入任何数据 (1 errors, nothing imported):\n  "+tt.want {
				t.Errorf("import = %v\nwant %s", err, tt.want)
			}
		})
	}
	// A facility without a point, treated-by a stored treatment unit: accepted.
	sum, err := importCSV(t, db, "朝阳区,北京甲铸造有限公司,,铸造,2号熔炉,生产,200,布袋除尘器,,,,,,,10,40,,")
	if err != nil || sum.Facilities.Created != 1 || sum.Links.Created != 1 || sum.Points.Created != 0 {
		t.Errorf("facility-only row = %+v, %v", sum, err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			a := MustOpenDB(t)
			if _, err := importCSV(t, a, goodRows...); err != nil {
				t.Fatal(err)
			}
			var exported bytes.Buffer
			if err := registry.ExportRegistry(t.Context(), a, &exported, "out."+format); err != nil {
				t.Fatal(err)
			}
			// Re-importing the export into the same database changes nothing.
			sum, err := registry.ImportRegistry(t.Context(), a, who, bytes.NewReader(exported.Bytes()), "out."+format, false, registry.Limits{})
			if err != nil || sum.Changed() {
				t.Fatalf("re-import of export = %+v, %v; want nothing changed", sum, err)
			}
			// Importing it into an empty database rebuilds the same registry.
			b := MustOpenDB(t)
			if _, err := registry.ImportRegistry(t.Context(), b, who, bytes.NewReader(exported.Bytes()), "out."+format, false, registry.Limits{}); err != nil {
				t.Fatal(err)
			}
			var fromA, fromB bytes.Buffer
			registry.ExportRegistry(t.Context(), a, &fromA, "a.csv")
			registry.ExportRegistry(t.Context(), b, &fromB, "b.csv")
			if fromA.String() != fromB.String() {
				t.Errorf("export after round trip differs:\n%s\nwant:\n%s", fromB.String(), fromA.String())
			}
			if !strings.Contains(fromA.String(), "布袋除尘器|备用除尘器(备)") || !strings.HasPrefix(fromA.String(), "\ufeff区,企业名称") {
				t.Errorf("export lacks the Chinese header or the standby mark:\n%s", fromA.String())
			}
		})
	}
}

// TestImport2005MN: a 14-character HJ/T 212-2005 MN is registered, with a
// warning in the summary; other lengths stay refused (TestImportRegistryRowErrors).
func TestImport2005MN(t *testing.T) {
	db := MustOpenDB(t)
	sum, err := importCSV(t, db, "朝阳区,丙公司,,铸造,窑,生产,100,,8800000A000012,1,e1,,,,,,,")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Terminals.Created != 1 || !strings.Contains(sum.Warnings, "8800000A000012") || !strings.Contains(sum.String(), "2005") {
		t.Errorf("summary = %+v, want the terminal created and a warning naming its 2005 MN", sum)
	}
	if _, err := db.TerminalByMN(t.Context(), "8800000A000012"); err != nil {
		t.Errorf("terminal with the 2005 MN: %v", err)
	}
}

// TestRoundTripFormulaNames: names a spreadsheet would read as formulas are
// exported with an apostrophe and come back unchanged on import.
func TestRoundTripFormulaNames(t *testing.T) {
	db := MustOpenDB(t)
	rows := []string{
		`朝阳区,"=cmd|' /C calc'!A0",91110105MA00000003,铸造,-熔炉,生产,200,,010000A8900016F000169DC2,123456,e10101,,,,10,40,,2026-03-01`,
	}
	if _, err := importCSV(t, db, rows...); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := registry.ExportRegistry(t.Context(), db, &out, "out.csv"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `'=cmd|' /C calc'!A0`) || !strings.Contains(out.String(), ",'-熔炉,") {
		t.Fatalf("export does not escape the names:\n%s", out.String())
	}
	sum, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(out.Bytes()), "out.csv", false, registry.Limits{})
	if err != nil || sum.Changed() {
		t.Errorf("re-import of the escaped export = %+v, %v; want nothing changed", sum, err)
	}
}
