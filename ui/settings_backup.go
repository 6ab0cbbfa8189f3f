package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// BackupInfo is one retained backup: a night of the incremental backups or
// a full copy.
type BackupInfo struct {
	Name  string    // file name in the backup folder, e.g. powerwatch-20261201-020000.pwbk
	Taken time.Time // when it was taken
	Size  int64     // bytes on disk that are its own (an incremental night: its record)
}

// Backups is 设置's 备份与恢复: the retained backups, and putting one back in
// place of the database. app's desk is one.
type Backups interface {
	ListBackups(ctx context.Context) ([]BackupInfo, error)
	// RestoreBackup stops the service (nothing is written any more), puts
	// the backup back as `powerwatch restore` does — the inbox drained into
	// the current file, which is kept aside — and returns where the replaced
	// database was kept. The app then restarts on the restored file.
	RestoreBackup(ctx context.Context, name string) (aside string, err error)
}

// backupPanel lists the retained backups, newest first, each with its date
// and size, and puts the chosen one back after a confirmation that says
// what will be replaced.
type backupPanel struct {
	s        *Shell
	list     *widget.RadioGroup
	items    []BackupInfo
	note     *widget.Label
	restore  *widget.Button
	box      fyne.CanvasObject
	relayout func()
}

func newBackupPanel(s *Shell) *backupPanel {
	tr := s.tr
	p := &backupPanel{s: s, note: widget.NewLabel("")}
	p.note.Wrapping = fyne.TextWrapWord
	p.list = widget.NewRadioGroup(nil, func(string) { p.sync() })
	p.restore = widget.NewButton(tr.T("backup.restore"), p.onRestore)
	p.restore.Importance = widget.DangerImportance
	title := widget.NewLabelWithStyle(tr.T("backup.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	buttons := container.NewHBox(p.restore, widget.NewButton(tr.T("uplink.refresh"), p.refresh))
	p.box = container.NewVBox(container.NewBorder(nil, nil, nil, buttons, title), p.note, p.list)
	p.sync()
	return p
}

func (p *backupPanel) content() fyne.CanvasObject { return p.box }

func (p *backupPanel) refresh() {
	src := p.s.deps.Backups
	if src == nil {
		p.show(nil, nil)
		return
	}
	load(p.s, src.ListBackups, p.show)
}

func (p *backupPanel) label(b BackupInfo) string {
	return fmt.Sprintf("%s  ·  %s  ·  %s", b.Taken.In(store.Beijing).Format("2006-01-02 15:04"), megabytes(b.Size), b.Name)
}

func (p *backupPanel) show(bs []BackupInfo, err error) {
	tr := p.s.tr
	p.items = bs
	var opts []string
	for _, b := range bs {
		opts = append(opts, p.label(b))
	}
	p.list.Options = opts
	p.list.Selected = ""
	p.list.Refresh()
	switch {
	case err != nil:
		p.note.SetText(p.s.errorText(tr.T("backup.title"), err))
	case p.s.deps.Backups == nil:
		p.note.SetText(tr.T("backup.unavailable"))
	case len(bs) == 0:
		p.note.SetText(tr.T("backup.none"))
	default:
		p.note.SetText(tr.T("backup.count", len(bs)))
	}
	p.sync()
	if p.relayout != nil {
		p.relayout()
	}
}

// chosen returns the selected backup.
func (p *backupPanel) chosen() (BackupInfo, bool) {
	for _, b := range p.items {
		if p.label(b) == p.list.Selected {
			return b, true
		}
	}
	return BackupInfo{}, false
}

func (p *backupPanel) sync() {
	if _, ok := p.chosen(); ok {
		p.restore.Enable()
	} else {
		p.restore.Disable()
	}
}

// onRestore confirms, in words that say what is replaced, and restores.
func (p *backupPanel) onRestore() {
	b, ok := p.chosen()
	src, tr := p.s.deps.Backups, p.s.tr
	if !ok || src == nil {
		return
	}
	when := b.Taken.In(store.Beijing).Format("2006-01-02 15:04")
	p.s.confirm(tr.T("backup.confirm.title"), tr.T("backup.confirm", when, when), tr.T("backup.restore"), func() {
		p.restore.Disable()
		p.note.SetText(tr.T("backup.restoring", when))
		load(p.s, func(ctx context.Context) (string, error) {
			return src.RestoreBackup(ctx, b.Name)
		}, func(aside string, err error) {
			if err != nil {
				p.sync()
				p.note.SetText(p.s.errorText(tr.T("backup.title"), err))
				dialog.ShowError(fmt.Errorf("%s", p.s.message(err)), p.s.win)
				return
			}
			msg := tr.T("backup.restored", when, aside)
			p.note.SetText(msg)
			d := dialog.NewInformation(tr.T("backup.title"), msg, p.s.win)
			// The service was stopped for the restore: the app starts again
			// on the restored database.
			d.SetOnClosed(func() { p.s.app.Quit() })
			d.Show()
		})
	})
}

// megabytes formats a size for the list: "12.3 MB".
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
