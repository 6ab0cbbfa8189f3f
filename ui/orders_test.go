package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// ordersFake is the demo district with every order and filing listed, and an
// order desk that records what it is asked.
type ordersFake struct {
	*fakeStore
	exports  []string
	reports  int
	rejudged int
}

func (f *ordersFake) FindOrders(context.Context, store.OrderFilter) ([]store.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Order(nil), f.orders...), nil
}

func (f *ordersFake) FindFilings(context.Context, store.FilingFilter) ([]store.Filing, error) {
	return f.filings, nil
}

func (f *ordersFake) CreateOrder(_ context.Context, who string, o *store.Order) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o.ID = int64(len(f.orders) + 1)
	f.orders = append(f.orders, *o)
	f.audit = append(f.audit, fmt.Sprintf("%s create order %d", who, o.ID))
	return nil
}

func (f *ordersFake) CreateFiling(_ context.Context, who string, x *store.Filing) error {
	x.ID = int64(len(f.filings) + 1)
	f.filings = append(f.filings, *x)
	return nil
}

// The corrections record what they were asked, as the desk's audit would;
// rejudged counts the re-judgements the desk would run.
func (f *ordersFake) UpdateOrder(_ context.Context, who string, o *store.Order) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.orders {
		if f.orders[i].ID == o.ID {
			f.orders[i] = *o
			f.audit = append(f.audit, fmt.Sprintf("%s update order %d", who, o.ID))
			f.rejudged++
			return nil
		}
	}
	return fmt.Errorf("order %d: %w", o.ID, store.ErrNotFound)
}

func (f *ordersFake) WithdrawOrder(_ context.Context, who string, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.orders {
		if f.orders[i].ID == id {
			f.orders = append(f.orders[:i], f.orders[i+1:]...)
			f.audit = append(f.audit, fmt.Sprintf("%s delete order %d", who, id))
			f.rejudged++
			return nil
		}
	}
	return fmt.Errorf("order %d: %w", id, store.ErrNotFound)
}

func (f *ordersFake) UpdateFiling(_ context.Context, who string, x *store.Filing) error {
	for i := range f.filings {
		if f.filings[i].ID == x.ID {
			f.filings[i] = *x
			f.audit = append(f.audit, fmt.Sprintf("%s update filing %d", who, x.ID))
			f.rejudged++
			return nil
		}
	}
	return fmt.Errorf("filing %d: %w", x.ID, store.ErrNotFound)
}

func (f *ordersFake) WithdrawFiling(_ context.Context, who string, id int64) error {
	for i := range f.filings {
		if f.filings[i].ID == id {
			f.filings = append(f.filings[:i], f.filings[i+1:]...)
			f.audit = append(f.audit, fmt.Sprintf("%s delete filing %d", who, id))
			f.rejudged++
			return nil
		}
	}
	return fmt.Errorf("filing %d: %w", id, store.ErrNotFound)
}

func (f *ordersFake) ImportOrderFile(_ context.Context, _, path string, _ bool) (store.ImportSummary, error) {
	if strings.Contains(path, "bad") {
		return store.ImportSummary{}, errors.Join(errors.New("row 3, column 开始: 时间格式错误"), errors.New("row 7, column 企业: 未登记"))
	}
	return store.ImportSummary{}, nil
}

func (f *ordersFake) EpisodeReport(_ context.Context, ep store.Episode) (store.EpisodeReport, error) {
	f.reports++
	r := store.EpisodeReport{Episode: ep, From: ep.Start, To: ep.End, Method: store.BaselineWeekdays}
	for _, o := range ep.Orders {
		r.Facilities = append(r.Facilities, store.FacilityReduction{OrderID: o.ID, EnterpriseID: o.EnterpriseID, Enterprise: "华北建材有限公司",
			Facility: "1#生产线", Kind: o.Kind, CutPercent: o.CutPercent, State: store.StateRunning, PowerKW: 210, Energy: 1200, Baseline: 2000, Allowance: 1400, Alarms: 1})
	}
	r.Enterprises = []store.ReductionRow{{Name: "华北建材有限公司", Energy: 1200, Baseline: 2000, Allowance: 1400, Reduction: 0.4, Alarms: 1}}
	r.Industries = []store.ReductionRow{{Name: "陶瓷制品制造", Energy: 1200, Baseline: 2000, Allowance: 1400, Reduction: 0.4, Alarms: 1}}
	r.Total = store.ReductionRow{Name: "合计 total", Energy: 1200, Baseline: 2000, Allowance: 1400, Reduction: 0.4, Alarms: 1}
	return r, nil
}

func (f *ordersFake) ExportEpisode(_ context.Context, r store.EpisodeReport, path string) error {
	f.exports = append(f.exports, fmt.Sprintf("%s %d", path, len(r.Facilities)))
	return nil
}

func mustOrders(t *testing.T) (*Shell, *ordersScreen, *ordersFake) {
	t.Helper()
	f := &ordersFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Registry, d.Orders = f, f
	s, _ := mustShell(t, d)
	s.Show(ViewOrders)
	s.Wait()
	return s, s.screens[ViewOrders].(*ordersScreen), f
}

