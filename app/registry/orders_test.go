package registry_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"powerwatch/app/registry"
	"powerwatch/store"
)

const orderHeader = "企业名称,设施名称,类型,限产比例%,开始,结束,预警级别,备注"

func TestImportOrders(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if _, err := importCSV(t, db, goodRows...); err != nil {
		t.Fatal(err)
	}
	file := orderHeader + "\n" +
		"北京甲铸造有限公司,,停产,,2026-11-28T08:00,2026-11-30,红,重污染红色预警\n" +
		"北京甲铸造有限公司,1号熔炉|布袋除尘器,限产,30%,2026-11-28 08:00,2026-11-29 20:00,橙,\n" +
		"91110105MA00000002,,限产,50,2026-11-28,2026-11-28,黄色预警,按统一社会信用代码\n"
	imp := func() (store.ImportSummary, error) {
		return registry.ImportOrders(ctx, db, who, strings.NewReader(file), "orders.csv", false, registry.Limits{})
	}
	sum, err := imp()
	if err != nil || sum.Orders.Created != 3 {
		t.Fatalf("ImportOrders = %+v, %v", sum, err)
	}
	if sum, err := imp(); err != nil || sum.Changed() {
		t.Errorf("ImportOrders again = %+v, %v; want nothing changed", sum, err)
	}
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, store.Beijing)
	active, err := db.OrdersActiveAt(ctx, at)
	if err != nil || len(active) != 3 {
		t.Fatalf("OrdersActiveAt = %+v, %v", active, err)
	}
	// 结束 2026-11-30 (a date alone) includes the 30th; 开始 is read in Beijing time.
	byNote := map[string]store.Order{}
	for _, o := range active {
		byNote[o.Note] = o
	}
	whole := byNote["重污染红色预警"]
	if whole.Kind != store.Shutdown || whole.Level != store.Red ||
		!whole.Start.Equal(time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)) ||
		!whole.End.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)) || len(whole.FacilityIDs) != 0 {
		t.Errorf("whole-enterprise order = %+v", whole)
	}
	if cut := byNote[""]; cut.CutPercent != 30 || len(cut.FacilityIDs) != 2 {
		t.Errorf("cut order = %+v", cut)
	}
}

