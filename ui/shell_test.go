package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

var demoNow = time.Date(2026, 3, 18, 16, 30, 0, 0, store.Beijing) // a Wednesday afternoon

// mustShell returns a shell on a test window of 1280x800 over deps, with HOME
// in a temporary folder so preferences and font caches stay out of the user's.
func mustShell(t testing.TB, deps Deps) (*Shell, fyne.Window) {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		tt.Setenv("HOME", t.TempDir())
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s, err := New(a, w, deps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	w.Resize(fyne.NewSize(1280, 800))
	s.Wait()
	return s, w
}

// walk calls fn for o and every object below it, through containers and
// widget renderers.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// texts returns every label's and button's text under o, joined by newlines.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString(x.Text + "\n")
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		case *widget.RichText:
			b.WriteString(x.String() + "\n")
		}
	})
	return b.String()
}

func button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in:\n%s", text, texts(o))
	}
	return found
}

// topDialog is the content of the dialog shown last.
func topDialog(t testing.TB, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

func TestNavigation(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	for _, v := range Views {
		s.Show(v)
		s.Wait()
		if got := s.Current(); got != v {
			t.Errorf("Show(%s): current view is %s", v, got)
		}
	}
	s.Show(ViewDashboard)
	s.Wait()
	test.Tap(button(t, w.Content(), "查看终端"))
	s.Wait()
	if got := s.Current(); got != ViewTerminals {
		t.Errorf("tapping the terminals tile's link shows %s, want terminals", got)
	}
}

func TestDashboard(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	got := texts(s.dash.box)
	for _, want := range []string{"在线 2 · 离线 1 · 从未上线 1", "治污设施未同步运行 1", "严重 1", "上周同日 00:00–16:00"} {
		if !strings.Contains(got, want) {
			t.Errorf("dashboard does not show %q:\n%s", want, got)
		}
	}
	if v := s.dash.tiles["terminals"].value.Text; v != "2 / 4" {
		t.Errorf("terminals tile = %q, want 2 / 4", v)
	}
	if v := s.dash.tiles["open"].value.Text; v != "1" {
		t.Errorf("enterprises with open alarms = %q, want 1", v)
	}
}

// TestDashboardLeavesOutWithdrawn ensures an alarm that later data disproved
// is not counted among today's alarms: the officer would chase nothing.
func TestDashboardLeavesOutWithdrawn(t *testing.T) {
	f := demoDistrict(demoNow)
	before, _ := mustShell(t, demoDeps(f, demoNow))
	want := before.dash.tiles["today"].value.Text
	f.alarms = append(f.alarms, store.Alarm{ID: 990, Type: store.Offline, Grade: store.Severe, Status: store.Withdrawn,
		EnterpriseID: f.alarms[0].EnterpriseID, Start: demoNow.Add(-time.Hour)})
	s, _ := mustShell(t, demoDeps(f, demoNow))
	if got := s.dash.tiles["today"].value.Text; got != want {
		t.Errorf("today's alarms with a withdrawn one added = %s, want %s", got, want)
	}
}

// TestNothingWired ensures every view says honestly that its data is not
// there when the service provides nothing, instead of showing zeros.
func TestNothingWired(t *testing.T) {
	s, w := mustShell(t, Deps{})
	for _, v := range Views {
		s.Show(v)
		s.Wait()
	}
	s.Show(ViewDashboard)
	s.Wait()
	if got := texts(w.Content()); !strings.Contains(got, "尚无数据") || !strings.Contains(got, "监听服务未启动") {
		t.Errorf("an empty service should say 尚无数据 and 监听服务未启动; shows:\n%s", got)
	}
	if v := s.dash.tiles["terminals"].value.Text; v != "—" {
		t.Errorf("terminals tile with no registry = %q, want —", v)
	}
}

func TestTerminalFilterAndSort(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.Show(ViewTerminals)
	s.Wait()
	ts := s.terms
	mns := func() string {
		var out []string
		for _, r := range ts.rows {
			out = append(out, r.t.MN[len(r.t.MN)-2:]+"/"+ts.cell(widget.TableCellID{Row: len(out), Col: 2}))
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name, filter string
		state        int
		sortCol      int
		want         string
	}{
		{"all, by MN", "", 0, 0, "01/在线 02/在线 03/离线 04/从未上线"},
		{"by enterprise name", "东湖", 0, 0, "02/在线"},
		{"by MN substring, case-insensitive", "00000003", 0, 0, "03/离线"},
		{"never seen", "", 3, 0, "04/从未上线"},
		{"online", "", 1, 0, "01/在线 02/在线"},
		{"sorted by drift, descending after a second tap", "", 1, 6, "02/在线 01/在线"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.tbl.sort = sortState{col: 0}
			if tt.sortCol != 0 {
				ts.tbl.sortBy(tt.sortCol)
				ts.tbl.sortBy(tt.sortCol)
			}
			ts.state.SetSelectedIndex(tt.state)
			test.Type(ts.filter, tt.filter)
			if got := mns(); got != tt.want {
				t.Errorf("rows = %q, want %q", got, tt.want)
			}
			ts.filter.SetText("")
		})
	}
}

func TestTerminalPage(t *testing.T) {
	f := demoDistrict(demoNow)
	s, _ := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewTerminals)
	s.Wait()
	s.terms.table.OnSelected(widget.TableCellID{Row: 1, Col: 0})
	s.Wait()
	got := texts(s.terms.stack)
	for _, want := range []string{"CRC错误", "i33201-Rtd=212.5", "监听服务未接入，无法发送命令"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal page does not show %q:\n%s", want, got)
		}
	}
	if b := button(t, s.terms.stack, "校时"); !b.Disabled() {
		t.Error("command buttons are enabled with no listener to send them")
	}
	test.Tap(button(t, s.terms.stack, "返回"))
	if s.terms.stack.Objects[0] != s.terms.tabs {
		t.Error("返回 does not go back to the list")
	}
}

