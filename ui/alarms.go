package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/assets"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// AlarmReview is what the 报警 queue needs beyond Alarms: one alarm's
// evidence (alarm, reviews, series) and the reviewer's decision. *sqlite.DB
// has these methods. ReviewAlarm writes the review and its audit entry in one
// transaction; an invalid disposition wraps store.ErrInvalid.
type AlarmReview interface {
	AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error)
	ReviewAlarm(ctx context.Context, alarmID int64, d store.Disposition, note, reviewer string) (store.Review, error)
}

// EvidenceExporter writes the evidence folder of an alarm into a new folder
// under dir and returns its path (app wires app/evidence behind it).
type EvidenceExporter interface {
	ExportEvidence(ctx context.Context, alarmID int64, dir, who string) (string, error)
}

// ReviewPackages moves alarms to a laptop for offline review and the
// decisions back (*sqlite.DB has these methods). ReviewPackageInfo returns
// an error wrapping store.ErrNotFound when the open database is not a package.
type ReviewPackages interface {
	// ExportReviewAlarms writes the alarms ids names, with what reviewing them needs, to a new package file.
	ExportReviewAlarms(ctx context.Context, who, path string, ids []int64, margin time.Duration) (store.ReviewPackage, error)
	ImportReviewPackage(ctx context.Context, who, path string, resolve map[int64]store.ReviewSide) (store.ReviewImport, error)
	ReviewPackageInfo(ctx context.Context) (store.ReviewPackage, error)
}

// alarmTypes are the alarm types in the order the type filter lists them.
var alarmTypes = []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored, store.CutIgnored, store.Offline,
	store.LowTransmission, store.BadValues, store.CounterReset, store.PowerMismatch, store.ClockDrift, store.SubmeterExcess,
	store.OrderUnjudged, store.TreatmentUnknown}

// dispositions is the fixed list reviewers choose from; key n disposes with
// dispositions[n-1].
var dispositions = []store.Disposition{store.Confirmed, store.DeviceFault, store.CircuitFault, store.Filed,
	store.Commissioning, store.FalseThreshold, store.OtherDisposition}

// evidenceMargin is how much of the curve is shown around an alarm.
const evidenceMargin = 2 * time.Hour

// alarmRow is one alarm as the queue shows it.
type alarmRow struct {
	a          store.Alarm
	enterprise string
	regionID   int64
	industryID int64
	production string
	treatment  string
}

// alarmColumns are the queue's column titles, the guideline's columns first.
func alarmColumns(tr *translator) []string {
	return []string{tr.T("al.col.enterprise"), tr.T("al.col.production"), tr.T("al.col.treatment"), tr.T("al.col.type"),
		tr.T("al.col.start"), tr.T("al.col.end"), tr.T("al.col.duration"), tr.T("al.col.grade"), tr.T("al.col.status"),
		tr.T("al.col.disposition")}
}

// alarmsScreen is 报警: the review queue with filters and sort, and the
// alarm under review beside it.
type alarmsScreen struct {
	s   *Shell
	box fyne.CanvasObject

	all  []alarmRow
	rows []alarmRow
	cur  int // index in rows of the alarm under review, -1 when none

	rangeSel  *widget.Select
	from, to  *widget.Entry
	typ       *widget.Select
	grade     *widget.Select
	status    *widget.Select
	disp      *widget.Select
	region    *widget.Select
	industry  *widget.Select
	ent       *widget.Entry
	openOnly  *widget.Check
	unrevOnly *widget.Check
	sortBy    *widget.Select
	desc      *widget.Check
	note      *widget.Label
	table     *widget.Table

	regions    []store.Region
	industries []store.Industry

	detail       *alarmDetail
	detailScroll *container.Scroll // refreshed after new text: labels do not resize their containers
	font         *truetype.Font
}

