package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// OrderDesk is what the 管控 view changes and computes. *sqlite.DB has the
// Create methods (each audited); app adds the rest (app/registry for
// files, app/control for the report).
type OrderDesk interface {
	CreateOrder(ctx context.Context, who string, o *store.Order) error
	CreateFiling(ctx context.Context, who string, f *store.Filing) error
	// ImportOrderFile imports orders (or, with filings, 报备 filings) from an
	// .xlsx or .csv file, all or nothing; its error joins one error per bad row.
	ImportOrderFile(ctx context.Context, who, path string, filings bool) (store.ImportSummary, error)
	// EpisodeReport is the live board while ep runs and the reduction report after it.
	EpisodeReport(ctx context.Context, ep store.Episode) (store.EpisodeReport, error)
	// ExportEpisode writes r to path as .xlsx or .pdf, by its extension.
	ExportEpisode(ctx context.Context, r store.EpisodeReport, path string) error
}

// orderTimeLayout is how the 管控 forms read and show times (Beijing).
const orderTimeLayout = "2006-01-02 15:04"

// ordersScreen is 管控: episodes and their orders, entered by hand or
// imported; 报备 filings; the live board of an episode and its reduction report.
type ordersScreen struct {
	s   *Shell
	box fyne.CanvasObject

	episodes []store.Episode
	filings  []store.Filing
	names    map[int64]string // enterprise names
	ents     []store.Enterprise
	cur      int // selected episode, -1 when none
	report   store.EpisodeReport
	hasRep   bool

	list      *widget.List
	note      *widget.Label
	title     *widget.Label
	summary   *widget.Label
	board     *widget.Table
	groups    *widget.Table
	groupRows []store.ReductionRow
	filTable  *widget.Table
}

