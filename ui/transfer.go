package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// onImport asks for a registry file and imports it.
func (es *enterprisesScreen) onImport() {
	es.s.openFileDialog(es.s.tr.T("fd.title.open"), []string{".xlsx", ".csv"}, es.importFile)
}

// importFile imports path behind a progress dialog and reports every bad row.
func (es *enterprisesScreen) importFile(path string) {
	s := es.s
	who := s.operator()
	s.runTask(s.tr.T("ent.import.title"), func(ctx context.Context, progress func(int, int)) error {
		return s.deps.Transfer.ImportRegistry(ctx, who, path, progress)
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation(s.tr.T("ent.import.title"), s.message(err), s.win)
			return
		case err != nil:
			es.showReport(s.tr.T("ent.import.failed"), rowErrors(err))
			return
		}
		dialog.ShowInformation(s.tr.T("ent.import.title"), s.tr.T("ent.import.done", path), s.win)
		es.refresh()
	})
}

// onExport asks where to save and exports the registry there.
func (es *enterprisesScreen) onExport() {
	s := es.s
	s.saveFileDialog(s.tr.T("fd.title.save"), "registry.xlsx", func(path string) {
		s.runTask(s.tr.T("ent.export.title"), func(ctx context.Context, progress func(int, int)) error {
			return s.deps.Transfer.ExportRegistry(ctx, path, progress)
		}, func(err error) {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", s.message(err)), s.win)
				return
			}
			dialog.ShowInformation(s.tr.T("ent.export.title"), s.tr.T("ent.export.done", path), s.win)
		})
	})
}

// rowErrors flattens an import error into one line per bad row: an
// errors.Join of row errors gives one line each, anything else one line.
func rowErrors(err error) []string {
	var lines []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		lines = append(lines, strings.TrimSpace(e.Error()))
	}
	walk(err)
	return lines
}

// showReport lists the import's errors; nothing was imported.
func (es *enterprisesScreen) showReport(title string, lines []string) {
	s := es.s
	list := widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[i]) })
	head := widget.NewLabel(s.tr.T("ent.import.report", len(lines)))
	head.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, s.tr.T("common.close"), container.NewBorder(head, nil, nil, nil, list), s.win)
	d.Resize(fyne.NewSize(720, 480))
	d.Show()
}