// alarmDetail is the right-hand side: the alarm under review.
type alarmDetail struct {
	box      *fyne.Container
	title    *widget.Label
	facts    *widget.Label
	img      *canvas.Image
	rule     *widget.Label
	reviews  *widget.Label
	choice   *widget.Select
	noteIn   *widget.Entry
	save     *widget.Button
	evidence *widget.Button
	info     *widget.Label
}

func newAlarmsScreen(s *Shell) *alarmsScreen {
	tr := s.tr
	as := &alarmsScreen{s: s, cur: -1, note: widget.NewLabel("")}
	as.rangeSel = widget.NewSelect([]string{tr.T("al.range.7d"), tr.T("al.range.30d"), tr.T("al.range.90d"), tr.T("al.range.365d")},
		func(string) { as.onRange() })
	as.from, as.to = widget.NewEntry(), widget.NewEntry()
	as.from.SetPlaceHolder("2006-01-02")
	as.to.SetPlaceHolder("2006-01-02")
	apply := func(string) { as.apply() }
	types := []string{tr.T("al.all.type")}
	for _, t := range alarmTypes {
		types = append(types, s.alarmType(t))
	}
	as.typ = widget.NewSelect(types, apply)
	as.grade = widget.NewSelect([]string{tr.T("al.all.grade"), s.grade(store.Minor), s.grade(store.Major), s.grade(store.Severe)}, apply)
	as.status = widget.NewSelect([]string{tr.T("al.all.status"), s.alarmStatus(store.Open), s.alarmStatus(store.Ended), s.alarmStatus(store.Withdrawn), tr.T("al.status.trial")}, apply)
	disps := []string{tr.T("al.all.disp"), s.disposition(store.Undecided)}
	for _, d := range dispositions {
		disps = append(disps, s.disposition(d))
	}
	as.disp = widget.NewSelect(disps, apply)
	as.region = widget.NewSelect([]string{tr.T("al.all.region")}, apply)
	as.industry = widget.NewSelect([]string{tr.T("al.all.industry")}, apply)
	as.ent = widget.NewEntry()
	as.ent.SetPlaceHolder(tr.T("al.enterprise"))
	as.ent.OnChanged = apply
	as.openOnly = widget.NewCheck(tr.T("al.openonly"), func(bool) { as.apply() })
	as.unrevOnly = widget.NewCheck(tr.T("al.unreviewed"), func(bool) { as.apply() })
	as.sortBy = widget.NewSelect([]string{tr.T("al.sort.start"), tr.T("al.sort.duration"), tr.T("al.sort.grade")}, apply)
	as.desc = widget.NewCheck(tr.T("al.sort.desc"), func(bool) { as.apply() })
	for _, sel := range []*widget.Select{as.typ, as.grade, as.status, as.disp, as.region, as.industry, as.sortBy} {
		sel.SetSelectedIndex(0)
	}
	as.desc.SetChecked(true)

	cols := alarmColumns(tr)
	as.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(as.rows), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(as.cell(id)) })
	as.table.ShowHeaderColumn = false
	as.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(cols[id.Col])
		}
	}
	for i, w := range []float32{190, 110, 110, 140, 140, 140, 80, 60, 70, 110} {
		as.table.SetColumnWidth(i, w)
	}
	as.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(as.rows) && id.Row != as.cur {
			as.open(id.Row)
		}
	}
	as.detail = as.newDetail()
	export := widget.NewButton(tr.T("al.pkg.export"), as.onExportPackage)
	imp := widget.NewButton(tr.T("al.pkg.import"), as.onImportPackage)
	filters := container.NewVBox(
		container.NewGridWithColumns(5, as.rangeSel, as.from, as.to, as.typ, as.grade),
		container.NewGridWithColumns(5, as.status, as.disp, as.region, as.industry, as.ent),
		container.NewHBox(as.openOnly, as.unrevOnly, widget.NewLabel(tr.T("al.sort")), as.sortBy, as.desc,
			layoutSpacer(), export, imp),
		widget.NewLabel(tr.T("al.keys")),
		as.note)
	list := container.NewBorder(filters, nil, nil, nil, as.table)
	as.detailScroll = container.NewScroll(as.detail.box)
	split := container.NewHSplit(list, as.detailScroll)
	split.Offset = 0.55
	as.box = split
	as.rangeSel.SetSelectedIndex(1)
	return as
}

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel(" ") }

