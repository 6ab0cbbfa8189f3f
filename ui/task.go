package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// runTask runs long work (import, export, re-evaluation) off the UI goroutine
// behind a dialog with a progress bar and a Cancel button. Cancel ends work's
// context; done gets work's error on the UI goroutine.
func (s *Shell) runTask(title string, work func(ctx context.Context, progress func(done, total int)) error, done func(error)) {
	ctx, cancel := context.WithCancel(s.ctx)
	bar := widget.NewProgressBar()
	info := widget.NewLabel(s.tr.T("task.starting"))
	var dlg *dialog.CustomDialog
	stop := widget.NewButton(s.tr.T("common.cancel"), func() {
		info.SetText(s.tr.T("task.canceling"))
		cancel()
	})
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(info, bar), s.win)
	dlg.SetButtons([]fyne.CanvasObject{stop})
	dlg.Resize(fyne.NewSize(420, 160))
	dlg.Show()
	progress := func(n, total int) {
		s.do(func() {
			if total > 0 {
				bar.SetValue(float64(n) / float64(total))
				info.SetText(s.tr.T("task.progress", n, total))
			}
		})
	}
	load(s, func(context.Context) (struct{}, error) {
		return struct{}{}, work(ctx, progress)
	}, func(_ struct{}, err error) {
		cancel()
		dlg.Hide()
		done(err)
	})
}
