package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// JobInfo is one scheduled job as the config defines it.
type JobInfo struct {
	Name string // as in the job log: backup, weekly-communication …
	Spec string // the config's cron spec, 5 fields, Beijing time
}

// Maintenance is what the 运维 view reads and calls: the store's tasks,
// records and job log (methods of *sqlite.DB), and the app's files and
// schedule. A nil Deps.Maintenance shows the view without data.
type Maintenance interface {
	FindTasks(ctx context.Context, f store.TaskFilter) ([]store.Task, error)
	AssignTask(ctx context.Context, who string, id int64, assignee string) error
	// AddRecord stores r and closes its task; a task already closed gives store.ErrConflict.
	AddRecord(ctx context.Context, who string, r *store.MaintenanceRecord) error
	RecordByID(ctx context.Context, id int64) (store.MaintenanceRecord, error)
	FindRecords(ctx context.Context, f store.RecordFilter) ([]store.MaintenanceRecord, error)
	LastJobRuns(ctx context.Context) (map[string]store.JobRun, error)
	JobSpecs(ctx context.Context) (map[string]string, error)
	// SetJobSpec stores a job's spec; "" returns it to the config's. It applies from the next start.
	SetJobSpec(ctx context.Context, who, job, spec string) error

	// Jobs lists the scheduled jobs with their config specs.
	Jobs() []JobInfo
	// CheckSpec says what is wrong with a cron spec, nil when it is valid.
	CheckSpec(spec string) error
	// SavePhoto keeps a photo next to the database and returns its path for MaintenanceRecord.Photos.
	SavePhoto(ctx context.Context, name string, data []byte) (string, error)
	// ExportRecords writes records as an Excel file at path.
	ExportRecords(ctx context.Context, path string, rs []store.MaintenanceRecord) error
	// PrintRecord writes one record as a PDF in the layout of the guideline's form.
	PrintRecord(ctx context.Context, path string, r store.MaintenanceRecord) error

	// Survey returns an enterprise's site survey; an empty one when none was saved.
	Survey(ctx context.Context, enterpriseID int64) (store.Survey, error)
	// SaveSurvey keeps the survey in the enterprise's files (一企一档).
	SaveSurvey(ctx context.Context, who string, s store.Survey) error
	// DesignWarnings checks the survey's point design against §6.7.1 and the registry.
	DesignWarnings(ctx context.Context, s store.Survey) ([]string, error)
	// PrintSurvey writes the survey and installation report (§6.7.2) as PDF at path.
	PrintSurvey(ctx context.Context, path string, s store.Survey) error
	// Acceptance judges the enterprise's points over [since, now): the live checklist of the
	// acceptance or inspection test while the installer switches each facility off and on.
	Acceptance(ctx context.Context, enterpriseID int64, since time.Time) ([]store.AcceptanceResult, error)
	// SaveAcceptance stores the test's result as a maintenance record of kind (acceptance or inspection).
	SaveAcceptance(ctx context.Context, who string, kind store.TaskKind, enterpriseID int64, since time.Time, people string) (store.MaintenanceRecord, error)
}

// maintenanceScreen is 运维: the tasks due, the tasks done with their
// records, and the scheduled jobs with their last run.
type maintenanceScreen struct {
	s    *Shell
	tabs *container.AppTabs
	note *widget.Label

	open, done *widget.Table
	jobs       *widget.Table
	data       maintData
	survey     *surveyTab
	test       *testTab
}

// maintData is everything the screen shows, loaded together.
type maintData struct {
	open, done []store.Task
	names      map[int64]string // enterprise names
	ents       []store.Enterprise
	jobs       []JobInfo
	specs      map[string]string
	last       map[string]store.JobRun
}

