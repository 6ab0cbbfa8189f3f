package maintenance

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"
	"github.com/xuri/excelize/v2"

	"powerwatch/app/pdfdoc"
	"powerwatch/store"
)

// A RecordDoc is a maintenance record with the names it refers to, as the
// printed form and the Excel export show it.
type RecordDoc struct {
	Record     store.MaintenanceRecord
	Enterprise string // enterprise name
	Point      string // point name, empty for the whole enterprise
	Task       string // the task's reason, empty without a task
}

// KindLabel is the task kind in Chinese with English.
func KindLabel(k store.TaskKind) string {
	switch k {
	case store.TaskCommunication:
		return "通讯检查 communication check"
	case store.TaskTransmission:
		return "传输率维护 transmission"
	case store.TaskPlausibility:
		return "数据抽查 plausibility"
	case store.TaskInspection:
		return "半年巡检 inspection"
	case store.TaskAcceptance:
		return "验收 acceptance"
	}
	return string(k)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Beijing).Format(time.DateOnly)
}

func checkText(c store.Check) string {
	if c.Note == "" {
		return c.Result.Label()
	}
	return c.Result.Label() + ": " + c.Note
}

// checksByItem returns the record's check of every form item, not-checked
// ones included, in the form's order.
func checksByItem(r store.MaintenanceRecord) []store.Check {
	by := map[store.CheckItem]store.Check{}
	for _, c := range r.Checks {
		by[c.Item] = c
	}
	var out []store.Check
	for _, it := range store.CheckItems() {
		c := by[it]
		c.Item = it
		out = append(out, c)
	}
	return out
}

func onOffText(o store.OnOffTest) string {
	s := fmt.Sprintf("%s: 停电 off %s / 上电 on %s", o.Facility, o.Off.Label(), o.On.Label())
	if o.Note != "" {
		s += " (" + o.Note + ")"
	}
	return s
}

// RecordTitle is the form's title.
const RecordTitle = "设施用电监测运行维护记录表 Maintenance record"

// WriteRecordPDF prints the record in the layout of the guideline's
// maintenance record form, with its photos read from photoDir on fsys.
func WriteRecordPDF(w io.Writer, doc RecordDoc, fsys afero.Fs, photoDir string, compress bool) error {
	r := doc.Record
	d := pdfdoc.New(RecordTitle, compress)
	point := doc.Point
	if point == "" {
		point = "全部点位 all points"
	}
	d.Fields(
		[2]string{"记录编号 No.", fmt.Sprintf("%d", r.ID)},
		[2]string{"运维类型 Kind", KindLabel(r.Kind)},
		[2]string{"日期 Date", day(r.Date)},
		[2]string{"运维人员 People", r.People},
		[2]string{"企业名称 Enterprise", doc.Enterprise},
		[2]string{"监测点位 Point", point},
	)
	if doc.Task != "" {
		d.Fields([2]string{"任务 Task", doc.Task})
	}
	d.Heading("检查内容 Checks")
	var rows [][]string
	for _, c := range checksByItem(r) {
		rows = append(rows, []string{c.Item.Label(), c.Result.Label(), c.Note})
	}
	d.Table([]float64{50, 35, pdfdoc.BodyW - 85}, []string{"检查项目 Item", "结果 Result", "说明 Note"}, rows)
	d.Heading("停上电试验 On/off test per facility")
	rows = nil
	for _, o := range r.OnOff {
		rows = append(rows, []string{o.Facility, o.Off.Label(), o.On.Label(), o.Note})
	}
	if len(rows) == 0 {
		rows = [][]string{{"未做 not done", "", "", ""}}
	}
	d.Table([]float64{60, 30, 30, pdfdoc.BodyW - 120}, []string{"设施 Facility", "停电 Off", "上电 On", "说明 Note"}, rows)
	d.Heading("问题与处理 Problems and actions")
	boxedText(d, "发现问题 Problems", r.Problems)
	boxedText(d, "处理措施 Actions", r.Actions)
	d.Heading("签字确认 Sign-off")
	d.Fields([2]string{"签字 Signed by", r.SignedBy}, [2]string{"签字日期 Signed on", day(r.SignedAt)})
	if len(r.Photos) > 0 {
		d.Heading(fmt.Sprintf("现场照片 Photos (%d)", len(r.Photos)))
		d.Photos(fsys, photoDir, r.Photos)
	}
	return d.Write(w)
}