func newOrdersScreen(s *Shell) *ordersScreen {
	tr := s.tr
	od := &ordersScreen{s: s, cur: -1, note: widget.NewLabel(""), names: map[int64]string{},
		title:   widget.NewLabelWithStyle(tr.T("ord.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		summary: widget.NewLabel("")}
	od.summary.Wrapping = fyne.TextWrapWord
	od.list = widget.NewList(func() int { return len(od.episodes) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(od.episodeText(i)) })
	od.list.OnSelected = func(i widget.ListItemID) { od.open(i) }

	bcols := []string{tr.T("ord.col.enterprise"), tr.T("ord.col.facility"), tr.T("ord.col.order"), tr.T("ord.col.state"),
		tr.T("ord.col.power"), tr.T("ord.col.energy"), tr.T("ord.col.allowance"), tr.T("ord.col.baseline"),
		tr.T("ord.col.reduction"), tr.T("ord.col.alarms")}
	od.board = headedTable(bcols, []float32{170, 110, 90, 70, 80, 100, 100, 100, 80, 60},
		func() int { return len(od.report.Facilities) }, od.boardCell)
	gcols := []string{tr.T("ord.col.name"), tr.T("ord.col.energy"), tr.T("ord.col.allowance"), tr.T("ord.col.baseline"),
		tr.T("ord.col.reduction"), tr.T("ord.col.alarms")}
	od.groups = headedTable(gcols, []float32{200, 110, 110, 110, 90, 60},
		func() int { return len(od.groupRows) }, od.groupCell)
	fcols := []string{tr.T("ord.col.enterprise"), tr.T("ord.col.filing"), tr.T("ord.col.start"), tr.T("ord.col.end"), tr.T("ord.col.note")}
	od.filTable = headedTable(fcols, []float32{200, 110, 140, 140, 300},
		func() int { return len(od.filings) }, od.filingCell)

	xlsx := widget.NewButton(tr.T("ord.export.xlsx"), func() { od.onExport(".xlsx") })
	pdf := widget.NewButton(tr.T("ord.export.pdf"), func() { od.onExport(".pdf") })
	right := container.NewBorder(container.NewVBox(od.title, od.summary, container.NewHBox(xlsx, pdf)), nil, nil, nil,
		container.NewVSplit(od.board, od.groups))
	episodes := container.NewHSplit(od.list, right)
	episodes.Offset = 0.25
	tabs := container.NewAppTabs(
		container.NewTabItem(tr.T("ord.tab.episodes"), episodes),
		container.NewTabItem(tr.T("ord.tab.filings"), od.filTable))
	bar := container.NewHBox(
		widget.NewButton(tr.T("ord.new"), od.onNewOrder),
		widget.NewButton(tr.T("ord.import"), func() { od.onImport(false) }),
		widget.NewButton(tr.T("ord.filing.new"), od.onNewFiling),
		widget.NewButton(tr.T("ord.filing.import"), func() { od.onImport(true) }),
		widget.NewButton(tr.T("ord.refresh"), od.refresh))
	od.box = container.NewBorder(container.NewVBox(bar, od.note), nil, nil, nil, tabs)
	go od.follow(boardEvery)
	return od
}

// boardEvery is how often the board of a running episode reloads while shown.
const boardEvery = time.Minute

// follow reloads the board of the selected episode while it runs and 管控 is
// shown, so the board stays live. It ends with the shell, or when a rebuild
// (language switch) replaced this screen.
func (od *ordersScreen) follow(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-od.s.ctx.Done():
			return
		case <-t.C:
		}
		replaced := false
		od.s.do(func() {
			if od.s.screens[ViewOrders] != screen(od) {
				replaced = true
				return
			}
			if od.s.Current() != ViewOrders || od.cur < 0 || od.cur >= len(od.episodes) {
				return
			}
			ep := od.episodes[od.cur]
			if now := od.s.deps.Now(); !now.Before(ep.Start) && now.Before(ep.End) {
				od.open(od.cur)
			}
		})
		if replaced {
			return
		}
	}
}

// headedTable is a table with a header row over rows cells.
func headedTable(cols []string, widths []float32, rows func() int, cell func(widget.TableCellID) string) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return rows(), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(cell(id)) })
	t.ShowHeaderColumn = false
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(cols[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

func (od *ordersScreen) content() fyne.CanvasObject { return od.box }

type ordersLoad struct {
	episodes []store.Episode
	filings  []store.Filing
	ents     []store.Enterprise
}

// refresh reloads orders and filings, and the selected episode's board.
func (od *ordersScreen) refresh() {
	d := od.s.deps
	if d.Registry == nil {
		od.note.SetText(od.s.tr.T("common.nodata"))
		return
	}
	load(od.s, func(ctx context.Context) (ordersLoad, error) {
		var l ordersLoad
		orders, err := d.Registry.FindOrders(ctx, store.OrderFilter{})
		if err != nil {
			return l, fmt.Errorf("read orders: %w", err)
		}
		l.episodes = store.EpisodesOf(orders)
		if l.filings, err = d.Registry.FindFilings(ctx, store.FilingFilter{}); err != nil {
			return l, fmt.Errorf("read filings: %w", err)
		}
		if l.ents, err = d.Registry.FindEnterprises(ctx, store.EnterpriseFilter{}); err != nil {
			return l, fmt.Errorf("read enterprises: %w", err)
		}
		return l, nil
	}, func(l ordersLoad, err error) {
		if err != nil {
			od.note.SetText(od.s.errorText(od.s.tr.T("nav.orders"), err))
			return
		}
		var keep *store.Episode
		if od.cur >= 0 && od.cur < len(od.episodes) {
			keep = &od.episodes[od.cur]
		}
		od.episodes, od.filings, od.ents = l.episodes, l.filings, l.ents
		for _, e := range l.ents {
			od.names[e.ID] = e.Name
		}
		if d.Orders == nil {
			od.note.SetText(od.s.tr.T("ord.nodesk"))
		} else {
			od.note.SetText(od.s.tr.T("ord.count", len(l.episodes), len(l.filings)))
		}
		od.list.Refresh()
		od.filTable.Refresh()
		od.cur = -1
		for i, ep := range od.episodes {
			if keep != nil && ep.Level == keep.Level && ep.Start.Equal(keep.Start) && ep.End.Equal(keep.End) {
				od.list.Select(i) // reopens it: the board follows the data
			}
		}
	})
}

func (od *ordersScreen) episodeText(i int) string {
	if i >= len(od.episodes) {
		return ""
	}
	ep := od.episodes[i]
	return od.s.tr.T("ord.episode", od.level(ep.Level), ep.Start.In(store.Beijing).Format(orderTimeLayout),
		ep.End.In(store.Beijing).Format(orderTimeLayout), len(ep.Orders), od.phase(ep))
}

// phase says whether ep is ahead, running or over.
func (od *ordersScreen) phase(ep store.Episode) string {
	now := od.s.deps.Now()
	switch {
	case now.Before(ep.Start):
		return od.s.tr.T("ord.phase.ahead")
	case now.Before(ep.End):
		return od.s.tr.T("ord.phase.running")
	}
	return od.s.tr.T("ord.phase.over")
}

func (od *ordersScreen) level(l store.Level) string {
	if l == "" {
		return od.s.tr.T("ord.nolevel")
	}
	return od.s.tr.T("level." + string(l))
}

// open shows episode i: its live board while it runs, its report after.
func (od *ordersScreen) open(i int) {
	if i < 0 || i >= len(od.episodes) {
		return
	}
	od.cur = i
	ep := od.episodes[i]
	od.title.SetText(od.episodeText(i))
	od.hasRep = false
	od.report = store.EpisodeReport{Episode: ep}
	od.groupRows = nil
	od.board.Refresh()
	od.groups.Refresh()
	if od.s.deps.Orders == nil {
		od.summary.SetText(od.s.tr.T("ord.nodesk"))
		return
	}
	od.summary.SetText(od.s.tr.T("curve.loading"))
	load(od.s, func(ctx context.Context) (store.EpisodeReport, error) {
		return od.s.deps.Orders.EpisodeReport(ctx, ep)
	}, func(r store.EpisodeReport, err error) {
		if od.cur != i {
			return
		}
		if err != nil {
			od.summary.SetText(od.s.errorText(od.s.tr.T("ord.report"), err))
			return
		}
		od.report, od.hasRep = r, true
		od.groupRows = append(append(append([]store.ReductionRow{}, r.Industries...), r.Enterprises...), r.Total)
		args := []any{r.From.In(store.Beijing).Format(orderTimeLayout), r.To.In(store.Beijing).Format(orderTimeLayout),
			string(r.Method), kwh(r.Total.Energy), kwh(r.Total.Baseline), ratio(r.Total.Reduction)}
		if od.s.deps.Now().Before(ep.End) {
			od.summary.SetText(od.s.tr.T("ord.summary.running", args...))
		} else {
			od.summary.SetText(od.s.tr.T("ord.summary.over", args...))
		}
		od.board.Refresh()
		od.groups.Refresh()
	})
}

func ratio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

func (od *ordersScreen) orderText(k store.OrderKind, cut float64) string {
	if k == store.Cut {
		return fmt.Sprintf("%s %g%%", od.s.tr.T("order.cut"), cut)
	}
	return od.s.tr.T("order.shutdown")
}

func (od *ordersScreen) state(st string) string {
	switch st {
	case store.StateRunning:
		return od.s.tr.T("ord.state.running")
	case store.StatePartial:
		return od.s.tr.T("ord.state.partial")
	case store.StateStopped:
		return od.s.tr.T("ord.state.stopped")
	}
	return od.s.tr.T("ord.state.unknown")
}

func (od *ordersScreen) boardCell(id widget.TableCellID) string {
	if id.Row >= len(od.report.Facilities) {
		return ""
	}
	f := od.report.Facilities[id.Row]
	switch id.Col {
	case 0:
		return f.Enterprise
	case 1:
		return f.Facility
	case 2:
		return od.orderText(f.Kind, f.CutPercent)
	case 3:
		if f.Unjudged != "" {
			return od.s.tr.T("ord.state.unjudged")
		}
		if f.Warning {
			return od.state(f.State) + " · " + od.s.tr.T("ord.state.warning")
		}
		return od.state(f.State)
	case 4:
		return kwh(f.PowerKW)
	case 5:
		return kwh(f.Energy)
	case 6:
		return kwh(f.Allowance)
	case 7:
		return kwh(f.Baseline)
	case 8:
		if !(f.Baseline > 0) {
			return "—"
		}
		return ratio((f.Baseline - f.Energy) / f.Baseline)
	case 9:
		return strconv.Itoa(f.Alarms)
	}
	return ""
}

func (od *ordersScreen) groupCell(id widget.TableCellID) string {
	if id.Row >= len(od.groupRows) {
		return ""
	}
	r := od.groupRows[id.Row]
	switch id.Col {
	case 0:
		return r.Name
	case 1:
		return kwh(r.Energy)
	case 2:
		return kwh(r.Allowance)
	case 3:
		return kwh(r.Baseline)
	case 4:
		return ratio(r.Reduction)
	case 5:
		return strconv.Itoa(r.Alarms)
	}
	return ""
}

func (od *ordersScreen) filingCell(id widget.TableCellID) string {
	if id.Row >= len(od.filings) {
		return ""
	}
	f := od.filings[id.Row]
	switch id.Col {
	case 0:
		return od.names[f.EnterpriseID]
	case 1:
		return od.s.tr.T("filing." + string(f.Kind))
	case 2:
		return f.Start.In(store.Beijing).Format(orderTimeLayout)
	case 3:
		return f.End.In(store.Beijing).Format(orderTimeLayout)
	case 4:
		return f.Note
	}
	return ""
}

// orderForm is the dialog's fields for a new order or filing.
type orderForm struct {
	ent        *widget.Select
	facs       *widget.CheckGroup
	exempt     *widget.CheckGroup // facilities a whole-enterprise order lets run (一厂一策)
	facIDs     map[string]int64
	kind       *widget.Select
	cut        *widget.Entry
	level      *widget.Select
	start, end *widget.Entry
	note       *widget.Entry
	err        *widget.Label
}

var (
	orderKinds  = []store.OrderKind{store.Shutdown, store.Cut}
	orderLevels = []store.Level{store.Yellow, store.Orange, store.Red}
	filingKinds = []store.FilingKind{store.PlannedStop, store.Renovation, store.PowerCut, store.Other}
)

// newForm builds the fields; filing forms have a filing kind and no level or cut.
func (od *ordersScreen) newForm(filing bool) *orderForm {
	tr := od.s.tr
	f := &orderForm{facs: widget.NewCheckGroup(nil, nil), exempt: widget.NewCheckGroup(nil, nil), facIDs: map[string]int64{}, cut: widget.NewEntry(),
		start: widget.NewEntry(), end: widget.NewEntry(), note: widget.NewEntry(), err: widget.NewLabel("")}
	f.err.Importance = widget.DangerImportance
	var names []string
	for _, e := range od.ents {
		names = append(names, e.Name)
	}
	f.ent = widget.NewSelect(names, func(string) { od.loadFacilities(f) })
	if filing {
		var kinds []string
		for _, k := range filingKinds {
			kinds = append(kinds, tr.T("filing."+string(k)))
		}
		f.kind = widget.NewSelect(kinds, nil)
	} else {
		f.kind = widget.NewSelect([]string{tr.T("order.shutdown"), tr.T("order.cut")}, nil)
		var levels []string
		for _, l := range orderLevels {
			levels = append(levels, od.level(l))
		}
		f.level = widget.NewSelect(levels, nil)
		f.level.SetSelectedIndex(1)
	}
	f.kind.SetSelectedIndex(0)
	start := dayStart(od.s.deps.Now()).AddDate(0, 0, 1)
	f.start.SetText(start.Format(orderTimeLayout))
	f.end.SetText(start.AddDate(0, 0, 3).Format(orderTimeLayout))
	f.cut.SetPlaceHolder("30")
	return f
}

// loadFacilities fills the facility checks with the chosen enterprise's facilities.
func (od *ordersScreen) loadFacilities(f *orderForm) {
	id := od.entID(f.ent.Selected)
	if id == 0 || od.s.deps.Registry == nil {
		return
	}
	load(od.s, func(ctx context.Context) ([]store.Facility, error) {
		return od.s.deps.Registry.FacilitiesByEnterprise(ctx, id)
	}, func(fs []store.Facility, err error) {
		if err != nil {
			f.err.SetText(od.s.errorText(od.s.tr.T("ord.col.facility"), err))
			return
		}
		var opts []string
		f.facIDs = map[string]int64{}
		for _, x := range fs {
			label := x.Name + " (" + od.s.facilityKind(x.Kind) + ")"
			opts = append(opts, label)
			f.facIDs[label] = x.ID
		}
		f.facs.Options = opts
		f.facs.Selected = nil
		f.facs.Refresh()
		f.exempt.Options = opts
		f.exempt.Selected = nil
		f.exempt.Refresh()
	})
}

func (od *ordersScreen) entID(name string) int64 {
	for _, e := range od.ents {
		if e.Name == name {
			return e.ID
		}
	}
	return 0
}

// period reads the form's start and end; the error is a sentence for people.
func (od *ordersScreen) period(f *orderForm) (time.Time, time.Time, string) {
	start, err1 := time.ParseInLocation(orderTimeLayout, strings.TrimSpace(f.start.Text), store.Beijing)
	end, err2 := time.ParseInLocation(orderTimeLayout, strings.TrimSpace(f.end.Text), store.Beijing)
	if err1 != nil || err2 != nil {
		return start, end, od.s.tr.T("valid.time")
	}
	if !end.After(start) {
		return start, end, od.s.tr.T("ord.valid.period")
	}
	return start, end, ""
}

// order reads the form as an order, or says what is wrong.
func (od *ordersScreen) order(f *orderForm) (store.Order, string) {
	o := store.Order{EnterpriseID: od.entID(f.ent.Selected), Note: strings.TrimSpace(f.note.Text)}
	if o.EnterpriseID == 0 {
		return o, od.s.tr.T("ord.valid.enterprise")
	}
	var msg string
	if o.Start, o.End, msg = od.period(f); msg != "" {
		return o, msg
	}
	o.Kind = orderKinds[max(f.kind.SelectedIndex(), 0)]
	o.Level = orderLevels[max(f.level.SelectedIndex(), 0)]
	if o.Kind == store.Cut {
		c, err := strconv.ParseFloat(strings.TrimSpace(f.cut.Text), 64)
		if err != nil || store.ValidCut(c) != nil {
			return o, od.s.tr.T("ord.valid.cut")
		}
		o.CutPercent = c
	}
	for _, label := range f.facs.Selected {
		o.FacilityIDs = append(o.FacilityIDs, f.facIDs[label])
	}
	for _, label := range f.exempt.Selected {
		o.ExemptIDs = append(o.ExemptIDs, f.facIDs[label])
	}
	return o, ""
}

func (od *ordersScreen) filing(f *orderForm) (store.Filing, string) {
	x := store.Filing{EnterpriseID: od.entID(f.ent.Selected), Note: strings.TrimSpace(f.note.Text)}
	if x.EnterpriseID == 0 {
		return x, od.s.tr.T("ord.valid.enterprise")
	}
	var msg string
	if x.Start, x.End, msg = od.period(f); msg != "" {
		return x, msg
	}
	x.Kind = filingKinds[max(f.kind.SelectedIndex(), 0)]
	for _, label := range f.facs.Selected {
		x.FacilityIDs = append(x.FacilityIDs, f.facIDs[label])
	}
	return x, ""
}

func (od *ordersScreen) onNewOrder()  { od.showForm(false) }
func (od *ordersScreen) onNewFiling() { od.showForm(true) }

// showForm opens the new order (or filing) dialog; it stays open with the
// problem shown until the input is valid and saved.
func (od *ordersScreen) showForm(filing bool) {
	tr := od.s.tr
	f := od.newForm(filing)
	items := []*widget.FormItem{
		widget.NewFormItem(tr.T("ord.col.enterprise"), f.ent),
		widget.NewFormItem(tr.T("ord.col.facility"), container.NewVBox(widget.NewLabel(tr.T("ord.facilities.hint")), f.facs)),
		widget.NewFormItem(tr.T("ord.col.kind"), f.kind),
	}
	if !filing {
		items = append(items, widget.NewFormItem(tr.T("ord.col.exempt"), container.NewVBox(widget.NewLabel(tr.T("ord.exempt.hint")), f.exempt)),
			widget.NewFormItem(tr.T("ord.col.cut"), f.cut), widget.NewFormItem(tr.T("ord.col.level"), f.level))
	}
	items = append(items, widget.NewFormItem(tr.T("ord.col.start"), f.start), widget.NewFormItem(tr.T("ord.col.end"), f.end),
		widget.NewFormItem(tr.T("ord.col.note"), f.note))
	title := tr.T("ord.new")
	if filing {
		title = tr.T("ord.filing.new")
	}
	var dlg *dialog.CustomDialog
	save := widget.NewButton(tr.T("common.save"), func() { od.save(f, filing, func() { dlg.Hide() }) })
	save.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(widget.NewForm(items...), f.err), od.s.win)
	dlg.SetButtons([]fyne.CanvasObject{widget.NewButton(tr.T("common.cancel"), func() { dlg.Hide() }), save})
	dlg.Resize(fyne.NewSize(560, 520))
	dlg.Show()
}

// save validates f and creates the order or filing; done closes the dialog.
func (od *ordersScreen) save(f *orderForm, filing bool, done func()) {
	d := od.s.deps.Orders
	if d == nil {
		f.err.SetText(od.s.tr.T("ord.nodesk"))
		return
	}
	who := od.s.operator()
	var work func(ctx context.Context) error
	if filing {
		x, msg := od.filing(f)
		if msg != "" {
			f.err.SetText(msg)
			return
		}
		work = func(ctx context.Context) error { return d.CreateFiling(ctx, who, &x) }
	} else {
		o, msg := od.order(f)
		if msg != "" {
			f.err.SetText(msg)
			return
		}
		work = func(ctx context.Context) error { return d.CreateOrder(ctx, who, &o) }
	}
	f.err.SetText(od.s.tr.T("common.saving"))
	load(od.s, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) {
		if err != nil {
			f.err.SetText(od.s.message(err))
			return
		}
		done()
		od.refresh()
	})
}

