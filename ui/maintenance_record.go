package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// The maintenance record (运行维护记录) of the guideline: the form that
// closes a task, and the record shown afterwards.

// recordForm is the guideline's maintenance record form as widgets.
type recordForm struct {
	ms     *maintenanceScreen
	task   store.Task
	date   *widget.Entry
	people *widget.Entry
	checks map[store.CheckItem]*widget.Select
	notes  map[store.CheckItem]*widget.Entry
	onoff  []onOffRow
	probs  *widget.Entry
	acts   *widget.Entry
	photos []string
	plist  *widget.Label
	signBy *widget.Entry
	signOn *widget.Entry
	form   *widget.Form
}

type onOffRow struct {
	f       store.Facility
	off, on *widget.Select
	note    *widget.Entry
}

// results are the choices of a check, in the order of resultOf.
func (ms *maintenanceScreen) results() []string {
	t := ms.s.tr
	return []string{t.T("maint.res.none"), t.T("maint.res.ok"), t.T("maint.res.fault"), t.T("maint.res.na")}
}

var resultOf = []store.CheckResult{"", store.CheckOK, store.CheckFault, store.CheckNotApply}

func selected(sel *widget.Select) store.CheckResult {
	if i := sel.SelectedIndex(); i > 0 && i < len(resultOf) {
		return resultOf[i]
	}
	return ""
}

func (ms *maintenanceScreen) checkLabel(c store.CheckItem) string {
	switch c {
	case store.CheckCommunication:
		return ms.s.tr.T("maint.check.communication")
	case store.CheckData:
		return ms.s.tr.T("maint.check.data")
	case store.CheckPosition:
		return ms.s.tr.T("maint.check.position")
	case store.CheckRelations:
		return ms.s.tr.T("maint.check.relations")
	case store.CheckWiring:
		return ms.s.tr.T("maint.check.wiring")
	case store.CheckGrounding:
		return ms.s.tr.T("maint.check.grounding")
	}
	return string(c)
}

func (ms *maintenanceScreen) newRecordForm(t store.Task, facilities []store.Facility) *recordForm {
	s := ms.s
	today := s.deps.Now().In(store.Beijing).Format(time.DateOnly)
	rf := &recordForm{ms: ms, task: t, date: widget.NewEntry(), people: widget.NewEntry(),
		checks: map[store.CheckItem]*widget.Select{}, notes: map[store.CheckItem]*widget.Entry{},
		probs: widget.NewMultiLineEntry(), acts: widget.NewMultiLineEntry(), plist: widget.NewLabel(""),
		signBy: widget.NewEntry(), signOn: widget.NewEntry()}
	rf.date.SetText(today)
	rf.signOn.SetText(today)
	rf.people.SetText(t.Assignee)
	rf.form = widget.NewForm(
		widget.NewFormItem(s.tr.T("maint.enterprise"), widget.NewLabel(ms.data.names[t.EnterpriseID])),
		widget.NewFormItem(s.tr.T("maint.task"), widget.NewLabel(t.Reason)),
		widget.NewFormItem(s.tr.T("maint.date"), rf.date),
		widget.NewFormItem(s.tr.T("maint.people"), rf.people))
	for _, it := range store.CheckItems() {
		sel := newSelect(s.tr, ms.results(), nil)
		sel.SetSelectedIndex(0)
		note := widget.NewEntry()
		note.SetPlaceHolder(s.tr.T("maint.note"))
		rf.checks[it], rf.notes[it] = sel, note
		rf.form.Append(ms.checkLabel(it), container.NewBorder(nil, nil, sel, nil, note))
	}
	for _, f := range facilities {
		r := onOffRow{f: f, off: newSelect(s.tr, ms.results(), nil), on: newSelect(s.tr, ms.results(), nil), note: widget.NewEntry()}
		r.off.SetSelectedIndex(0)
		r.on.SetSelectedIndex(0)
		r.note.SetPlaceHolder(s.tr.T("maint.note"))
		rf.onoff = append(rf.onoff, r)
		rf.form.Append(s.tr.T("maint.onoff", f.Name), container.NewBorder(nil, nil,
			container.NewHBox(widget.NewLabel(s.tr.T("maint.off")), r.off, widget.NewLabel(s.tr.T("maint.on")), r.on), nil, r.note))
	}
	rf.form.Append(s.tr.T("maint.problems"), rf.probs)
	rf.form.Append(s.tr.T("maint.actions"), rf.acts)
	addPhoto := widget.NewButton(s.tr.T("maint.photo.add"), func() {
		s.openFileDialog(s.tr.T("fd.title.open"), photoExts, func(path string) {
			data, err := os.ReadFile(path)
			if err != nil {
				dialog.ShowError(err, s.win)
				return
			}
			rf.addPhoto(filepath.Base(path), data)
		})
	})
	rf.form.Append(s.tr.T("maint.photos"), container.NewBorder(nil, nil, addPhoto, nil, rf.plist))
	rf.form.Append(s.tr.T("maint.signby"), rf.signBy)
	rf.form.Append(s.tr.T("maint.signon"), rf.signOn)
	return rf
}