func TestRegisterFromQuarantine(t *testing.T) {
	f := demoDistrict(demoNow)
	s, w := mustShell(t, demoDeps(f, demoNow))
	s.Show(ViewTerminals)
	s.Wait() // the list's load touches the tabs: let it land first
	s.terms.tabs.SelectIndex(1)
	s.Wait()
	q := s.terms.quar
	if len(q.items) != 1 {
		t.Fatalf("quarantine shows %d MNs, want 1", len(q.items))
	}
	q.onRegister(q.items[0])
	dlg := topDialog(t, w)
	var sel *widget.Select
	var entries []*widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Select:
			sel = x
		case *widget.Entry:
			entries = append(entries, x)
		}
	})
	if sel == nil || len(entries) != 4 {
		t.Fatalf("register dialog has select %v and %d entries, want a select and 4 entries", sel != nil, len(entries))
	}
	save := button(t, dlg, "保存")

	test.Tap(save) // no enterprise chosen
	s.Wait()
	if !strings.Contains(texts(dlg), "请选择企业") || len(f.terms) != 4 {
		t.Fatalf("saving without an enterprise: dialog says\n%s\nand %d terminals exist; want 请选择企业 and 4", texts(dlg), len(f.terms))
	}
	sel.SetSelectedIndex(2)
	entries[2].SetText("0") // real-time interval
	test.Tap(save)
	s.Wait()
	if !strings.Contains(texts(dlg), "请填写访问密码") {
		t.Errorf("saving without a password: dialog says\n%s", texts(dlg))
	}
	test.Type(entries[1], "123456")
	test.Tap(save)
	s.Wait()
	if !strings.Contains(texts(dlg), "间隔须为1到1440") {
		t.Errorf("saving with a 0-minute interval: dialog says\n%s", texts(dlg))
	}
	entries[2].SetText("5")
	test.Tap(save)
	s.Wait()
	if len(f.terms) != 5 {
		t.Fatalf("after a valid registration there are %d terminals, want 5", len(f.terms))
	}
	got := f.terms[4]
	if got.MN != "3301000000000000000000FF" || got.EnterpriseID != 3 || got.Password != "123456" || got.RtdInterval != 5*time.Minute {
		t.Errorf("registered %+v", got)
	}
	if f.audit[len(f.audit)-1] != "张三 create terminal 104" {
		t.Errorf("audit = %q, want the operator's create", f.audit)
	}
	if b := button(t, q.box, "已登记"); !b.Disabled() {
		t.Error("a registered MN can be registered again")
	}
}