func TestOrdersBoard(t *testing.T) {
	s, od, f := mustOrders(t)
	if len(od.episodes) != 1 || !strings.Contains(od.episodeText(0), "橙色预警") || !strings.Contains(od.episodeText(0), "已结束") {
		t.Fatalf("episodes = %d, first %q", len(od.episodes), od.episodeText(0))
	}
	od.list.Select(0)
	s.Wait()
	if f.reports != 1 || len(od.report.Facilities) != 1 {
		t.Fatalf("report asked %d times, %d facility rows", f.reports, len(od.report.Facilities))
	}
	for col, want := range map[int]string{2: "限产 30%", 3: "运行", 5: "1200.0", 6: "1400.0", 8: "40.0%", 9: "1"} {
		if got := od.board.cell(0, col); got != want {
			t.Errorf("board column %d = %q, want %q", col, got, want)
		}
	}
	if !strings.Contains(od.summary.Text, "减排报告") || !strings.Contains(od.summary.Text, "40.0%") {
		t.Errorf("summary = %q", od.summary.Text)
	}
	if len(od.groupRows) != 3 || od.groups.cell(0, 0) != "陶瓷制品制造" {
		t.Errorf("group rows = %+v", od.groupRows)
	}
	od.exportTo("/tmp/r.xlsx")
	s.Wait()
	if len(f.exports) != 1 || f.exports[0] != "/tmp/r.xlsx 1" {
		t.Errorf("exports = %v", f.exports)
	}
	if !strings.Contains(od.filTable.cell(0, 1), "改造") {
		t.Errorf("filing row = %q", od.filTable.cell(0, 1))
	}
}

func TestOrderFormValidation(t *testing.T) {
	s, od, f := mustOrders(t)
	form := od.newForm(false)
	form.ent.SetSelectedName("顺达钢结构厂")
	s.Wait()
	if len(form.facs.Options) != 5 {
		t.Fatalf("facilities of 顺达钢结构厂: %v", form.facs.Options)
	}
	closed := 0
	done := func() { closed++ }
	cases := []struct {
		name  string
		set   func()
		error string
	}{
		{"end before start", func() { form.end.SetText("2026-03-18 08:00"); form.start.SetText("2026-03-19 08:00") }, "结束须晚于开始"},
		{"bad time", func() { form.start.SetText("明天") }, "时间格式"},
		{"cut without percent", func() { form.start.SetText("2026-03-17 08:00"); form.kind.SetSelectedIndex(1) }, "限产比例"},
		{"cut over 100", func() { form.cut.SetText("150") }, "限产比例"},
		{"a 100 % cut is a shutdown", func() { form.cut.SetText("100") }, "停产"},
		{"a 0 % cut orders nothing", func() { form.cut.SetText("0") }, "限产比例"},
	}
	for _, c := range cases {
		c.set()
		od.save(form, done)
		s.Wait()
		if !strings.Contains(form.err.Text, c.error) || closed != 0 || len(f.orders) != 1 {
			t.Errorf("%s: error %q, closed %d, %d orders; want %q and nothing saved", c.name, form.err.Text, closed, len(f.orders), c.error)
		}
	}
	form.cut.SetText("50")
	form.facs.SetSelected([]string{form.facs.Options[0]})
	form.exempt.SetSelected([]string{form.exempt.Options[1]})
	form.level.SetSelectedIndex(2)
	od.save(form, done)
	s.Wait()
	if closed != 1 || len(f.orders) != 2 {
		t.Fatalf("valid order: closed %d, %d orders; error %q", closed, len(f.orders), form.err.Text)
	}
	o := f.orders[1]
	want := store.Order{ID: 2, EnterpriseID: 3, FacilityIDs: []int64{31}, Kind: store.Cut, CutPercent: 50, Level: store.Red,
		Start: time.Date(2026, 3, 17, 8, 0, 0, 0, store.Beijing), End: time.Date(2026, 3, 18, 8, 0, 0, 0, store.Beijing)}
	if o.ID != want.ID || o.EnterpriseID != want.EnterpriseID || len(o.FacilityIDs) != 1 || o.FacilityIDs[0] != 31 || o.Kind != want.Kind ||
		o.CutPercent != 50 || o.Level != store.Red || !o.Start.Equal(want.Start) || !o.End.Equal(want.End) ||
		len(o.ExemptIDs) != 1 || o.ExemptIDs[0] != form.facIDs[form.exempt.Options[1]] {
		t.Errorf("saved order = %+v, want %+v", o, want)
	}
	if len(od.episodes) != 2 || !strings.Contains(od.episodeText(0), "红色预警") {
		t.Errorf("after saving: %d episodes, first %q", len(od.episodes), od.episodeText(0))
	}

	fl := od.newForm(true)
	fl.ent.SetSelectedName("东湖石化有限公司")
	s.Wait()
	fl.kind.SetSelectedIndex(2)
	od.save(fl, done)
	s.Wait()
	if closed != 2 || len(f.filings) != 2 || f.filings[1].Kind != store.PowerCut || f.filings[1].EnterpriseID != 2 {
		t.Errorf("filing: closed %d, filings %+v", closed, f.filings)
	}

	od.importFile("/tmp/bad.xlsx", false)
	s.Wait()
	if txt := texts(topDialog(t, s.win)); !strings.Contains(txt, "row 3") || !strings.Contains(txt, "row 7") {
		t.Errorf("import errors dialog:\n%s", txt)
	}
}