func (as *alarmsScreen) content() fyne.CanvasObject { return as.box }

// refresh reloads the queue for the chosen time range and takes the keys.
func (as *alarmsScreen) refresh() {
	c := as.s.win.Canvas()
	c.SetOnTypedRune(as.onRune)
	c.SetOnTypedKey(as.onKey)
	d := as.s.deps
	if d.Alarms == nil || d.Registry == nil {
		as.note.SetText(as.s.tr.T("common.nodata"))
		return
	}
	from, to, ok := as.period()
	if !ok {
		as.note.SetText(as.s.tr.T("al.badrange"))
		return
	}
	load(as.s, func(ctx context.Context) (alarmLoad, error) { return gatherAlarms(ctx, d, from, to) },
		func(l alarmLoad, err error) {
			if err != nil {
				as.note.SetText(as.s.errorText(as.s.tr.T("nav.alarms"), err))
				return
			}
			as.all, as.regions, as.industries = l.rows, l.regions, l.industries
			setChoices(as.region, as.s.tr.T("al.all.region"), l.regions, func(r store.Region) string { return r.Name })
			setChoices(as.industry, as.s.tr.T("al.all.industry"), l.industries, func(i store.Industry) string { return i.Name })
			as.apply()
			as.showPackage(l.pkg)
		})
}

// setChoices fills sel with all (the "every one" choice) and the names of items, keeping the
// selected name when it is still there.
func setChoices[T any](sel *widget.Select, all string, items []T, name func(T) string) {
	prev := sel.Selected
	opts := []string{all}
	for _, it := range items {
		opts = append(opts, name(it))
	}
	sel.SetOptions(opts)
	for i, o := range opts {
		if o == prev {
			sel.SetSelectedIndex(i)
			return
		}
	}
	sel.SetSelectedIndex(0)
}

// removeEmpty deletes path when it is an empty file (what a save dialog leaves).
func removeEmpty(path string) {
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		os.Remove(path)
	}
}

// alarmLoad is what one load of the queue reads.
type alarmLoad struct {
	rows       []alarmRow
	regions    []store.Region
	industries []store.Industry
	pkg        *store.ReviewPackage
}

func gatherAlarms(ctx context.Context, d Deps, from, to time.Time) (alarmLoad, error) {
	var l alarmLoad
	// Alarms raised during a recorded on/off test (试验) are loaded for the
	// status filter's 试验 entry; apply leaves them out of the queue otherwise.
	alarms, err := d.Alarms.FindAlarms(ctx, store.AlarmFilter{From: from, To: to})
	if err != nil {
		return l, fmt.Errorf("read alarms: %w", err)
	}
	ents, err := d.Registry.FindEnterprises(ctx, store.EnterpriseFilter{})
	if err != nil {
		return l, fmt.Errorf("read enterprises: %w", err)
	}
	byID := make(map[int64]store.Enterprise, len(ents))
	for _, e := range ents {
		byID[e.ID] = e
	}
	if l.regions, err = d.Registry.FindRegions(ctx); err != nil {
		return l, fmt.Errorf("read regions: %w", err)
	}
	if l.industries, err = d.Registry.FindIndustries(ctx); err != nil {
		return l, fmt.Errorf("read industries: %w", err)
	}
	facs := map[int64]string{}
	seen := map[int64]bool{}
	for _, a := range alarms {
		if seen[a.EnterpriseID] {
			continue
		}
		seen[a.EnterpriseID] = true
		fs, err := d.Registry.FacilitiesByEnterprise(ctx, a.EnterpriseID)
		if err != nil {
			return l, fmt.Errorf("read facilities of enterprise %d: %w", a.EnterpriseID, err)
		}
		for _, f := range fs {
			facs[f.ID] = f.Name
		}
	}
	for _, a := range alarms {
		e := byID[a.EnterpriseID]
		l.rows = append(l.rows, alarmRow{a: a, enterprise: e.Name, regionID: e.RegionID, industryID: e.IndustryID,
			production: facs[a.ProductionID], treatment: facs[a.TreatmentID]})
	}
	if d.Packages != nil {
		if p, err := d.Packages.ReviewPackageInfo(ctx); err == nil {
			l.pkg = &p
		}
	}
	return l, nil
}