func newMaintenanceScreen(s *Shell) *maintenanceScreen {
	ms := &maintenanceScreen{s: s, note: widget.NewLabel("")}
	ms.note.Wrapping = fyne.TextWrapWord
	ms.open = ms.taskTable(func() []store.Task { return ms.data.open }, []string{
		s.tr.T("maint.due"), s.tr.T("maint.kind"), s.tr.T("maint.enterprise"), s.tr.T("maint.reason"), s.tr.T("maint.assignee")},
		func(t store.Task) []string {
			return []string{shortTime(t.Due), ms.kind(t.Kind), ms.data.names[t.EnterpriseID], t.Reason, t.Assignee}
		}, ms.openTask)
	ms.done = ms.taskTable(func() []store.Task { return ms.data.done }, []string{
		s.tr.T("maint.closed"), s.tr.T("maint.kind"), s.tr.T("maint.enterprise"), s.tr.T("maint.reason"), s.tr.T("maint.record")},
		func(t store.Task) []string {
			return []string{shortTime(t.ClosedAt), ms.kind(t.Kind), ms.data.names[t.EnterpriseID], t.Reason, fmt.Sprint(t.RecordID)}
		}, ms.showRecord)
	ms.jobs = widget.NewTableWithHeaders(
		func() (int, int) { return len(ms.data.jobs), 5 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(ms.jobCell(id)) })
	ms.jobs.ShowHeaderColumn = false
	heads := []string{s.tr.T("maint.job"), s.tr.T("maint.spec"), s.tr.T("maint.lastrun"), s.tr.T("maint.result"), s.tr.T("maint.detail")}
	ms.jobs.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(heads[id.Col])
		}
	}
	for i, w := range []float32{200, 150, 150, 90, 480} {
		ms.jobs.SetColumnWidth(i, w)
	}
	ms.jobs.OnSelected = func(id widget.TableCellID) {
		ms.jobs.UnselectAll()
		if id.Row >= 0 && id.Row < len(ms.data.jobs) {
			ms.editSpec(ms.data.jobs[id.Row])
		}
	}
	export := widget.NewButton(s.tr.T("maint.export"), ms.exportRecords)
	ms.survey = newSurveyTab(ms)
	ms.test = newTestTab(ms)
	ms.tabs = container.NewAppTabs(
		container.NewTabItem(s.tr.T("maint.tab.open"), ms.open),
		container.NewTabItem(s.tr.T("maint.tab.done"), container.NewBorder(container.NewHBox(export), nil, nil, nil, ms.done)),
		container.NewTabItem(s.tr.T("maint.tab.jobs"), ms.jobs),
		container.NewTabItem(s.tr.T("maint.tab.survey"), ms.survey.box),
		container.NewTabItem(s.tr.T("maint.tab.test"), ms.test.box))
	return ms
}

func (ms *maintenanceScreen) content() fyne.CanvasObject {
	return container.NewBorder(ms.note, nil, nil, nil, ms.tabs)
}

func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Beijing).Format("2006-01-02 15:04")
}

func (ms *maintenanceScreen) taskTable(rows func() []store.Task, heads []string, cells func(store.Task) []string, open func(store.Task)) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(rows()), len(heads) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			rs := rows()
			if id.Row < len(rs) {
				o.(*widget.Label).SetText(cells(rs[id.Row])[id.Col])
			}
		})
	t.ShowHeaderColumn = false
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(heads[id.Col])
		}
	}
	for i, w := range []float32{140, 130, 220, 520, 100} {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) {
		t.UnselectAll()
		if rs := rows(); id.Row >= 0 && id.Row < len(rs) {
			open(rs[id.Row])
		}
	}
	return t
}

func (ms *maintenanceScreen) refresh() {
	if ms.s.deps.Maintenance == nil {
		ms.note.SetText(ms.s.tr.T("common.nodata"))
		return
	}
	load(ms.s, ms.gather, func(d maintData, err error) {
		if err != nil {
			ms.note.SetText(ms.s.errorText(ms.s.tr.T("nav.maintenance"), err))
			return
		}
		ms.data = d
		ms.survey.setEnterprises(d.ents)
		ms.test.setEnterprises(d.ents)
		ms.note.SetText(ms.s.tr.T("maint.summary", len(d.open), ms.overdue(), len(d.done)))
		ms.open.Refresh()
		ms.done.Refresh()
		ms.jobs.Refresh()
	})
}

func (ms *maintenanceScreen) overdue() int {
	n, now := 0, ms.s.deps.Now()
	for _, t := range ms.data.open {
		if !t.Due.IsZero() && t.Due.Before(now) {
			n++
		}
	}
	return n
}