func (od *ordersScreen) onImport(filings bool) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		od.importFile(path, filings)
	}, od.s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx", ".csv"}))
	d.Show()
}

// importFile imports orders or filings from path and lists every bad row.
func (od *ordersScreen) importFile(path string, filings bool) {
	s := od.s
	if s.deps.Orders == nil {
		od.note.SetText(s.tr.T("ord.nodesk"))
		return
	}
	who := s.operator()
	load(s, func(ctx context.Context) (store.ImportSummary, error) {
		return s.deps.Orders.ImportOrderFile(ctx, who, path, filings)
	}, func(sum store.ImportSummary, err error) {
		if err != nil {
			var lines []string
			var joined interface{ Unwrap() []error }
			if errors.As(err, &joined) {
				for _, e := range joined.Unwrap() {
					lines = append(lines, e.Error())
				}
			} else {
				lines = append(lines, s.message(err))
			}
			dialog.ShowInformation(s.tr.T("ord.import.failed"), strings.Join(lines, "\n"), s.win)
			return
		}
		od.note.SetText(s.tr.T("ord.imported", path))
		od.refresh()
	})
}

func (od *ordersScreen) onExport(ext string) {
	if !od.hasRep {
		od.summary.SetText(od.s.tr.T("ord.pick"))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		od.exportTo(path)
	}, od.s.win)
	d.SetFileName("减排报告" + ext)
	d.Show()
}

// exportTo writes the shown report to path (.xlsx or .pdf).
func (od *ordersScreen) exportTo(path string) {
	if od.s.deps.Orders == nil || !od.hasRep {
		return
	}
	r := od.report
	load(od.s, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, od.s.deps.Orders.ExportEpisode(ctx, r, path)
	}, func(_ struct{}, err error) {
		if err != nil {
			od.note.SetText(od.s.errorText(od.s.tr.T("ord.report"), err))
			return
		}
		od.note.SetText(od.s.tr.T("ord.exported", path))
	})
}
