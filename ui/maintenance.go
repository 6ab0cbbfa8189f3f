package ui

import (
	"context"
	"fmt"
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

	open, done *specTable[store.Task]
	jobs       *specTable[JobInfo]
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
	ms.open = ms.taskTable(ms.openColumns(), func() []store.Task { return ms.data.open },
		func(ts []store.Task) { ms.data.open = ts }, ms.openTask)
	ms.done = ms.taskTable(ms.doneColumns(), func() []store.Task { return ms.data.done },
		func(ts []store.Task) { ms.data.done = ts }, ms.showRecord)
	ms.jobs = newSpecTable(ms.jobColumns(), func() []JobInfo { return ms.data.jobs }, func(row int) {
		ms.jobs.table.UnselectAll()
		ms.editSpec(ms.data.jobs[row])
	}, func() { ms.data.jobs = ms.jobs.sorted(ms.data.jobs) })
	export := widget.NewButton(s.tr.T("maint.export"), ms.exportRecords)
	ms.survey = newSurveyTab(ms)
	ms.test = newTestTab(ms)
	ms.tabs = container.NewAppTabs(
		container.NewTabItem(s.tr.T("maint.tab.open"), container.NewBorder(nil, ms.open.hint, nil, nil, ms.open.table)),
		container.NewTabItem(s.tr.T("maint.tab.done"), container.NewBorder(container.NewHBox(export), ms.done.hint, nil, nil, ms.done.table)),
		container.NewTabItem(s.tr.T("maint.tab.jobs"), container.NewBorder(nil, ms.jobs.hint, nil, nil, ms.jobs.table)),
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

// taskTable is a sortable table of tasks; set stores the rows a header click sorted.
func (ms *maintenanceScreen) taskTable(cols []column[store.Task], rows func() []store.Task, set func([]store.Task), open func(store.Task)) *specTable[store.Task] {
	var t *specTable[store.Task]
	t = newSpecTable(cols, rows, func(row int) {
		t.table.UnselectAll()
		open(rows()[row])
	}, func() { set(t.sorted(rows())) })
	return t
}

// openColumns and doneColumns are the columns of the tasks due and done.
func (ms *maintenanceScreen) openColumns() []column[store.Task] {
	tr := ms.s.tr
	type r = store.Task
	return []column[r]{
		{head: tr.T("maint.due"), width: 140, text: func(t r) string { return shortTime(t.Due) }, cmp: byTime(func(t r) time.Time { return t.Due })},
		{head: tr.T("maint.kind"), width: 130, text: func(t r) string { return ms.kind(t.Kind) }},
		{head: tr.T("maint.enterprise"), width: 220, text: func(t r) string { return ms.data.names[t.EnterpriseID] }},
		{head: tr.T("maint.reason"), width: 520, text: func(t r) string { return t.Reason }},
		{head: tr.T("maint.assignee"), width: 100, text: func(t r) string { return t.Assignee }},
	}
}

func (ms *maintenanceScreen) doneColumns() []column[store.Task] {
	cols := ms.openColumns()
	type r = store.Task
	cols[0] = column[r]{head: ms.s.tr.T("maint.closed"), width: 140, text: func(t r) string { return shortTime(t.ClosedAt) },
		cmp: byTime(func(t r) time.Time { return t.ClosedAt })}
	cols[4] = column[r]{head: ms.s.tr.T("maint.record"), width: 100, text: func(t r) string { return fmt.Sprint(t.RecordID) },
		cmp: byNum(func(t r) int64 { return t.RecordID }), align: fyne.TextAlignTrailing}
	return cols
}

// jobColumns are the columns of the scheduled jobs.
func (ms *maintenanceScreen) jobColumns() []column[JobInfo] {
	tr := ms.s.tr
	type r = JobInfo
	last := func(j r) (store.JobRun, bool) { run, ok := ms.data.last[j.Name]; return run, ok }
	return []column[r]{
		{head: tr.T("maint.job"), width: 200, text: func(j r) string { return ms.jobName(j.Name) }},
		{head: tr.T("maint.spec"), width: 150, text: func(j r) string { return scheduleWords(tr, ms.spec(j)) }},
		{head: tr.T("maint.lastrun"), width: 150, cmp: byTime(func(j r) time.Time { run, _ := last(j); return run.Started }),
			text: func(j r) string {
				if run, ran := last(j); ran {
					return shortTime(run.Started)
				}
				return tr.T("maint.never")
			}},
		{head: tr.T("maint.result"), width: 90, text: func(j r) string {
			run, ran := last(j)
			switch {
			case !ran:
				return ""
			case run.Finished.IsZero():
				return tr.T("maint.running")
			case run.OK:
				return tr.T("maint.ok")
			}
			return tr.T("maint.failed")
		}},
		{head: tr.T("maint.detail"), width: 480, text: func(j r) string {
			run, _ := last(j)
			if run.CatchUp {
				return tr.T("maint.catchup") + " " + run.Result
			}
			return run.Result
		}},
	}
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
		ms.data.open, ms.data.done = ms.open.sorted(d.open), ms.done.sorted(d.done)
		ms.data.jobs = ms.jobs.sorted(d.jobs)
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

// jobCell is the text of a cell of the jobs table.
func (ms *maintenanceScreen) jobCell(id widget.TableCellID) string {
	return ms.jobs.cell(id.Row, id.Col)
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

// exportRecords writes every record to an Excel file the person chooses.
func (ms *maintenanceScreen) exportRecords() {
	s := ms.s
	if s.deps.Maintenance == nil {
		return
	}
	s.saveFileDialog(s.tr.T("fd.title.save"), "运维记录.xlsx", func(path string) {
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
	})
}