// confirmTop presses the confirming button of the dialog on top.
func confirmTop(t *testing.T, s *Shell, action string) {
	t.Helper()
	test.Tap(button(t, topDialog(t, s.win), action))
	s.Wait()
}

// TestOrderEditWithdraw corrects an order and a filing through the form and
// withdraws them, each only after its confirmation, and checks what the desk
// was asked (audited, re-judged) and what the tables show after.
func TestOrderEditWithdraw(t *testing.T) {
	s, od, f := mustOrders(t)
	if len(od.orders) != 1 || od.ordTable.cell(0, 1) != "限产 30%" || od.ordTable.cell(0, 5) != "全厂" {
		t.Fatalf("orders table: %d rows, %q %q", len(od.orders), od.ordTable.cell(0, 1), od.ordTable.cell(0, 5))
	}
	od.onEditOrder() // nothing picked: says so
	if !strings.Contains(od.note.Text, "请先在表中选择") {
		t.Errorf("edit with nothing picked: note %q", od.note.Text)
	}
	od.ordTable.table.Select(widget.TableCellID{Row: 0, Col: 0})
	form := od.orderEditForm(od.orders[0])
	s.Wait()
	if form.ent.SelectedID() != 1 || form.cut.Text != "30" || form.level.SelectedIndex() != 1 || form.kind.SelectedIndex() != 1 {
		t.Fatalf("edit form not filled from the order: ent %d cut %q level %d kind %d",
			form.ent.SelectedID(), form.cut.Text, form.level.SelectedIndex(), form.kind.SelectedIndex())
	}
	form.cut.SetText("50")
	form.facs.SetSelected([]string{form.facs.Options[0]})
	closed := 0
	od.save(form, func() { closed++ })
	if closed != 0 || f.rejudged != 0 {
		t.Fatal("a correction was saved before it was confirmed")
	}
	if txt := texts(topDialog(t, s.win)); !strings.Contains(txt, "重新判定") {
		t.Errorf("confirmation does not say the alarms are judged again:\n%s", txt)
	}
	confirmTop(t, s, "保存")
	o := f.orders[0]
	if closed != 1 || o.ID != 1 || o.CutPercent != 50 || len(o.FacilityIDs) != 1 || f.rejudged != 1 {
		t.Fatalf("after confirming: closed %d, order %+v, rejudged %d", closed, o, f.rejudged)
	}
	if od.ordTable.cell(0, 1) != "限产 50%" || od.ordTable.cell(0, 5) != "1 台设施" {
		t.Errorf("table after the edit: %q %q", od.ordTable.cell(0, 1), od.ordTable.cell(0, 5))
	}

	od.selOrder = o.ID
	od.onWithdrawOrder()
	if txt := texts(topDialog(t, s.win)); !strings.Contains(txt, "限产 50%") || !strings.Contains(txt, "华北建材") {
		t.Errorf("withdrawal confirmation does not name the order:\n%s", txt)
	}
	confirmTop(t, s, "撤销指令")
	if len(f.orders) != 0 || len(od.orders) != 0 || len(od.episodes) != 0 || od.selOrder != 0 || !strings.Contains(od.note.Text, "已撤销") {
		t.Errorf("after withdrawing: store %d, table %d, episodes %d, picked %d, note %q",
			len(f.orders), len(od.orders), len(od.episodes), od.selOrder, od.note.Text)
	}

	od.filTable.table.Select(widget.TableCellID{Row: 0, Col: 0})
	fl := od.filingEditForm(od.filings[0])
	s.Wait()
	if len(fl.facs.Selected) != 1 || fl.note.Text != "更换电机" {
		t.Fatalf("filing form: ticked %v, note %q", fl.facs.Selected, fl.note.Text)
	}
	fl.note.SetText("更换主电机")
	od.save(fl, func() {})
	confirmTop(t, s, "保存")
	od.onWithdrawFiling()
	confirmTop(t, s, "撤销报备")
	want := []string{"张三 update order 1", "张三 delete order 1", "张三 update filing 1", "张三 delete filing 1"}
	if strings.Join(f.audit, "|") != strings.Join(want, "|") || f.rejudged != 4 || len(od.filings) != 0 {
		t.Errorf("audit %q, rejudged %d, filings %d; want %q, 4, 0", f.audit, f.rejudged, len(od.filings), want)
	}
}