// boxedText prints a labelled block of free text in a box; an empty block
// prints 无 none rather than an empty box.
func boxedText(d *pdfdoc.Doc, label, body string) {
	if strings.TrimSpace(body) == "" {
		body = "无 none"
	}
	d.Fields([2]string{label, body})
}

// RecordColumns are the header of the Excel export.
func RecordColumns() []string {
	cols := []string{"编号 No.", "日期 Date", "类型 Kind", "运维人员 People", "企业 Enterprise", "点位 Point"}
	for _, it := range store.CheckItems() {
		cols = append(cols, it.Label())
	}
	return append(cols, "停上电试验 On/off test", "发现问题 Problems", "处理措施 Actions", "照片 Photos", "签字 Signed by", "签字日期 Signed on")
}

// RecordRow is one record as a row of the Excel export.
func RecordRow(doc RecordDoc) []string {
	r := doc.Record
	row := []string{fmt.Sprintf("%d", r.ID), day(r.Date), KindLabel(r.Kind), r.People, doc.Enterprise, doc.Point}
	for _, c := range checksByItem(r) {
		row = append(row, checkText(c))
	}
	var oo []string
	for _, o := range r.OnOff {
		oo = append(oo, onOffText(o))
	}
	return append(row, strings.Join(oo, "\n"), r.Problems, r.Actions, strings.Join(r.Photos, "\n"), r.SignedBy, day(r.SignedAt))
}

// RecordSheet is the name of the export's sheet.
const RecordSheet = "运维记录"

// WriteRecordsXLSX writes the records as one sheet, one row per record, every
// cell text so that Excel keeps dates and numbers as printed.
func WriteRecordsXLSX(w io.Writer, docs []RecordDoc) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", RecordSheet); err != nil {
		return err
	}
	put := func(row int, cells []string) error {
		for c, v := range cells {
			ref, err := excelize.CoordinatesToCellName(c+1, row)
			if err != nil {
				return err
			}
			if err := x.SetCellStr(RecordSheet, ref, v); err != nil {
				return fmt.Errorf("record export row %d: %w", row, err)
			}
		}
		return nil
	}
	if err := put(1, RecordColumns()); err != nil {
		return err
	}
	for i, d := range docs {
		if err := put(i+2, RecordRow(d)); err != nil {
			return err
		}
	}
	if err := x.SetPanes(RecordSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := x.SetColWidth(RecordSheet, "A", "T", 18); err != nil {
		return err
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("write record export: %w", err)
	}
	return nil
}

// SavePhoto stores a photo for a record under filesDir/maintenance/ on fsys
// and returns its path relative to filesDir, as MaintenanceRecord.Photos
// keeps it. Names never collide: a taken name gets -2, -3 … before its extension.
func SavePhoto(fsys afero.Fs, filesDir string, at time.Time, name string, data []byte) (string, error) {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" || base == "" {
		return "", fmt.Errorf("%w: photo without a file name", store.ErrInvalid)
	}
	dir := path.Join("maintenance", at.In(store.Beijing).Format("2006-01"))
	if err := fsys.MkdirAll(filepath.Join(filesDir, filepath.FromSlash(dir)), 0o755); err != nil {
		return "", fmt.Errorf("save photo %s: %w", base, err)
	}
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	rel := path.Join(dir, base)
	for n := 2; ; n++ {
		if ok, _ := afero.Exists(fsys, filepath.Join(filesDir, filepath.FromSlash(rel))); !ok {
			break
		}
		rel = path.Join(dir, fmt.Sprintf("%s-%d%s", stem, n, ext))
	}
	if err := afero.WriteFile(fsys, filepath.Join(filesDir, filepath.FromSlash(rel)), data, 0o644); err != nil {
		return "", fmt.Errorf("save photo %s: %w", base, err)
	}
	return rel, nil
}