// fakeQuarantine is the listener's Quarantine with Fn fields.
type fakeQuarantine struct {
	QuarantineFn func(ctx context.Context) ([]store.QuarantinedPacket, error)
	RegisterFn   func(ctx context.Context, mn string, register func(context.Context, store.QuarantinedPacket) error) error
}

func (f fakeQuarantine) Quarantine(ctx context.Context) ([]store.QuarantinedPacket, error) {
	return f.QuarantineFn(ctx)
}

func (f fakeQuarantine) RegisterFromQuarantine(ctx context.Context, mn string, register func(context.Context, store.QuarantinedPacket) error) error {
	return f.RegisterFn(ctx, mn, register)
}

// TestRegisterThroughListener ensures that with a running listener the
// terminal is created inside its RegisterFromQuarantine, for the quarantined MN.
func TestRegisterThroughListener(t *testing.T) {
	f := demoDistrict(demoNow)
	d := demoDeps(f, demoNow)
	var registered []string
	d.Quarantine = fakeQuarantine{
		QuarantineFn: func(ctx context.Context) ([]store.QuarantinedPacket, error) { return f.Quarantined(ctx) },
		RegisterFn: func(ctx context.Context, mn string, register func(context.Context, store.QuarantinedPacket) error) error {
			registered = append(registered, mn)
			return register(ctx, f.quarantine[0])
		},
	}
	s, w := mustShell(t, d)
	s.Show(ViewTerminals)
	s.Wait() // the list's load touches the tabs: let it land first
	s.terms.tabs.SelectIndex(1)
	s.Wait()
	q := s.terms.quar
	q.onRegister(q.items[0])
	dlg := topDialog(t, w)
	walk(dlg, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Select:
			x.SetSelectedIndex(0)
		case *widget.Entry:
			if x.Text == "" {
				x.SetText("654321")
			}
		}
	})
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if len(registered) != 1 || registered[0] != "3301000000000000000000FF" || len(f.terms) != 5 {
		t.Errorf("registered %q through the listener, %d terminals; want the quarantined MN and 5", registered, len(f.terms))
	}
}

func TestEnterpriseSearch(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.Show(ViewEnterprises)
	s.Wait()
	es := s.ents
	tests := []struct {
		name, search     string
		region, industry int
		want             int
	}{
		{"everything", "", 0, 0, 4},
		{"by name", "石化", 0, 0, 1},
		{"by credit code", "MA0000003", 0, 0, 1},
		{"by region", "", 2, 0, 2},
		{"by region and industry", "", 1, 1, 1},
		{"no match", "不存在", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es.region.SetSelectedIndex(tt.region)
			es.industry.SetSelectedIndex(tt.industry)
			es.search.SetText(tt.search)
			if len(es.rows) != tt.want {
				t.Errorf("%d enterprises shown, want %d", len(es.rows), tt.want)
			}
		})
	}
}

func openEnterprise(t *testing.T, s *Shell, id int64) *enterprisePage {
	t.Helper()
	s.Show(ViewEnterprises)
	s.Wait()
	p := s.ents.open(id)
	s.Wait()
	return p
}

