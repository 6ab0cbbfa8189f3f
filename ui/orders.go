package ui

import (
	"context"
	"fmt"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// OrderDesk is what the 管控 view changes and computes. Every change is
// audited (who, before, after) in the transaction that makes it, and the
// alarms it touches are judged again under the changed orders and filings,
// so the queue follows what binds the enterprises (app/desk_orders.go).
type OrderDesk interface {
	CreateOrder(ctx context.Context, who string, o *store.Order) error
	CreateFiling(ctx context.Context, who string, f *store.Filing) error
	// UpdateOrder corrects order o.ID; WithdrawOrder removes order id (an
	// order issued in error or called off). Each re-judges the enterprise's
	// alarms over the periods before and after the change.
	UpdateOrder(ctx context.Context, who string, o *store.Order) error
	WithdrawOrder(ctx context.Context, who string, id int64) error
	// UpdateFiling and WithdrawFiling do the same for 报备 filings.
	UpdateFiling(ctx context.Context, who string, f *store.Filing) error
	WithdrawFiling(ctx context.Context, who string, id int64) error
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
// imported, corrected or withdrawn; 报备 filings; the live board of an
// episode and its reduction report.
type ordersScreen struct {
	s   *Shell
	box fyne.CanvasObject

	episodes []store.Episode
	orders   []store.Order    // all orders, sorted as the 指令 table shows them
	filings  []store.Filing   // sorted as the 报备 table shows them
	names    map[int64]string // enterprise names
	ents     []store.Enterprise
	cur      int // selected episode, -1 when none
	report   store.EpisodeReport
	hasRep   bool

	list      *widget.List
	note      *widget.Label
	title     *widget.Label
	summary   *widget.Label
	board     *specTable[store.FacilityReduction]
	groups    *specTable[store.ReductionRow]
	groupRows []store.ReductionRow
	ordTable  *specTable[store.Order]
	filTable  *specTable[store.Filing]
	selOrder  int64  // the order picked in the 指令 table, 0 when none
	selFiling int64  // the filing picked in the 报备 table, 0 when none
	done      string // what the last change did, shown by the next reload
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

	od.board = newSpecTable(od.boardColumns(), func() []store.FacilityReduction { return od.report.Facilities }, nil,
		func() { od.report.Facilities = od.board.sorted(od.report.Facilities) })
	od.groups = newSpecTable(od.groupColumns(), func() []store.ReductionRow { return od.groupRows }, nil,
		func() { od.groupRows = od.groups.sorted(od.groupRows) })
	od.groups.hint = od.board.hint // one line under both tables shows a cut name whole
	od.ordTable = newSpecTable(od.orderColumns(), func() []store.Order { return od.orders },
		func(i int) { od.selOrder = od.orders[i].ID }, func() { od.orders = od.ordTable.sorted(od.orders) })
	od.filTable = newSpecTable(od.filingColumns(), func() []store.Filing { return od.filings },
		func(i int) { od.selFiling = od.filings[i].ID }, func() { od.filings = od.filTable.sorted(od.filings) })

	xlsx := widget.NewButton(tr.T("ord.export.xlsx"), func() { od.onExport(".xlsx") })
	pdf := widget.NewButton(tr.T("ord.export.pdf"), func() { od.onExport(".pdf") })
	right := container.NewBorder(container.NewVBox(od.title, od.summary, container.NewHBox(xlsx, pdf)), od.board.hint, nil, nil,
		container.NewVSplit(od.board.table, od.groups.table))
	episodes := container.NewHSplit(od.list, right)
	episodes.Offset = 0.25
	orderBar := container.NewHBox(widget.NewButton(tr.T("ord.edit"), od.onEditOrder), widget.NewButton(tr.T("ord.withdraw"), od.onWithdrawOrder))
	filingBar := container.NewHBox(widget.NewButton(tr.T("ord.filing.edit"), od.onEditFiling), widget.NewButton(tr.T("ord.filing.withdraw"), od.onWithdrawFiling))
	tabs := container.NewAppTabs(
		container.NewTabItem(tr.T("ord.tab.episodes"), episodes),
		container.NewTabItem(tr.T("ord.tab.orders"), container.NewBorder(orderBar, od.ordTable.hint, nil, nil, od.ordTable.table)),
		container.NewTabItem(tr.T("ord.tab.filings"), container.NewBorder(filingBar, od.filTable.hint, nil, nil, od.filTable.table)))
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

func (od *ordersScreen) content() fyne.CanvasObject { return od.box }

type ordersLoad struct {
	episodes []store.Episode
	orders   []store.Order
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
		l.episodes, l.orders = store.EpisodesOf(orders), orders
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
		od.episodes, od.ents = l.episodes, l.ents
		od.orders, od.filings = od.ordTable.sorted(l.orders), od.filTable.sorted(l.filings)
		od.keepSelection()
		for _, e := range l.ents {
			od.names[e.ID] = e.Name
		}
		if d.Orders == nil {
			od.note.SetText(od.s.tr.T("ord.nodesk"))
		} else {
			od.note.SetText(od.s.tr.T("ord.count", len(l.episodes), len(l.filings)))
			if od.done != "" { // what the last action did, until the next reload
				od.note.SetText(od.done + " " + od.note.Text)
				od.done = ""
			}
		}
		od.list.Refresh()
		od.ordTable.Refresh()
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
func (od *ordersScreen) phase(ep store.Episode) string { return od.phaseOf(ep.Start, ep.End) }

// phaseOf says whether a period [start, end) is ahead, running or over.
func (od *ordersScreen) phaseOf(start, end time.Time) string {
	now := od.s.deps.Now()
	switch {
	case now.Before(start):
		return od.s.tr.T("ord.phase.ahead")
	case now.Before(end):
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
		r.Facilities = od.board.sorted(r.Facilities)
		od.report, od.hasRep = r, true
		od.groupRows = od.groups.sorted(append(append(append([]store.ReductionRow{}, r.Industries...), r.Enterprises...), r.Total))
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
