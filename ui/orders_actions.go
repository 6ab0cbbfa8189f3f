package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"powerwatch/store"
)

// keepSelection forgets the picked order or filing when a reload no longer lists it.
func (od *ordersScreen) keepSelection() {
	if _, ok := od.orderByID(od.selOrder); !ok {
		od.selOrder = 0
		od.ordTable.table.UnselectAll()
	}
	if _, ok := od.filingByID(od.selFiling); !ok {
		od.selFiling = 0
		od.filTable.table.UnselectAll()
	}
}

func (od *ordersScreen) orderByID(id int64) (store.Order, bool) {
	for _, o := range od.orders {
		if o.ID == id && id != 0 {
			return o, true
		}
	}
	return store.Order{}, false
}

func (od *ordersScreen) filingByID(id int64) (store.Filing, bool) {
	for _, f := range od.filings {
		if f.ID == id && id != 0 {
			return f, true
		}
	}
	return store.Filing{}, false
}

// onEditOrder opens the picked order in the form, to correct it.
func (od *ordersScreen) onEditOrder() {
	o, ok := od.orderByID(od.selOrder)
	if !ok {
		od.note.SetText(od.s.tr.T("ord.pick.order"))
		return
	}
	od.showForm(od.orderEditForm(o))
}

func (od *ordersScreen) onEditFiling() {
	f, ok := od.filingByID(od.selFiling)
	if !ok {
		od.note.SetText(od.s.tr.T("ord.pick.filing"))
		return
	}
	od.showForm(od.filingEditForm(f))
}

// onWithdrawOrder withdraws the picked order once the officer confirms.
func (od *ordersScreen) onWithdrawOrder() {
	o, ok := od.orderByID(od.selOrder)
	if !ok {
		od.note.SetText(od.s.tr.T("ord.pick.order"))
		return
	}
	msg := od.s.tr.T("ord.withdraw.confirm", od.names[o.EnterpriseID], od.orderText(o.Kind, o.CutPercent), beijing(o.Start), beijing(o.End))
	od.s.confirm(od.s.tr.T("ord.withdraw"), msg, od.s.tr.T("ord.withdraw"), func() {
		od.withdraw(func(ctx context.Context, d OrderDesk, who string) error { return d.WithdrawOrder(ctx, who, o.ID) })
	})
}

func (od *ordersScreen) onWithdrawFiling() {
	f, ok := od.filingByID(od.selFiling)
	if !ok {
		od.note.SetText(od.s.tr.T("ord.pick.filing"))
		return
	}
	msg := od.s.tr.T("ord.filing.withdraw.confirm", od.names[f.EnterpriseID], od.s.tr.T("filing."+string(f.Kind)), beijing(f.Start), beijing(f.End))
	od.s.confirm(od.s.tr.T("ord.filing.withdraw"), msg, od.s.tr.T("ord.filing.withdraw"), func() {
		od.withdraw(func(ctx context.Context, d OrderDesk, who string) error { return d.WithdrawFiling(ctx, who, f.ID) })
	})
}

// withdraw runs a confirmed withdrawal and reloads the screen.
func (od *ordersScreen) withdraw(work func(ctx context.Context, d OrderDesk, who string) error) {
	d := od.s.deps.Orders
	if d == nil {
		od.note.SetText(od.s.tr.T("ord.nodesk"))
		return
	}
	who := od.s.operator()
	load(od.s, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx, d, who) }, func(_ struct{}, err error) {
		if err != nil {
			od.note.SetText(od.s.errorText(od.s.tr.T("ord.withdraw"), err))
			return
		}
		od.done = od.s.tr.T("ord.withdrawn")
		od.refresh()
	})
}

func (od *ordersScreen) onImport(filings bool) {
	od.s.openFileDialog(od.s.tr.T("fd.title.open"), []string{".xlsx", ".csv"}, func(path string) {
		od.importFile(path, filings)
	})
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
	od.s.saveFileDialog(od.s.tr.T("fd.title.save"), "减排报告"+ext, od.exportTo)
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