func TestEnterprisePage(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	p := openEnterprise(t, s, 1)
	got := texts(p.basic) + texts(p.facilities) + texts(p.control) + texts(p.alarms)
	for _, want := range []string{"华北建材有限公司", "绩效分级", "阈值：停机 8.0 / 运行 30.0 kW", "按额定功率推算 停机 20.0 / 运行 80.0 kW",
		"限产 30 %  橙色预警", "改造/检修", "2#生产线", "治污设施未同步运行  严重  1#生产线 → 布袋除尘器"} {
		if !strings.Contains(got, want) {
			t.Errorf("enterprise page does not show %q", want)
		}
	}
	var diagram []string
	walk(p.diagram, func(o fyne.CanvasObject) {
		if tx, ok := o.(*canvas.Text); ok {
			diagram = append(diagram, tx.Text)
		}
	})
	d := strings.Join(diagram, "|")
	for _, want := range []string{"1#生产线", "布袋除尘器", "DA001", "备", "总进线"} {
		if !strings.Contains(d, want) {
			t.Errorf("产治排 diagram lacks %q: %s", want, d)
		}
	}
}

func TestEditEnterpriseValidation(t *testing.T) {
	f := demoDistrict(demoNow)
	s, w := mustShell(t, demoDeps(f, demoNow))
	p := openEnterprise(t, s, 2)
	var stored []string
	f.UpdateEnterpriseFn = func(_ context.Context, who string, e *store.Enterprise) error {
		if e.Name == "顺达钢结构厂" {
			return fmt.Errorf("update enterprise 2: name taken: %w", store.ErrConflict)
		}
		stored = append(stored, who+" "+e.Name+" "+e.USCC)
		return nil
	}
	tests := []struct {
		name  string
		field int // entry index in the form: 0 name, 1 USCC, 4 phone, 5 longitude
		value string
		want  string // text the dialog shows, "" when saved
	}{
		{"empty name", 0, " ", "名称不能为空"},
		{"bad credit code", 1, "91110000MA0000002I", "统一社会信用代码须为18位"},
		{"letters in the phone", 4, "010-abc", "电话只能包含"},
		{"longitude outside Beijing", 5, "121.47", "经纬度须为 WGS-84 数字且在北京范围内"},
		{"longitude not a number", 5, "东经116", "经纬度须为 WGS-84 数字"},
		{"duplicate name refused by the store", 0, "顺达钢结构厂", "与已有记录冲突"},
		{"valid change is saved", 1, "91110000MA00000021", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.editEnterprise()
			dlg := topDialog(t, w)
			var entries []*widget.Entry
			walk(dlg, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok {
					entries = append(entries, e)
				}
			})
			entries[tt.field].SetText(tt.value)
			before := len(stored)
			test.Tap(button(t, dlg, "保存"))
			s.Wait()
			if tt.want == "" {
				if len(stored) != before+1 || w.Canvas().Overlays().Top() != nil {
					t.Fatalf("valid change: stored %q, dialog open %v", stored, w.Canvas().Overlays().Top() != nil)
				}
				return
			}
			if got := texts(dlg); !strings.Contains(got, tt.want) {
				t.Errorf("dialog shows\n%s\nwant %q", got, tt.want)
			}
			if len(stored) != before {
				t.Errorf("an invalid change was stored: %q", stored)
			}
			test.Tap(button(t, dlg, "取消"))
			if w.Canvas().Overlays().Top() != nil {
				t.Fatal("取消 leaves the dialog open")
			}
		})
	}
	if len(stored) != 1 || stored[0] != "张三 东湖石化有限公司 91110000MA00000021" {
		t.Errorf("stored = %q", stored)
	}
}