// addPhoto stores a photo through the app and lists it on the form.
func (rf *recordForm) addPhoto(name string, data []byte) {
	s := rf.ms.s
	load(s, func(ctx context.Context) (string, error) {
		return s.deps.Maintenance.SavePhoto(ctx, name, data)
	}, func(p string, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		rf.photos = append(rf.photos, p)
		rf.plist.SetText(strings.Join(rf.photos, "\n"))
	})
}

// record reads the form; msg says what is missing or wrong ("" when nothing).
func (rf *recordForm) record() (store.MaintenanceRecord, string) {
	t := rf.ms.s.tr
	r := store.MaintenanceRecord{TaskID: rf.task.ID, Kind: rf.task.Kind, EnterpriseID: rf.task.EnterpriseID, PointID: rf.task.PointID,
		People: strings.TrimSpace(rf.people.Text), Problems: strings.TrimSpace(rf.probs.Text), Actions: strings.TrimSpace(rf.acts.Text),
		Photos: rf.photos, SignedBy: strings.TrimSpace(rf.signBy.Text)}
	var err error
	if r.Date, err = store.ParseLocalTime(rf.date.Text); err != nil {
		return r, t.T("maint.bad.date", rf.date.Text)
	}
	if r.People == "" {
		return r, t.T("maint.bad.people")
	}
	if strings.TrimSpace(rf.signOn.Text) != "" {
		if r.SignedAt, err = store.ParseLocalTime(rf.signOn.Text); err != nil {
			return r, t.T("maint.bad.date", rf.signOn.Text)
		}
	}
	for _, it := range store.CheckItems() {
		res, note := selected(rf.checks[it]), strings.TrimSpace(rf.notes[it].Text)
		if res != "" || note != "" {
			r.Checks = append(r.Checks, store.Check{Item: it, Result: res, Note: note})
		}
	}
	for _, o := range rf.onoff {
		off, on, note := selected(o.off), selected(o.on), strings.TrimSpace(o.note.Text)
		if off != "" || on != "" || note != "" {
			r.OnOff = append(r.OnOff, store.OnOffTest{FacilityID: o.f.ID, Facility: o.f.Name, Off: off, On: on, Note: note})
		}
	}
	return r, ""
}

// recordDialog closes task t with a maintenance record.
func (ms *maintenanceScreen) recordDialog(t store.Task) {
	s := ms.s
	load(s, func(ctx context.Context) ([]store.Facility, error) {
		if s.deps.Registry == nil || t.EnterpriseID == 0 {
			return nil, nil
		}
		return s.deps.Registry.FacilitiesByEnterprise(ctx, t.EnterpriseID)
	}, func(fs []store.Facility, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		rf := ms.newRecordForm(t, fs)
		dlg := s.editDialog(s.tr.T("maint.record.title"), rf.form, func() (string, func(ctx context.Context, who string) error) {
			r, msg := rf.record()
			if msg != "" {
				return msg, nil
			}
			return "", func(ctx context.Context, who string) error { return s.deps.Maintenance.AddRecord(ctx, who, &r) }
		}, ms.refresh)
		dlg.Resize(fyne.NewSize(860, 700))
	})
}

// showRecord shows the record that closed t, with its PDF export.
func (ms *maintenanceScreen) showRecord(t store.Task) {
	s := ms.s
	load(s, func(ctx context.Context) (store.MaintenanceRecord, error) {
		return s.deps.Maintenance.RecordByID(ctx, t.RecordID)
	}, func(r store.MaintenanceRecord, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s\n%s: %s\n", s.tr.T("maint.date"), shortTime(r.Date), s.tr.T("maint.people"), r.People)
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "%s: %s %s\n", ms.checkLabel(c.Item), ms.results()[indexOf(c.Result)], c.Note)
		}
		for _, o := range r.OnOff {
			fmt.Fprintf(&b, "%s: %s %s / %s %s %s\n", o.Facility, s.tr.T("maint.off"), ms.results()[indexOf(o.Off)],
				s.tr.T("maint.on"), ms.results()[indexOf(o.On)], o.Note)
		}
		fmt.Fprintf(&b, "%s: %s\n%s: %s\n%s: %s\n%s: %s %s\n", s.tr.T("maint.problems"), r.Problems, s.tr.T("maint.actions"), r.Actions,
			s.tr.T("maint.photos"), strings.Join(r.Photos, ", "), s.tr.T("maint.signby"), r.SignedBy, shortTime(r.SignedAt))
		text := widget.NewLabel(b.String())
		text.Wrapping = fyne.TextWrapWord
		pdf := widget.NewButton(s.tr.T("maint.pdf"), func() {
			s.saveFileDialog(s.tr.T("fd.title.save"), fmt.Sprintf("运维记录-%d.pdf", r.ID), func(path string) {
				load(s, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, s.deps.Maintenance.PrintRecord(ctx, path, r)
				}, func(_ struct{}, err error) {
					if err != nil {
						dialog.ShowError(err, s.win)
					}
				})
			})
		})
		dlg := dialog.NewCustom(s.tr.T("maint.record.title"), s.tr.T("common.close"),
			container.NewBorder(nil, container.NewHBox(pdf), nil, nil, container.NewVScroll(text)), s.win)
		dlg.Resize(fyne.NewSize(720, 560))
		dlg.Show()
	})
}

func indexOf(r store.CheckResult) int {
	for i, x := range resultOf {
		if x == r {
			return i
		}
	}
	return 0
}
