package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// ReviewPackages moves alarms to a laptop for offline review and the
// decisions back (*sqlite.DB has these methods). ReviewPackageInfo returns
// an error wrapping store.ErrNotFound when the open database is not a package.
type ReviewPackages interface {
	// ExportReviewAlarms writes the alarms ids names, with what reviewing them needs, to a new package file.
	ExportReviewAlarms(ctx context.Context, who, path string, ids []int64, margin time.Duration) (store.ReviewPackage, error)
	ImportReviewPackage(ctx context.Context, who, path string, resolve map[int64]store.ReviewSide) (store.ReviewImport, error)
	ReviewPackageInfo(ctx context.Context) (store.ReviewPackage, error)
}

func (as *alarmsScreen) onExportPackage() {
	as.s.saveFileDialog(as.s.tr.T("fd.title.save"), "review.pwreview", func(path string) {
		// Overwriting was confirmed; the package writer wants the place free.
		if err := removeOld(path); err != nil {
			as.note.SetText(as.s.errorText(as.s.tr.T("al.pkg.export"), err))
			return
		}
		as.exportPackage(path)
	})
}

// exportPackage writes the alarms the queue shows (filtered as on screen) to
// a review package at path.
func (as *alarmsScreen) exportPackage(path string) {
	s := as.s
	if s.deps.Packages == nil {
		as.note.SetText(s.tr.T("common.nodata"))
		return
	}
	ids := make([]int64, len(as.rows))
	for i, r := range as.rows {
		ids[i] = r.a.ID
	}
	who := s.operator()
	load(s, func(ctx context.Context) (store.ReviewPackage, error) {
		return s.deps.Packages.ExportReviewAlarms(ctx, who, path, ids, evidenceMargin)
	}, func(p store.ReviewPackage, err error) {
		if err != nil {
			as.note.SetText(s.errorText(s.tr.T("al.pkg.export"), err))
			return
		}
		as.note.SetText(s.tr.T("al.pkg.exported", p.Alarms, path))
	})
}

func (as *alarmsScreen) onImportPackage() {
	as.s.openFileDialog(as.s.tr.T("fd.title.open"), []string{".pwreview"}, func(path string) {
		as.importPackage(path, nil)
	})
}

// importPackage imports the decisions of the package at path; conflicts are
// shown for the reviewer to resolve, and resolving imports again with the choices.
func (as *alarmsScreen) importPackage(path string, resolve map[int64]store.ReviewSide) {
	s := as.s
	if s.deps.Packages == nil {
		as.note.SetText(s.tr.T("common.nodata"))
		return
	}
	who := s.operator()
	load(s, func(ctx context.Context) (store.ReviewImport, error) {
		return s.deps.Packages.ImportReviewPackage(ctx, who, path, resolve)
	}, func(res store.ReviewImport, err error) {
		if err != nil {
			as.note.SetText(s.errorText(s.tr.T("al.pkg.import"), err))
			return
		}
		as.note.SetText(s.tr.T("al.pkg.imported", res.Imported, res.SetAside, len(res.Conflicts), len(res.AlreadyApplied), len(res.Refused)))
		if len(res.Refused) > 0 || len(res.AlreadyApplied) > 0 {
			as.showImportReport(res)
		}
		if len(res.Conflicts) > 0 {
			as.showConflicts(path, res.Conflicts)
		}
		as.refresh()
	})
}

// showImportReport lists the package's decisions that were not applied now:
// refused for their time or reviewer, or applied by an earlier import — so
// importing a package twice is never a silent "nothing to do".
func (as *alarmsScreen) showImportReport(res store.ReviewImport) {
	s := as.s
	box := container.NewVBox()
	line := func(text string) {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	for _, r := range res.Refused {
		line(s.tr.T("al.pkg.refused", r.AlarmID, s.disposition(r.Disposition), r.Reviewer, short(r.At), r.Reason))
	}
	for _, a := range res.AlreadyApplied {
		line(s.tr.T("al.pkg.already", a.AlarmID, s.disposition(a.Disposition), a.Reviewer, short(a.At), a.ImportedBy, short(a.ImportedAt)))
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(640, 320))
	dialog.NewCustom(s.tr.T("al.pkg.report"), s.tr.T("common.close"), scroll, s.win).Show()
}

// showConflicts lets the reviewer choose, per alarm reviewed in both places,
// which decision stands. Nothing is applied for an alarm left undecided.
func (as *alarmsScreen) showConflicts(path string, cs []store.ReviewConflict) {
	s := as.s
	office, pkg := s.tr.T("al.conflict.office"), s.tr.T("al.conflict.package")
	choices := make([]*widget.RadioGroup, len(cs))
	box := container.NewVBox(widget.NewLabel(s.tr.T("al.conflict.intro")))
	last := func(rs []store.Review) string {
		if len(rs) == 0 {
			return "—"
		}
		r := rs[len(rs)-1]
		return s.tr.T("al.review", short(r.At), r.Reviewer, s.disposition(r.Disposition), r.Note)
	}
	for i, c := range cs {
		choices[i] = widget.NewRadioGroup([]string{office, pkg}, nil)
		choices[i].Horizontal = true
		box.Add(widget.NewLabel(s.tr.T("al.conflict.alarm", c.AlarmID, last(c.Office), last(c.Package))))
		box.Add(choices[i])
	}
	d := dialog.NewCustomConfirm(s.tr.T("al.conflict.title"), s.tr.T("al.conflict.apply"), s.tr.T("common.cancel"),
		container.NewVScroll(box), func(ok bool) {
			if !ok {
				return
			}
			resolve := map[int64]store.ReviewSide{}
			for i, c := range cs {
				switch choices[i].Selected {
				case office:
					resolve[c.AlarmID] = store.KeepOffice
				case pkg:
					resolve[c.AlarmID] = store.TakePackage
				}
			}
			if len(resolve) > 0 {
				as.importPackage(path, resolve)
			}
		}, s.win)
	d.Resize(fyne.NewSize(760, 480))
	d.Show()
}

// showPackage says so when the open database is a review package (a laptop).
func (as *alarmsScreen) showPackage(p *store.ReviewPackage) {
	if p == nil {
		return
	}
	as.note.SetText(as.note.Text + "  " + as.s.tr.T("al.pkg.offline", p.Alarms, short(p.CreatedAt), p.CreatedBy))
}
