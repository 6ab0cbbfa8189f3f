package registry

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"powerwatch/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite assets/example_registry.xlsx and .csv")

// exampleRows fill the example registry shipped in assets/: a foundry whose
// furnace is treated by a bag filter with a standby one, a coating plant whose
// two lines share one RTO, a printer on one integrated circuit,
// the foundry's total supply, and a treatment unit whose thresholds are
// derived from its rated power (停产/运行限值 left empty). The coating plant's
// second line was metered later than the other points of its terminal (安装日期
// per point); the enterprises accepted (投运/验收日期) after the installation
// are judged from that date, the printer from its installation. Each row
// carries its enterprise's position (WGS-84), in 朝阳区.
var exampleRows = [][]any{
	{"朝阳区", "北京金铸精密铸造有限公司", "91110105MA01ABCD1X", "铸造", "1号中频炉", "生产", 800.0, "1号布袋除尘器|2号布袋除尘器(备)", "0100008A0001000000000001", "123456", "e10101", "e10201", "e10301", "e10401", 40.0, 160.0, "", "2026-03-01", "2026-03-05", 116.553402, 39.902881},
	{"朝阳区", "北京金铸精密铸造有限公司", "91110105MA01ABCD1X", "铸造", "1号布袋除尘器", "治理", 75.0, "", "0100008A0001000000000001", "123456", "e10102", "e10202", "", "e10402", 3.0, 15.0, "DA001", "2026-03-01", "2026-03-05", 116.553402, 39.902881},
	{"朝阳区", "北京金铸精密铸造有限公司", "91110105MA01ABCD1X", "铸造", "2号布袋除尘器", "治理", 75.0, "", "0100008A0001000000000001", "123456", "e10103", "", "", "e10403", "", "", "DA001", "2026-03-01", "2026-03-05", 116.553402, 39.902881},
	{"朝阳区", "北京金铸精密铸造有限公司", "91110105MA01ABCD1X", "铸造", "厂区总用电", "总用电", 1250.0, "", "0100008A0001000000000002", "123456", "e10101", "", "", "e10401", "", "", "", "2026-03-01", "", 116.553402, 39.902881},
	{"朝阳区", "北京华彩涂装有限公司", "91110105MA01EFGH2Y", "金属表面处理及热处理加工", "喷涂线A", "生产", 220.0, "RTO焚烧炉", "0100008A0001000000000003", "654321", "e10101", "e10201", "", "e10401", 11.0, 44.0, "", "2026-04-15", "2026-04-25", 116.498625, 39.963817},
	{"朝阳区", "北京华彩涂装有限公司", "91110105MA01EFGH2Y", "金属表面处理及热处理加工", "烘干线B", "生产", 150.0, "RTO焚烧炉", "0100008A0001000000000003", "654321", "e10102", "", "", "e10402", 7.5, 30.0, "", "2026-04-20", "2026-04-25", 116.498625, 39.963817},
	{"朝阳区", "北京华彩涂装有限公司", "91110105MA01EFGH2Y", "金属表面处理及热处理加工", "RTO焚烧炉", "治理", 90.0, "", "0100008A0001000000000003", "654321", "e10103", "e10203", "", "e10403", 4.5, 18.0, "DA002", "2026-04-15", "2026-04-25", 116.498625, 39.963817},
	{"朝阳区", "北京墨香印刷有限公司", "91110105MA01IJKL3Z", "包装装潢及其他印刷", "凹版印刷机（产治一体）", "产治一体", 110.0, "", "0100008A0001000000000004", "112233", "e10101", "e10201", "e10301", "e10401", 5.5, 22.0, "DA003", "2026-05-20", "", 116.470193, 39.986420},
}

// TestExampleFile checks that the shipped example imports cleanly into an
// empty database, twice without change. With -update it writes the files.
func TestExampleFile(t *testing.T) {
	dir := filepath.Join("..", "..", "assets")
	for _, name := range []string{"example_registry.xlsx", "example_registry.csv"} {
		path := filepath.Join(dir, name)
		if *update {
			var b bytes.Buffer
			if err := writeTable(&b, name, "监测点", headerRow(registryColumns), exampleRows); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./app/registry -run TestExampleFile -update)", err)
		}
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "example.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for i, wantChange := range []bool{true, false} {
			sum, err := ImportRegistry(t.Context(), db, "test", bytes.NewReader(body), name, false, Limits{})
			if err != nil {
				t.Fatalf("%s import #%d: %v", name, i+1, err)
			}
			if sum.Changed() != wantChange {
				t.Errorf("%s import #%d changed = %v, want %v:\n%s", name, i+1, sum.Changed(), wantChange, sum)
			}
			if i == 0 && (sum.Points.Created != len(exampleRows) || sum.Links.Created != 4) {
				t.Errorf("%s: %s", name, sum)
			}
		}
	}
}