func (ms *maintenanceScreen) gather(ctx context.Context) (maintData, error) {
	m := ms.s.deps.Maintenance
	var d maintData
	var err error
	if d.open, err = m.FindTasks(ctx, store.TaskFilter{Status: store.TaskOpen}); err != nil {
		return d, err
	}
	if d.done, err = m.FindTasks(ctx, store.TaskFilter{Status: store.TaskDone, Limit: 500}); err != nil {
		return d, err
	}
	d.names = map[int64]string{}
	if r := ms.s.deps.Registry; r != nil {
		ents, err := r.FindEnterprises(ctx, store.EnterpriseFilter{})
		if err != nil {
			return d, err
		}
		for _, e := range ents {
			d.names[e.ID] = e.Name
		}
		d.ents = ents
	}
	d.jobs = m.Jobs()
	if d.specs, err = m.JobSpecs(ctx); err != nil {
		return d, err
	}
	d.last, err = m.LastJobRuns(ctx)
	return d, err
}

func (ms *maintenanceScreen) kind(k store.TaskKind) string {
	switch k {
	case store.TaskCommunication:
		return ms.s.tr.T("maint.kind.communication")
	case store.TaskTransmission:
		return ms.s.tr.T("maint.kind.transmission")
	case store.TaskPlausibility:
		return ms.s.tr.T("maint.kind.plausibility")
	case store.TaskInspection:
		return ms.s.tr.T("maint.kind.inspection")
	case store.TaskAcceptance:
		return ms.s.tr.T("maint.kind.acceptance")
	}
	return string(k)
}

func (ms *maintenanceScreen) jobName(name string) string {
	switch name {
	case "compact":
		return ms.s.tr.T("maint.job.compact")
	case "purge":
		return ms.s.tr.T("maint.job.purge")
	case "backup":
		return ms.s.tr.T("maint.job.backup")
	case "aggregate":
		return ms.s.tr.T("maint.job.aggregate")
	case "weekly-communication":
		return ms.s.tr.T("maint.job.communication")
	case "monthly-transmission":
		return ms.s.tr.T("maint.job.transmission")
	case "quarterly-plausibility":
		return ms.s.tr.T("maint.job.plausibility")
	case "halfyear-inspection":
		return ms.s.tr.T("maint.job.inspection")
	case "monthly-alarms":
		return ms.s.tr.T("maint.job.alarms")
	case "nightly-alarms":
		return ms.s.tr.T("maint.job.nightalarms")
	}
	return name
}

func (ms *maintenanceScreen) spec(j JobInfo) string {
	if s, ok := ms.data.specs[j.Name]; ok {
		return s
	}
	return j.Spec
}

func (ms *maintenanceScreen) jobCell(id widget.TableCellID) string {
	if id.Row >= len(ms.data.jobs) {
		return ""
	}
	j := ms.data.jobs[id.Row]
	r, ran := ms.data.last[j.Name]
	switch id.Col {
	case 0:
		return ms.jobName(j.Name)
	case 1:
		return scheduleWords(ms.s.tr, ms.spec(j))
	case 2:
		if !ran {
			return ms.s.tr.T("maint.never")
		}
		return shortTime(r.Started)
	case 3:
		switch {
		case !ran:
			return ""
		case r.Finished.IsZero():
			return ms.s.tr.T("maint.running")
		case r.OK:
			return ms.s.tr.T("maint.ok")
		}
		return ms.s.tr.T("maint.failed")
	case 4:
		if r.CatchUp {
			return ms.s.tr.T("maint.catchup") + " " + r.Result
		}
		return r.Result
	}
	return ""
}

// editSpec lets a person change a job's cron spec; it applies from the next start.
func (ms *maintenanceScreen) editSpec(j JobInfo) {
	s := ms.s
	entry := widget.NewEntry()
	entry.SetText(ms.spec(j))
	form := widget.NewForm(
		widget.NewFormItem(s.tr.T("maint.job"), widget.NewLabel(ms.jobName(j.Name))),
		widget.NewFormItem(s.tr.T("maint.spec"), entry),
		widget.NewFormItem("", widget.NewLabel(s.tr.T("maint.spec.help", j.Spec))))
	s.editDialog(s.tr.T("maint.spec.title"), form, func() (string, func(ctx context.Context, who string) error) {
		spec := strings.TrimSpace(entry.Text)
		if spec == j.Spec {
			spec = "" // back to the config's
		}
		if spec != "" {
			if err := s.deps.Maintenance.CheckSpec(spec); err != nil {
				return s.tr.T("maint.spec.bad", err.Error()), nil
			}
		}
		return "", func(ctx context.Context, who string) error {
			return s.deps.Maintenance.SetJobSpec(ctx, who, j.Name, spec)
		}
	}, ms.refresh)
}