// period is the time range of the from/to entries: [from day, to day + 1).
func (as *alarmsScreen) period() (from, to time.Time, ok bool) {
	f, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(as.from.Text), store.Beijing)
	t, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(as.to.Text), store.Beijing)
	if err1 != nil || err2 != nil || t.Before(f) {
		return f, t, false
	}
	return f, t.AddDate(0, 0, 1), true
}

// onRange fills the from/to entries with the chosen preset and reloads.
func (as *alarmsScreen) onRange() {
	days := []int{7, 30, 90, 365}[max(as.rangeSel.SelectedIndex(), 0)]
	today := dayStart(as.s.deps.Now())
	as.from.SetText(today.AddDate(0, 0, -days+1).Format("2006-01-02"))
	as.to.SetText(today.Format("2006-01-02"))
	if as.table != nil {
		as.refresh()
	}
}

// trialStatus is the index of 试验 in the status filter.
const trialStatus = 4

// apply filters and sorts all into rows and keeps the alarm under review
// selected when it is still listed.
func (as *alarmsScreen) apply() {
	if as.table == nil {
		return // still building
	}
	var keep int64
	if as.cur >= 0 && as.cur < len(as.rows) {
		keep = as.rows[as.cur].a.ID
	}
	as.rows = as.rows[:0]
	name := strings.TrimSpace(as.ent.Text)
	// The last status entry, 试验, lists only the alarms raised during a
	// recorded on/off test; every other choice leaves them out.
	trial := as.status.SelectedIndex() == trialStatus
	for _, r := range as.all {
		a := r.a
		switch {
		case as.typ.SelectedIndex() > 0 && a.Type != alarmTypes[as.typ.SelectedIndex()-1],
			as.grade.SelectedIndex() > 0 && a.Grade != []store.Grade{store.Minor, store.Major, store.Severe}[as.grade.SelectedIndex()-1],
			as.status.SelectedIndex() > 0 && !trial && a.Status != []store.AlarmStatus{store.Open, store.Ended, store.Withdrawn}[as.status.SelectedIndex()-1],
			a.Trial != trial,
			as.disp.SelectedIndex() == 1 && a.Disposition != store.Undecided,
			as.disp.SelectedIndex() > 1 && a.Disposition != dispositions[as.disp.SelectedIndex()-2],
			as.region.SelectedIndex() > 0 && r.regionID != as.regions[as.region.SelectedIndex()-1].ID,
			as.industry.SelectedIndex() > 0 && r.industryID != as.industries[as.industry.SelectedIndex()-1].ID,
			name != "" && !strings.Contains(r.enterprise, name),
			as.openOnly.Checked && a.Status != store.Open,
			as.unrevOnly.Checked && a.Disposition != store.Undecided:
			continue
		}
		as.rows = append(as.rows, r)
	}
	now := as.s.deps.Now()
	key := func(r alarmRow) float64 {
		switch as.sortBy.SelectedIndex() {
		case 1:
			return float64(r.a.Duration(now))
		case 2:
			return float64(gradeRank(r.a.Grade))
		}
		return float64(r.a.Start.UnixMilli())
	}
	desc := as.desc.Checked
	sort.SliceStable(as.rows, func(i, j int) bool {
		ki, kj := key(as.rows[i]), key(as.rows[j])
		if ki == kj {
			return as.rows[i].a.ID < as.rows[j].a.ID
		}
		return (ki < kj) != desc
	})
	as.note.SetText(as.s.tr.T("al.count", len(as.rows), len(as.all)))
	as.cur = -1
	as.table.UnselectAll()
	for i, r := range as.rows {
		if r.a.ID == keep {
			as.cur = i
			as.table.Select(widget.TableCellID{Row: i})
		}
	}
	as.table.Refresh()
}

