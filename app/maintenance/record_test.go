package maintenance_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/xuri/excelize/v2"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

func sampleRecord(t *testing.T, fsys afero.Fs, files string) maintenance.RecordDoc {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, 15, color.RGBA{200, 0, 0, 255})
	}
	png.Encode(&buf, img)
	photo, err := maintenance.SavePhoto(fsys, files, bj("2026-11-20 10:00"), `C:\相机\电表箱.png`, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return maintenance.RecordDoc{
		Enterprise: "北京某某铸造有限公司", Point: "1号熔炉进线", Task: "2026-10 月传输率 51.6 % < 90 %",
		Record: store.MaintenanceRecord{
			ID: 17, Kind: store.TaskTransmission, Date: bj("2026-11-20 10:00"), People: "王工, 李工",
			EnterpriseID: 1, PointID: 2,
			Checks: []store.Check{
				{Item: store.CheckCommunication, Result: store.CheckFault, Note: "SIM 卡欠费停机"},
				{Item: store.CheckData, Result: store.CheckOK},
				{Item: store.CheckGrounding, Result: store.CheckNotApply},
			},
			OnOff: []store.OnOffTest{
				{Facility: "1号熔炉", Off: store.CheckOK, On: store.CheckOK},
				{Facility: "布袋除尘器", Off: store.CheckOK, On: store.CheckFault, Note: "上电后 8 分钟才有数据"},
			},
			Problems: "数采仪 SIM 卡欠费，10 月 17 日起无数据。",
			Actions:  "充值并更换为年卡；补传 10 月 17 日以来数据。",
			Photos:   []string{photo, "maintenance/missing.jpg"},
			SignedBy: "张三", SignedAt: bj("2026-11-20 16:00"),
		},
	}
}

func TestRecordPDFHasTheFormsFields(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (Debian poppler-utils) not installed")
	}
	fsys := afero.NewMemMapFs()
	doc := sampleRecord(t, fsys, "/files")
	var buf bytes.Buffer
	if err := maintenance.WriteRecordPDF(&buf, doc, fsys, "/files", true); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "record.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-layout", p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"运行维护记录表", "记录编号", "17", "日期", "2026-11-20", "运维人员", "王工, 李工",
		"企业名称", "北京某某铸造有限公司", "监测点位", "1号熔炉进线",
		"通讯状态", "SIM 卡欠费停机", "数据采集", "设备位置", "产治排关系", "供电线路", "接地线路", "不适用", "未检",
		"停上电试验", "布袋除尘器", "上电后 8 分钟才有数据",
		"发现问题", "10 月 17 日起无数据", "处理措施", "更换为年卡",
		"签字", "张三", "2026-11-20", "现场照片", "电表箱.png", "missing.jpg",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", text)
	}
}

func TestRecordsExcelReadsBackEqual(t *testing.T) {
	fsys := afero.NewMemMapFs()
	doc := sampleRecord(t, fsys, "/files")
	var buf bytes.Buffer
	if err := maintenance.WriteRecordsXLSX(&buf, []maintenance.RecordDoc{doc, {Record: store.MaintenanceRecord{ID: 18}}}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(maintenance.RecordSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"17", "2026-11-20", "传输率维护 transmission", "王工, 李工", "北京某某铸造有限公司", "1号熔炉进线",
		"异常 Fault: SIM 卡欠费停机", "正常 OK", "未检 Not checked", "未检 Not checked", "未检 Not checked", "不适用 N/A",
		"1号熔炉: 停电 off 正常 OK / 上电 on 正常 OK\n布袋除尘器: 停电 off 正常 OK / 上电 on 异常 Fault (上电后 8 分钟才有数据)",
		"数采仪 SIM 卡欠费，10 月 17 日起无数据。", "充值并更换为年卡；补传 10 月 17 日以来数据。",
		"maintenance/2026-11/电表箱.png\nmaintenance/missing.jpg", "张三", "2026-11-20"}
	if len(rows) != 3 || !reflect.DeepEqual(rows[0], maintenance.RecordColumns()) {
		t.Fatalf("rows = %d, header %v", len(rows), rows[0])
	}
	if !reflect.DeepEqual(rows[1], want) {
		t.Errorf("row\n%q\nwant\n%q", rows[1], want)
	}
	if rows[2][0] != "18" {
		t.Errorf("second row = %q", rows[2])
	}
}

func TestSavePhotoNeverOverwrites(t *testing.T) {
	fsys := afero.NewMemMapFs()
	at := bj("2026-11-20 10:00")
	a, err1 := maintenance.SavePhoto(fsys, "/f", at, "a.jpg", []byte("1"))
	b, err2 := maintenance.SavePhoto(fsys, "/f", at, "/tmp/a.jpg", []byte("2"))
	if err1 != nil || err2 != nil || a != "maintenance/2026-11/a.jpg" || b != "maintenance/2026-11/a-2.jpg" {
		t.Fatalf("paths %q %q, %v %v", a, b, err1, err2)
	}
	if got, _ := afero.ReadFile(fsys, "/f/"+a); string(got) != "1" {
		t.Errorf("first photo overwritten: %q", got)
	}
	if _, err := maintenance.SavePhoto(fsys, "/f", at, "", nil); err == nil {
		t.Error("no error for an empty name")
	}
}
