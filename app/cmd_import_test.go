package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testRegistryCSV = `区,企业名称,统一社会信用代码,行业,设施名称,设施类型,额定功率kW,关联治理设施,MN,密码,功率因子,电流因子,电压因子,电量因子,停产限值kW,运行限值kW,排口,安装日期
朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,1号熔炉,生产,200,布袋除尘器,010000A8900016F000169DC0,123456,e10101,e10201,,,10,40,,2026-03-01
朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,布袋除尘器,治理,55,,010000A8900016F000169DC0,123456,e10102,,,,,,DA001,2026-03-01
`

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{ctx: t.Context(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	code = dispatch(e, args)
	return code, out.String(), errb.String()
}

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	reg := write("reg.csv", testRegistryCSV)
	bad := write("bad.csv", strings.Replace(testRegistryCSV, "010000A8900016F000169DC0,123456,e10102", "XYZ,123456,e10102", 1))
	orders := write("orders.csv", "企业名称,设施名称,类型,限产比例%,开始,结束,预警级别,备注\n"+
		"北京甲铸造有限公司,1号熔炉,限产,30,2026-11-28 08:00,2026-11-30,橙,\n")
	filings := write("filings.csv", "企业名称,设施名称,类型,开始,结束,备注\n北京甲铸造有限公司,,停电,2026-12-01,2026-12-01,线路检修\n")
	out := filepath.Join(dir, "out.xlsx")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout (code 0) or stderr
	}{
		{"no file is a usage error", []string{"import", "registry", "--db", db}, 2, "want one file"},
		{"unknown format", []string{"import", "registry", write("reg.txt", "x"), "--db", db}, 1, "want .xlsx or .csv"},
		{"missing file", []string{"import", "registry", filepath.Join(dir, "none.csv"), "--db", db}, 1, "no such file"},
		{"dry run", []string{"import", "registry", reg, "--db", db, "--dry-run"}, 0, "dry run"},
		{"bad row fails, names row and column", []string{"import", "registry", bad, "--db", db}, 1, "第 3 行 (row 3), 列 MN (mn)"},
		{"import", []string{"import", "registry", "--db", db, reg}, 0, "监测点 points: 新增 created 2,"},
		{"import again changes nothing", []string{"import", "registry", reg, "--db", db}, 0, "nothing changed"},
		{"orders", []string{"import", "orders", orders, "--db", db}, 0, "管控指令 orders: 新增 created 1,"},
		{"filings", []string{"import", "filings", filings, "--db", db}, 0, "报备 filings: 新增 created 1,"},
		{"export needs --out", []string{"export", "registry", "--db", db}, 2, "want --out"},
		{"export", []string{"export", "registry", "--db", db, "--out", out}, 0, ""},
		{"import the export changes nothing", []string{"import", "registry", out, "--db", db}, 0, "nothing changed"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		got := stdout
		if tt.wantCode != 0 {
			got = stderr
		}
		if code != tt.wantCode || !strings.Contains(got, tt.wantOut) {
			t.Errorf("%s: powerwatch %s = %d\nstdout: %s\nstderr: %s\nwant %d and %q", tt.name,
				strings.Join(tt.args, " "), code, stdout, stderr, tt.wantCode, tt.wantOut)
		}
	}
}