func gradeRank(g store.Grade) int {
	switch g {
	case store.Major:
		return 2
	case store.Severe:
		return 3
	}
	return 1
}

func (as *alarmsScreen) cell(id widget.TableCellID) string {
	if id.Row >= len(as.rows) {
		return ""
	}
	r := as.rows[id.Row]
	a := r.a
	switch id.Col {
	case 0:
		return r.enterprise
	case 1:
		return dash(r.production)
	case 2:
		return dash(r.treatment)
	case 3:
		return as.s.alarmType(a.Type)
	case 4:
		return short(a.Start)
	case 5:
		if a.End.IsZero() {
			return as.s.tr.T("al.ongoing")
		}
		return short(a.End)
	case 6:
		return hm(a.Duration(as.s.deps.Now()))
	case 7:
		return as.s.grade(a.Grade)
	case 8:
		return as.s.alarmStatus(a.Status)
	case 9:
		return as.s.disposition(a.Disposition)
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func short(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02 15:04") }

// hm writes a duration as hours and minutes, e.g. 2h05m.
func hm(d time.Duration) string {
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// onRune handles the queue's keys when no entry has the focus: J next,
// K previous, 1–7 dispose with that disposition and go to the next.
func (as *alarmsScreen) onRune(r rune) {
	if as.s.Current() != ViewAlarms {
		return
	}
	switch {
	case r == 'j' || r == 'J':
		as.move(1)
	case r == 'k' || r == 'K':
		as.move(-1)
	case r >= '1' && r <= rune('0'+len(dispositions)):
		as.dispose(dispositions[r-'1'], true)
	}
}

func (as *alarmsScreen) onKey(ev *fyne.KeyEvent) {
	if as.s.Current() != ViewAlarms {
		return
	}
	switch ev.Name {
	case fyne.KeyDown:
		as.move(1)
	case fyne.KeyUp:
		as.move(-1)
	}
}

// move opens the next (+1) or previous (−1) alarm of the queue.
func (as *alarmsScreen) move(step int) {
	if len(as.rows) == 0 {
		return
	}
	i := as.cur + step
	if as.cur < 0 {
		i = 0
	}
	if i < 0 || i >= len(as.rows) {
		return
	}
	as.table.Select(widget.TableCellID{Row: i, Col: 0})
	if as.cur != i { // Select does not call OnSelected for the same cell
		as.open(i)
	}
}

// open shows alarm rows[i] under review and loads its evidence.
func (as *alarmsScreen) open(i int) {
	as.cur = i
	r := as.rows[i]
	dt := as.detail
	a := r.a
	dt.title.SetText(as.s.tr.T("al.detail.title", a.ID, as.s.alarmType(a.Type), as.s.grade(a.Grade)))
	end := as.s.tr.T("al.ongoing")
	if !a.End.IsZero() {
		end = when(a.End)
	}
	dt.facts.SetText(as.s.tr.T("al.detail.facts", r.enterprise, dash(r.production), dash(r.treatment), when(a.Start), end,
		hm(a.Duration(as.s.deps.Now())), as.s.alarmStatus(a.Status), a.Detail))
	dt.choice.SetSelectedIndex(-1)
	for k, d := range dispositions {
		if d == a.Disposition {
			dt.choice.SetSelectedIndex(k)
		}
	}
	dt.noteIn.SetText("")
	dt.info.SetText("")
	dt.img.Image = nil
	dt.img.Refresh()
	dt.rule.SetText(as.ruleText(a, nil, nil))
	dt.reviews.SetText("")
	dt.save.Enable()
	dt.evidence.Enable()
	as.detailScroll.Refresh()
	d := as.s.deps
	if d.Review == nil {
		dt.reviews.SetText(as.s.tr.T("common.nodata"))
		return
	}
	id := a.ID
	dark := as.s.app.Settings().ThemeVariant() == theme.VariantDark
	load(as.s, func(ctx context.Context) (alarmEvidenceView, error) { return as.evidence(ctx, r, dark) },
		func(v alarmEvidenceView, err error) {
			if as.cur < 0 || as.cur >= len(as.rows) || as.rows[as.cur].a.ID != id {
				return // the reviewer moved on
			}
			if err != nil {
				dt.info.SetText(as.s.errorText(as.s.tr.T("al.evidence"), err))
				return
			}
			dt.img.Image = v.img
			dt.img.Refresh()
			dt.rule.SetText(as.ruleText(v.ev.Alarm, v.thresholds, v.names))
			dt.reviews.SetText(as.reviewsText(v.ev.Reviews))
			as.detailScroll.Refresh()
		})
}

// alarmEvidenceView is an alarm's evidence read and drawn off the UI goroutine.
type alarmEvidenceView struct {
	ev         store.AlarmEvidence
	thresholds []store.Threshold
	names      map[int64]string // facility names
	img        image.Image
}

func (as *alarmsScreen) evidence(ctx context.Context, r alarmRow, dark bool) (alarmEvidenceView, error) {
	d := as.s.deps
	var v alarmEvidenceView
	ev, err := d.Review.AlarmEvidence(ctx, r.a.ID, evidenceMargin)
	if err != nil {
		return v, err
	}
	v.ev = ev
	facs, err := d.Registry.FacilitiesByEnterprise(ctx, ev.Alarm.EnterpriseID)
	if err != nil {
		return v, err
	}
	fac := map[int64]store.Facility{}
	v.names = map[int64]string{}
	for _, f := range facs {
		fac[f.ID] = f
		v.names[f.ID] = f.Name
	}
	points, err := d.Registry.FindPoints(ctx, store.PointFilter{EnterpriseID: ev.Alarm.EnterpriseID})
	if err != nil {
		return v, err
	}
	end := ev.Alarm.End
	if end.IsZero() {
		end = ev.To
	}
	o := chart.Options{Width: 760, Height: 320, From: ev.From, To: ev.To, Font: as.chartFont(), Unit: "kW", Dark: dark,
		Spans: []chart.Span{{From: ev.Alarm.Start, To: end, Kind: chart.Alarm, Label: as.s.alarmType(ev.Alarm.Type)}}}
	seenFac := map[int64]bool{}
	for _, p := range points {
		ss, ok := ev.Series[p.ID]
		if !ok {
			continue
		}
		f := fac[p.FacilityID]
		o.Series = append(o.Series, chart.Series{Name: f.Name + "/" + p.Name, Role: role(f.Kind),
			Points: chart.Downsample(ss, chart.Power, ev.From, ev.To, o.Width)})
		if seenFac[f.ID] {
			continue
		}
		seenFac[f.ID] = true
		ths, err := d.Registry.ThresholdsFor(ctx, f.ID)
		if err != nil {
			return v, err
		}
		if th, ok := inForce(ths, ev.Alarm.Start); ok {
			v.thresholds = append(v.thresholds, th)
			if th.Basis == store.ByPower {
				o.Lines = append(o.Lines, chart.Line{Value: th.Stop, Label: as.s.tr.T("curve.stop", f.Name, th.Stop)},
					chart.Line{Value: th.Run, Label: as.s.tr.T("curve.run", f.Name, th.Run)})
			}
		}
	}
	if v.img, _, err = chart.Render(o); err != nil {
		return v, err
	}
	return v, nil
}

func (as *alarmsScreen) chartFont() *truetype.Font {
	if as.font == nil {
		as.font, _ = truetype.Parse(assets.FontRegular.Content()) // nil falls back to go-chart's Latin font
	}
	return as.font
}

// inForce is the threshold of ths in force at t.
func inForce(ths []store.Threshold, t time.Time) (store.Threshold, bool) {
	var best store.Threshold
	ok := false
	for _, th := range ths {
		if !th.EffectiveFrom.After(t) && (!ok || th.EffectiveFrom.After(best.EffectiveFrom)) {
			best, ok = th, true
		}
	}
	return best, ok
}

// ruleText shows the rule version, the parameters and baseline the engine
// used (the alarm's JSON) and the thresholds in force at its start.
func (as *alarmsScreen) ruleText(a store.Alarm, ths []store.Threshold, names map[int64]string) string {
	tr := as.s.tr
	params := a.Thresholds
	var pretty bytes.Buffer
	if json.Indent(&pretty, []byte(a.Thresholds), "", "  ") == nil {
		params = pretty.String()
	}
	var b strings.Builder
	b.WriteString(tr.T("al.rule", a.RuleVersion, dash(params)))
	for _, th := range ths {
		b.WriteString("\n" + tr.T("al.threshold", names[th.FacilityID], string(th.Basis), th.Stop, th.Run, th.MinPersist.String(), short(th.EffectiveFrom)))
	}
	return b.String()
}

func (as *alarmsScreen) reviewsText(rs []store.Review) string {
	if len(rs) == 0 {
		return as.s.tr.T("al.noreviews")
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, as.s.tr.T("al.review", short(r.At), r.Reviewer, as.s.disposition(r.Disposition), r.Note))
	}
	return strings.Join(lines, "\n")
}

func (as *alarmsScreen) newDetail() *alarmDetail {
	tr := as.s.tr
	dt := &alarmDetail{
		title:   widget.NewLabelWithStyle(tr.T("al.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		facts:   widget.NewLabel(""),
		img:     canvas.NewImageFromImage(nil),
		rule:    widget.NewLabel(""),
		reviews: widget.NewLabel(""),
		noteIn:  widget.NewMultiLineEntry(),
		info:    widget.NewLabel(""),
	}
	dt.info.Wrapping = fyne.TextWrapWord
	dt.img.FillMode = canvas.ImageFillContain
	dt.img.SetMinSize(fyne.NewSize(560, 240))
	var names []string
	for i, d := range dispositions {
		names = append(names, fmt.Sprintf("%d %s", i+1, as.s.disposition(d)))
	}
	dt.choice = widget.NewSelect(names, nil)
	dt.choice.PlaceHolder = tr.T("al.choose")
	dt.noteIn.SetPlaceHolder(tr.T("al.note"))
	dt.noteIn.SetMinRowsVisible(2)
	dt.save = widget.NewButton(tr.T("al.dispose"), func() {
		if i := dt.choice.SelectedIndex(); i >= 0 {
			as.dispose(dispositions[i], false)
		} else {
			dt.info.SetText(tr.T("al.choose"))
		}
	})
	dt.save.Importance = widget.HighImportance
	dt.evidence = widget.NewButton(tr.T("al.evidence.export"), as.onExportEvidence)
	dt.save.Disable()
	dt.evidence.Disable()
	dt.box = container.NewVBox(dt.title, dt.facts, dt.img,
		widget.NewLabelWithStyle(tr.T("al.rule.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), dt.rule,
		widget.NewLabelWithStyle(tr.T("al.reviews"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), dt.reviews,
		dt.choice, dt.noteIn, container.NewHBox(dt.save, dt.evidence), dt.info)
	return dt
}

// dispose records disposition d with the note for the alarm under review;
// next moves on to the following alarm once it is saved (the keyboard way).
func (as *alarmsScreen) dispose(d store.Disposition, next bool) {
	if as.cur < 0 || as.cur >= len(as.rows) {
		return
	}
	dt := as.detail
	if as.s.deps.Review == nil {
		dt.info.SetText(as.s.tr.T("common.nodata"))
		return
	}
	id, note, who := as.rows[as.cur].a.ID, dt.noteIn.Text, as.s.operator()
	dt.info.SetText(as.s.tr.T("common.saving"))
	load(as.s, func(ctx context.Context) (store.Review, error) {
		return as.s.deps.Review.ReviewAlarm(ctx, id, d, note, who)
	}, func(rv store.Review, err error) {
		if err != nil {
			dt.info.SetText(as.s.errorText(as.s.tr.T("al.dispose"), err))
			return
		}
		for i := range as.all {
			if as.all[i].a.ID == id {
				as.all[i].a.Disposition = d
			}
		}
		pos := -1
		for i := range as.rows {
			if as.rows[i].a.ID == id {
				as.rows[i].a.Disposition = d
				pos = i
			}
		}
		as.table.Refresh()
		msg := as.s.tr.T("al.disposed", id, as.s.disposition(d), rv.Reviewer)
		if next && pos >= 0 && pos+1 < len(as.rows) {
			as.table.Select(widget.TableCellID{Row: pos + 1})
			if as.cur != pos+1 {
				as.open(pos + 1)
			}
		}
		as.detail.info.SetText(msg)
	})
}

// onExportEvidence asks for a folder and writes the evidence of the alarm under review into it.
func (as *alarmsScreen) onExportEvidence() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		as.exportEvidence(u.Path())
	}, as.s.win)
	d.Show()
}

// exportEvidence writes the evidence of the alarm under review under dir.
func (as *alarmsScreen) exportEvidence(dir string) {
	if as.cur < 0 || as.cur >= len(as.rows) {
		return
	}
	dt := as.detail
	if as.s.deps.Evidence == nil {
		dt.info.SetText(as.s.tr.T("common.nodata"))
		return
	}
	id, who := as.rows[as.cur].a.ID, as.s.operator()
	dt.info.SetText(as.s.tr.T("al.evidence.busy"))
	load(as.s, func(ctx context.Context) (string, error) {
		return as.s.deps.Evidence.ExportEvidence(ctx, id, dir, who)
	}, func(path string, err error) {
		if err != nil {
			dt.info.SetText(as.s.errorText(as.s.tr.T("al.evidence.export"), err))
			return
		}
		dt.info.SetText(as.s.tr.T("al.evidence.done", path))
	})
}

func (as *alarmsScreen) onExportPackage() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		removeEmpty(path) // the dialog creates the file; the package must be new
		as.exportPackage(path)
	}, as.s.win)
	d.SetFileName("review.pwreview")
	d.Show()
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
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		as.importPackage(path, nil)
	}, as.s.win)
	d.Show()
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

// alarmStatus is a status's name in the current language.
func (s *Shell) alarmStatus(st store.AlarmStatus) string {
	switch st {
	case store.Open:
		return s.tr.T("al.status.open")
	case store.Ended:
		return s.tr.T("al.status.ended")
	case store.Withdrawn:
		return s.tr.T("al.status.withdrawn")
	}
	return string(st)
}

// disposition is a disposition's name in the current language.
func (s *Shell) disposition(d store.Disposition) string {
	switch d {
	case store.Confirmed:
		return s.tr.T("disp.confirmed")
	case store.DeviceFault:
		return s.tr.T("disp.device_fault")
	case store.CircuitFault:
		return s.tr.T("disp.circuit_fault")
	case store.Filed:
		return s.tr.T("disp.filed")
	case store.Commissioning:
		return s.tr.T("disp.commissioning")
	case store.FalseThreshold:
		return s.tr.T("disp.false_threshold")
	case store.OtherDisposition:
		return s.tr.T("disp.other")
	}
	return s.tr.T("disp.none")
}