// openTask shows a task with its evidence and the actions on it.
func (ms *maintenanceScreen) openTask(t store.Task) {
	s := ms.s
	detail := widget.NewLabel(t.Detail)
	detail.Wrapping = fyne.TextWrapWord
	head := widget.NewLabel(fmt.Sprintf("%s · %s · %s\n%s", ms.kind(t.Kind), ms.data.names[t.EnterpriseID], shortTime(t.Due), t.Reason))
	head.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	assign := widget.NewButton(s.tr.T("maint.assign"), func() {
		dlg.Hide()
		ms.assign(t)
	})
	closeBtn := widget.NewButton(s.tr.T("maint.close"), func() {
		dlg.Hide()
		ms.recordDialog(t)
	})
	closeBtn.Importance = widget.HighImportance
	body := container.NewBorder(head, container.NewHBox(assign, closeBtn), nil, nil, container.NewVScroll(detail))
	dlg = dialog.NewCustom(s.tr.T("maint.task"), s.tr.T("common.close"), body, s.win)
	dlg.Resize(fyne.NewSize(720, 520))
	dlg.Show()
}

func (ms *maintenanceScreen) assign(t store.Task) {
	s := ms.s
	entry := widget.NewEntry()
	entry.SetText(t.Assignee)
	form := widget.NewForm(widget.NewFormItem(s.tr.T("maint.assignee"), entry))
	s.editDialog(s.tr.T("maint.assign"), form, func() (string, func(ctx context.Context, who string) error) {
		return "", func(ctx context.Context, who string) error {
			return s.deps.Maintenance.AssignTask(ctx, who, t.ID, entry.Text)
		}
	}, ms.refresh)
}

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
		sel := widget.NewSelect(ms.results(), nil)
		sel.SetSelectedIndex(0)
		note := widget.NewEntry()
		note.SetPlaceHolder(s.tr.T("maint.note"))
		rf.checks[it], rf.notes[it] = sel, note
		rf.form.Append(ms.checkLabel(it), container.NewBorder(nil, nil, sel, nil, note))
	}
	for _, f := range facilities {
		r := onOffRow{f: f, off: widget.NewSelect(ms.results(), nil), on: widget.NewSelect(ms.results(), nil), note: widget.NewEntry()}
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
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			defer r.Close()
			data, err := io.ReadAll(r)
			if err != nil {
				dialog.ShowError(err, s.win)
				return
			}
			rf.addPhoto(r.URI().Name(), data)
		}, s.win)
		d.Show()
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
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				w.Close()
				path := w.URI().Path()
				load(s, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, s.deps.Maintenance.PrintRecord(ctx, path, r)
				}, func(_ struct{}, err error) {
					if err != nil {
						dialog.ShowError(err, s.win)
					}
				})
			}, s.win)
			d.SetFileName(fmt.Sprintf("运维记录-%d.pdf", r.ID))
			d.Show()
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

// exportRecords writes every record to an Excel file the person chooses.
func (ms *maintenanceScreen) exportRecords() {
	s := ms.s
	if s.deps.Maintenance == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		path := w.URI().Path()
		load(s, func(ctx context.Context) (struct{}, error) {
			rs, err := s.deps.Maintenance.FindRecords(ctx, store.RecordFilter{})
			if err != nil {
				return struct{}{}, err
			}
			return struct{}{}, s.deps.Maintenance.ExportRecords(ctx, path, rs)
		}, func(_ struct{}, err error) {
			if err != nil {
				dialog.ShowError(err, s.win)
			}
		})
	}, s.win)
	d.SetFileName("运维记录.xlsx")
	d.Show()
}
