package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// ordersFake is the demo district with every order and filing listed, and an
// order desk that records what it is asked.
type ordersFake struct {
	*fakeStore
	exports []string
	reports int
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
		if got := od.boardCell(widget.TableCellID{Row: 0, Col: col}); got != want {
			t.Errorf("board column %d = %q, want %q", col, got, want)
		}
	}
	if !strings.Contains(od.summary.Text, "减排报告") || !strings.Contains(od.summary.Text, "40.0%") {
		t.Errorf("summary = %q", od.summary.Text)
	}
	if len(od.groupRows) != 3 || od.groupCell(widget.TableCellID{Row: 0, Col: 0}) != "陶瓷制品制造" {
		t.Errorf("group rows = %+v", od.groupRows)
	}
	od.exportTo("/tmp/r.xlsx")
	s.Wait()
	if len(f.exports) != 1 || f.exports[0] != "/tmp/r.xlsx 1" {
		t.Errorf("exports = %v", f.exports)
	}
	if !strings.Contains(od.filingCell(widget.TableCellID{Row: 0, Col: 1}), "改造") {
		t.Errorf("filing row = %q", od.filingCell(widget.TableCellID{Row: 0, Col: 1}))
	}
}

func TestOrderFormValidation(t *testing.T) {
	s, od, f := mustOrders(t)
	form := od.newForm(false)
	form.ent.SetSelected("顺达钢结构厂")
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
		od.save(form, false, done)
		s.Wait()
		if !strings.Contains(form.err.Text, c.error) || closed != 0 || len(f.orders) != 1 {
			t.Errorf("%s: error %q, closed %d, %d orders; want %q and nothing saved", c.name, form.err.Text, closed, len(f.orders), c.error)
		}
	}
	form.cut.SetText("50")
	form.facs.SetSelected([]string{form.facs.Options[0]})
	form.exempt.SetSelected([]string{form.exempt.Options[1]})
	form.level.SetSelectedIndex(2)
	od.save(form, false, done)
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
	fl.ent.SetSelected("东湖石化有限公司")
	s.Wait()
	fl.kind.SetSelectedIndex(2)
	od.save(fl, true, done)
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