func TestImportOrdersRowErrors(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := importCSV(t, db, goodRows...); err != nil {
		t.Fatal(err)
	}
	file := orderHeader + "\n" +
		"北京丙公司,,停产,,2026-11-28,2026-11-30,红,\n" +
		"北京甲铸造有限公司,3号熔炉,限产,30,2026-11-28,2026-11-30,橙,\n" +
		"北京甲铸造有限公司,,限产,,2026-11-28,2026-11-30,紫,\n" +
		"北京甲铸造有限公司,,减产,,2026-11-30,2026-11-28,,\n" +
		"北京甲铸造有限公司,,停产,,28/11/2026,2026-11-30,,\n" +
		"北京甲铸造有限公司,,停产,,2026-11-28,2026-11-30,红,\n" +
		"北京甲铸造有限公司,,停产,,2026-11-28,2026-11-30,红,重复\n" +
		"北京甲铸造有限公司,,限产,100,2026-12-01,2026-12-02,红,\n" +
		"北京甲铸造有限公司,,限产,0,2026-12-03,2026-12-04,红,\n"
	_, err := registry.ImportOrders(t.Context(), db, who, strings.NewReader(file), "orders.csv", false, registry.Limits{})
	want := []string{
		`第 2 行 (row 2), 列 企业名称 (enterprise): "北京丙公司" 未登记，请先导入企业名录 (enterprise not registered)`,
		`第 3 行 (row 3), 列 设施名称 (facility): "3号熔炉" 不是企业 "北京甲铸造有限公司" 的设施 (unknown facility of this enterprise)`,
		`第 4 行 (row 4), 列 预警级别 (level): "紫" 应为 黄 / 橙 / 红 (level must be 黄, 橙 or 红)`,
		`第 4 行 (row 4), 列 限产比例% (cut_percent): 限产须填写限产比例 (a cut needs its percentage)`,
		`第 5 行 (row 5), 列 结束 (end): 结束时间不晚于开始时间 (ends before it starts)`,
		`第 5 行 (row 5), 列 类型 (kind): "减产" 应为 停产 或 限产 (kind must be 停产 or 限产)`,
		`第 6 行 (row 6), 列 开始 (start): "28/11/2026" 不是时间，应如 2026-11-28 或 2026-11-28 08:00 (not a time)`,
		`第 8 行 (row 8): 与第 7 行是同一指令 (same order as row 7)`,
		`第 9 行 (row 9), 列 限产比例% (cut_percent): ` + store.ValidCut(100).Error(),
		`第 10 行 (row 10), 列 限产比例% (cut_percent): ` + store.ValidCut(0).Error(),
	}
	var rerrs registry.RowErrors
	if !errors.As(err, &rerrs) {
		t.Fatalf("ImportOrders = %v, want RowErrors", err)
	}
	var got []string
	for _, e := range rerrs {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if os, _ := db.FindOrders(t.Context(), store.OrderFilter{}); len(os) != 0 {
		t.Errorf("a file with errors wrote %d orders", len(os))
	}
}

func TestImportFilings(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if _, err := importCSV(t, db, goodRows...); err != nil {
		t.Fatal(err)
	}
	file := "企业名称,设施名称,类型,开始,结束,备注\n" +
		"北京甲铸造有限公司,布袋除尘器,检修改造,2026-12-01 08:00,2026-12-01 17:00,更换滤袋\n" +
		"北京甲铸造有限公司,,停电,2026-12-02,2026-12-02,\n" +
		"北京甲铸造有限公司,,放假,2026-12-02,2026-12-02,\n"
	_, err := registry.ImportFilings(ctx, db, who, strings.NewReader(file), "filings.csv", false, registry.Limits{})
	if err == nil || !strings.Contains(err.Error(), `第 4 行 (row 4), 列 类型 (kind): "放假" 应为 计划停产 / 检修改造 / 停电 / 其他 (unknown filing kind)`) {
		t.Fatalf("ImportFilings(bad kind) = %v", err)
	}
	file = file[:strings.LastIndex(strings.TrimSuffix(file, "\n"), "\n")+1]
	for i, want := range []store.ImportCounts{{Created: 2}, {Unchanged: 2}} {
		sum, err := registry.ImportFilings(ctx, db, who, strings.NewReader(file), "filings.csv", false, registry.Limits{})
		if err != nil || sum.Filings != want {
			t.Errorf("ImportFilings #%d = %+v, %v; want %+v", i+1, sum.Filings, err, want)
		}
	}
	fs, _ := db.FindFacilities(ctx, store.FacilityFilter{Name: "布袋除尘器"})
	got, err := db.FilingsFor(ctx, fs[0].ID, time.Date(2026, 12, 1, 9, 0, 0, 0, store.Beijing), time.Date(2026, 12, 1, 10, 0, 0, 0, store.Beijing))
	if err != nil || len(got) != 1 || got[0].Kind != store.Renovation || got[0].Note != "更换滤袋" {
		t.Errorf("FilingsFor = %+v, %v", got, err)
	}
}

// Excel on a Chinese Windows saves "CSV" in GB18030; English headers and
// bracketed units are accepted as well.
func TestImportRegistryGB18030AndAliases(t *testing.T) {
	db := MustOpenDB(t)
	text := "district,enterprise,uscc,industry,facility,kind,额定功率(kW),treated_by,mn,pw,power_code,current_code,voltage_code,energy_code,stop_kw,run_kw,outlet,installed,序号\n" +
		"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,1号熔炉,production,200,布袋除尘器（备）,010000a8900016f000169dc0,123456,e10101,,,,10,40,,2026/3/1,1\n" +
		"朝阳区,北京甲铸造有限公司,91110105MA00000001,铸造,布袋除尘器,treatment,55,,010000A8900016F000169DC0,123456,e10102,,,,,,DA001,2026/3/1,2\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(gb), "reg.CSV", false, registry.Limits{})
	if err != nil || sum.Points.Created != 2 || sum.Terminals.Created != 1 {
		t.Fatalf("import GB18030 = %+v, %v", sum, err)
	}
	fs, _ := db.FindFacilities(t.Context(), store.FacilityFilter{Name: "1号熔炉"})
	ls, _ := db.LinksByProduction(t.Context(), fs[0].ID)
	if len(ls) != 1 || ls[0].Role != store.Standby {
		t.Errorf("links = %+v, want one standby link", ls)
	}
	if _, err := db.TerminalByMN(t.Context(), "010000A8900016F000169DC0"); err != nil {
		t.Errorf("MN typed in lower case not stored in upper case: %v", err)
	}
}

// TestImportOrderExemptions: 豁免设施 names the facilities an order lets run;
// an unknown name is a row error; importing again changes nothing.
func TestImportOrderExemptions(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if _, err := importCSV(t, db, goodRows...); err != nil {
		t.Fatal(err)
	}
	file := orderHeader + ",豁免设施\n" + "北京甲铸造有限公司,,停产,,2026-11-28,2026-11-30,红,,1号熔炉\n"
	imp := func(f string) (store.ImportSummary, error) {
		return registry.ImportOrders(ctx, db, who, strings.NewReader(f), "orders.csv", false, registry.Limits{})
	}
	if sum, err := imp(file); err != nil || sum.Orders.Created != 1 {
		t.Fatalf("ImportOrders = %+v, %v", sum, err)
	}
	if sum, err := imp(file); err != nil || sum.Changed() {
		t.Errorf("again = %+v, %v; want nothing changed", sum, err)
	}
	os, err := db.FindOrders(ctx, store.OrderFilter{})
	if err != nil || len(os) != 1 || len(os[0].ExemptIDs) != 1 {
		t.Fatalf("orders = %+v, %v; want one exemption", os, err)
	}
	_, err = imp(orderHeader + ",豁免设施\n" + "北京甲铸造有限公司,,停产,,2026-11-28,2026-11-30,红,,窑尾风机\n")
	if err == nil || !strings.Contains(err.Error(), `列 豁免设施 (exempt): "窑尾风机" 不是企业`) {
		t.Errorf("unknown exempted facility: %v", err)
	}
}