func TestAddThresholdValidation(t *testing.T) {
	f := demoDistrict(demoNow)
	s, w := mustShell(t, demoDeps(f, demoNow))
	p := openEnterprise(t, s, 1)
	fac := f.facs[2] // 布袋除尘器
	p.addThreshold(fac)
	dlg := topDialog(t, w)
	var entries []*widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	entries[0].SetText("40") // stop above run
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if !strings.Contains(texts(dlg), "运行阈值须大于停机阈值") {
		t.Errorf("stop above run: dialog shows\n%s", texts(dlg))
	}
	entries[0].SetText("10")
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if n := len(f.thresholds); n != 5 || f.thresholds[4].Stop != 10 || f.thresholds[4].Run != 30 {
		t.Fatalf("thresholds after a valid add: %d, last %+v", n, f.thresholds[n-1])
	}
}

func TestCheckEnterprise(t *testing.T) {
	ok := store.Enterprise{Name: "某厂", USCC: "91110000MA01ABCD2X", Phone: "010-61234567", Longitude: 116.4, Latitude: 39.9}
	tests := []struct {
		name string
		edit func(e *store.Enterprise)
		want string
	}{
		{"valid", func(*store.Enterprise) {}, ""},
		{"unknown coordinates are 0, 0", func(e *store.Enterprise) { e.Longitude, e.Latitude = 0, 0 }, ""},
		{"empty credit code is allowed", func(e *store.Enterprise) { e.USCC = "" }, ""},
		{"blank name", func(e *store.Enterprise) { e.Name = "  " }, "valid.name"},
		{"17-character code", func(e *store.Enterprise) { e.USCC = e.USCC[:17] }, "valid.uscc"},
		{"code with O", func(e *store.Enterprise) { e.USCC = "91110000MA01ABCO2X" }, "valid.uscc"},
		{"short phone", func(e *store.Enterprise) { e.Phone = "123" }, "valid.phone"},
		{"latitude in the south seas", func(e *store.Enterprise) { e.Latitude = 1 }, "valid.coords"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ok
			tt.edit(&e)
			if got := checkEnterprise(e); got != tt.want {
				t.Errorf("checkEnterprise = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	err := fmt.Errorf("import registry: %w", errors.Join(
		errors.New("row 3, column 统一社会信用代码: 17 characters"),
		errors.Join(errors.New("row 9, column 额定功率: not a number"), errors.New("row 12, column MN: duplicate"))))
	got := rowErrors(err)
	// A wrapped join is one error: the screen shows its text whole.
	if len(got) != 1 {
		t.Errorf("rowErrors(wrapped) = %q, want 1 line", got)
	}
	got = rowErrors(errors.Unwrap(err))
	want := []string{"row 3, column 统一社会信用代码: 17 characters", "row 9, column 额定功率: not a number", "row 12, column MN: duplicate"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rowErrors = %q, want %q", got, want)
	}
}

func TestLanguageSwitch(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.Show(ViewSettings)
	s.Wait()
	s.SetLanguage(English)
	s.Wait()
	if s.Current() != ViewSettings {
		t.Errorf("after switching language the view is %s, want settings", s.Current())
	}
	var tabs *container.AppTabs
	walk(w.Content(), func(o fyne.CanvasObject) {
		if x, ok := o.(*container.AppTabs); ok && tabs == nil {
			tabs = x
		}
	})
	if got := tabs.Items[0].Text; got != "Dashboard" {
		t.Errorf("first tab = %q after switching to English", got)
	}
	if got := s.app.Preferences().String(prefLang); got != "en" {
		t.Errorf("language preference = %q, want en", got)
	}
}

func TestMessage(t *testing.T) {
	s, _ := mustShell(t, Deps{})
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("read enterprise 9: %w", store.ErrNotFound), "记录不存在"},
		{fmt.Errorf("create terminal: %w", store.ErrConflict), "冲突"},
		{fmt.Errorf("x: %w", store.ErrReadOnly), "无法写入"},
		{context.Canceled, "已取消"},
		{errors.New("disk on fire"), "内部错误，请查看日志 (disk on fire)"},
	}
	for _, tt := range tests {
		if got := s.message(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("message(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}
