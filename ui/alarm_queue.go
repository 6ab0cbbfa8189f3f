package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/store"
)

// alarmTypes are the alarm types in the order the ui lists them.
var alarmTypes = store.AllAlarmTypes

// columns are the queue's columns. The first seven are those an officer
// needs to triage and must fit at 1366×768 without scrolling
// (TestAlarmTableFits1366); the rest follow. Long names are ellipsized.
func (as *alarmsScreen) columns() []column[alarmRow] {
	s, tr := as.s, as.s.tr
	w := alarmColumnWidths(tr.lang)
	type r = alarmRow
	start := func(x r) time.Time { return x.a.Start }
	return []column[r]{
		{head: tr.T("al.col.enterprise"), width: w[0], text: func(x r) string { return x.enterprise }},
		{head: tr.T("al.col.production"), width: w[1], text: func(x r) string { return dash(x.production) }},
		{head: tr.T("al.col.type"), width: w[2], text: func(x r) string { return s.alarmType(x.a.Type) }},
		{head: tr.T("al.col.start"), width: w[3], text: func(x r) string { return dayTime(x.a.Start) }, cmp: byTime(start)},
		{head: tr.T("al.col.duration"), width: w[4], text: func(x r) string { return hm(x.a.Duration(s.deps.Now())) },
			cmp: byNum(func(x r) time.Duration { return x.a.Duration(s.deps.Now()) }), align: fyne.TextAlignTrailing},
		{head: tr.T("al.col.grade"), width: w[5], text: func(x r) string { return s.grade(x.a.Grade) },
			cmp: byNum(func(x r) int { return gradeRank(x.a.Grade) })},
		{head: tr.T("al.col.status"), width: w[6], text: func(x r) string { return s.alarmStatus(x.a.Status) }},
		{head: tr.T("al.col.terminal"), width: w[7], text: func(x r) string { return dash(x.terminal) }},
		{head: tr.T("al.col.treatment"), width: w[8], text: func(x r) string { return dash(x.treatment) }},
		{head: tr.T("al.col.end"), width: w[9], text: func(x r) string {
			if x.a.End.IsZero() {
				return tr.T("al.ongoing")
			}
			return dayTime(x.a.End)
		}, cmp: byTime(func(x r) time.Time {
			if x.a.End.IsZero() {
				return s.deps.Now()
			}
			return x.a.End
		})},
		{head: tr.T("al.col.disposition"), width: w[10], text: func(x r) string { return s.disposition(x.a.Disposition) }},
	}
}

// alarmColumns are the queue's column titles, in order.
func alarmColumns(tr *translator) []string {
	return []string{tr.T("al.col.enterprise"), tr.T("al.col.production"), tr.T("al.col.type"), tr.T("al.col.start"),
		tr.T("al.col.duration"), tr.T("al.col.grade"), tr.T("al.col.status"), tr.T("al.col.terminal"),
		tr.T("al.col.treatment"), tr.T("al.col.end"), tr.T("al.col.disposition")}
}

// alarmColumnWidths are the widths of the queue's columns in language l; long
// names are ellipsized. English words are wider than their Chinese terms.
func alarmColumnWidths(l Lang) []float32 {
	if l == English {
		return []float32{106, 96, 176, 104, 80, 68, 72, 130, 96, 104, 96}
	}
	return []float32{140, 96, 150, 104, 64, 48, 68, 130, 96, 104, 76}
}

// requiredAlarmColumns is how many leading columns must be visible at 1366×768.
const requiredAlarmColumns = 7

// alarmPollEvery is how often the shell looks for new, changed and withdrawn
// alarms (the badge always, the queue while shown). One indexed query; the
// queue is only rebuilt when its alarms' signature changed.
const alarmPollEvery = 5 * time.Second

// alarmsScreen is 报警: the review queue with filters and sort, and the
// alarm under review beside it (alarm_detail.go).
type alarmsScreen struct {
	s   *Shell
	box fyne.CanvasObject

	all   []alarmRow
	rows  []alarmRow
	cur   int         // index in rows of the alarm under review, -1 when it is not listed
	curID int64       // the alarm under review, 0 when none; kept across reloads and filters
	shown store.Alarm // the alarm as the detail shows it, to tell when the stored one changed
	sig   uint64      // alarmsSignature of the last load
	fresh bool        // sig is from a load of the current period
	seq   int         // number of the latest reload: an older one finishing later is dropped

	rangeSel *widget.Select
	from, to *widget.Entry
	groups   *widget.CheckGroup
	grades   *widget.CheckGroup
	statuses *widget.CheckGroup
	disp     *widget.Select
	region   *widget.Select
	industry *widget.Select
	ent      *widget.Entry
	sortBy   *widget.Select
	desc     *widget.Check
	note     *widget.Label
	tbl      *specTable[alarmRow] // sorted by a header click, else by sortBy
	table    *widget.Table        // tbl's

	regions    []store.Region
	industries []store.Industry

	detail       *alarmDetail
	detailScroll *container.Scroll // the detail's facts and reviews (alarm_detail.go), refreshed after new text
	font         *truetype.Font
}

func newAlarmsScreen(s *Shell) *alarmsScreen {
	tr := s.tr
	as := &alarmsScreen{s: s, cur: -1, note: widget.NewLabel("")}
	as.rangeSel = newSelect(tr, []string{tr.T("al.range.today"), tr.T("al.range.7d"), tr.T("al.range.30d"),
		tr.T("al.range.90d"), tr.T("al.range.365d"), tr.T("al.range.custom")}, func(string) { as.onRange() })
	as.from, as.to = widget.NewEntry(), widget.NewEntry()
	as.from.SetPlaceHolder("2006-01-02")
	as.to.SetPlaceHolder("2006-01-02")
	custom := func(string) { // typed dates: the range is no longer relative
		if queueRange(as.rangeSel.SelectedIndex()) != rangeCustom {
			as.rangeSel.SetSelectedIndex(int(rangeCustom)) // reloads
			return
		}
		as.refresh()
	}
	as.from.OnSubmitted, as.to.OnSubmitted = custom, custom
	apply := func(string) { as.apply() }
	applyAll := func([]string) { as.apply() }
	var groups, grades, statuses []string
	for _, g := range store.Groups() {
		groups = append(groups, s.alarmGroup(g))
	}
	for _, g := range alarmGrades {
		grades = append(grades, s.grade(g))
	}
	for _, st := range alarmStatuses {
		statuses = append(statuses, s.alarmStatus(st))
	}
	statuses = append(statuses, tr.T("al.status.trial")) // the last entry: alarms of a recorded test
	as.groups = widget.NewCheckGroup(groups, applyAll)
	as.groups.Horizontal = true
	as.grades = widget.NewCheckGroup(grades, applyAll)
	as.grades.Horizontal = true
	as.statuses = widget.NewCheckGroup(statuses, applyAll)
	as.statuses.Horizontal = true
	// Withdrawn alarms were disproved by later data: hidden unless asked for.
	as.statuses.SetSelected([]string{s.alarmStatus(store.Open), s.alarmStatus(store.Ended)})
	disps := []string{tr.T("al.all.disp"), s.disposition(store.Undecided)}
	for _, d := range dispositions {
		disps = append(disps, s.disposition(d))
	}
	as.disp = newSelect(tr, disps, apply)
	as.region = newSelect(tr, []string{tr.T("al.all.region")}, apply)
	as.industry = newSelect(tr, []string{tr.T("al.all.industry")}, apply)
	as.ent = widget.NewEntry()
	as.ent.SetPlaceHolder(tr.T("al.enterprise"))
	as.ent.OnChanged = apply
	as.sortBy = newSelect(tr, []string{tr.T("al.sort.start"), tr.T("al.sort.duration"), tr.T("al.sort.grade")}, func(string) {
		if as.tbl != nil { // the chosen key replaces a header's
			as.tbl.sort = unsorted
		}
		as.apply()
	})
	as.desc = widget.NewCheck(tr.T("al.sort.desc"), func(bool) { as.apply() })
	for _, sel := range []*widget.Select{as.disp, as.region, as.industry, as.sortBy} {
		sel.SetSelectedIndex(0)
	}
	as.desc.SetChecked(true)

	as.tbl = newSpecTable(as.columns(), func() []alarmRow { return as.rows }, func(row int) {
		if row != as.cur {
			as.open(row)
		}
	}, as.apply)
	as.table = as.tbl.table
	as.detail = as.newDetail()
	export := widget.NewButton(tr.T("al.pkg.export"), as.onExportPackage)
	imp := widget.NewButton(tr.T("al.pkg.import"), as.onImportPackage)
	filters := container.NewVBox(
		container.NewGridWithColumns(5, as.rangeSel, as.from, as.to, as.region, as.industry),
		// Check groups at their own width: a grid would give each the widest's,
		// and the list would push the alarm under review off a 1366 screen.
		container.NewHBox(as.groups, as.grades),
		container.NewBorder(nil, nil, as.statuses, nil, container.NewGridWithColumns(2, as.disp, as.ent)),
		container.NewHBox(widget.NewLabel(tr.T("al.sort")), as.sortBy, as.desc, layoutSpacer(), export, imp),
		widget.NewLabel(tr.T("al.keys")),
		as.note)
	list := container.NewBorder(filters, as.tbl.hint, nil, nil, as.table)
	// The detail scrolls sideways rather than claim its widest row (the
	// review bar's select, note and two buttons): on a narrow window it
	// gives way to the queue.
	split := container.NewHSplit(list, container.NewHScroll(as.detail.box))
	split.Offset = 0.58
	// The triage columns stay whole on a narrow window (TestAlarmTableFits1366).
	as.box = newLeadFit(split, func() float32 {
		var w float32
		for _, c := range alarmColumnWidths(s.tr.lang)[:requiredAlarmColumns] {
			w += c
		}
		return w + requiredAlarmColumns*theme.Padding() + 2*theme.Padding() + theme.ScrollBarSize()
	})
	as.rangeSel.SetSelectedIndex(int(range30d))
	return as
}

// alarmGrades and alarmStatuses are the choices of the grade and status filters, in order.
var (
	alarmGrades   = []store.Grade{store.Minor, store.Major, store.Severe}
	alarmStatuses = []store.AlarmStatus{store.Open, store.Ended, store.Withdrawn}
)

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel(" ") }

func (as *alarmsScreen) content() fyne.CanvasObject { return as.box }

// refresh reloads the queue for the chosen time range and takes the keys.
func (as *alarmsScreen) refresh() {
	c := as.s.win.Canvas()
	c.SetOnTypedRune(as.onRune)
	c.SetOnTypedKey(as.onKey)
	as.reload(true)
}

// reload reads the queue's alarms again. Unless force, an unchanged set of
// alarms (same signature) only redraws the table, for the durations of open
// alarms; a changed one is applied keeping the selection, and the detail
// follows the stored alarm under review.
func (as *alarmsScreen) reload(force bool) {
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
	skip, check := as.sig, !force && as.fresh
	as.seq++
	seq := as.seq
	load(as.s, func(ctx context.Context) (alarmLoad, error) { return gatherAlarms(ctx, d, from, to, skip, check) },
		func(l alarmLoad, err error) {
			if seq != as.seq {
				return // a newer reload (another range, a later poll) is under way
			}
			if err != nil {
				as.note.SetText(as.s.errorText(as.s.tr.T("nav.alarms"), err))
				return
			}
			if l.unchanged {
				as.table.Refresh()
				return
			}
			as.sig, as.fresh = l.sig, true
			as.all, as.regions, as.industries = l.rows, l.regions, l.industries
			setChoices(as.region, as.s.tr.T("al.all.region"), l.regions, func(r store.Region) string { return r.Name })
			setChoices(as.industry, as.s.tr.T("al.all.industry"), l.industries, func(i store.Industry) string { return i.Name })
			as.apply()
			as.showPackage(l.pkg)
			as.followStored()
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

// alarmLoad is what one load of the queue reads.
type alarmLoad struct {
	rows       []alarmRow
	regions    []store.Region
	industries []store.Industry
	pkg        *store.ReviewPackage
	sig        uint64
	unchanged  bool // check was asked and the alarms' signature is still skip: nothing else was read
}

func gatherAlarms(ctx context.Context, d Deps, from, to time.Time, skip uint64, check bool) (alarmLoad, error) {
	var l alarmLoad
	alarms, err := d.Alarms.FindAlarms(ctx, store.AlarmFilter{From: from, To: to})
	if err != nil {
		return l, fmt.Errorf("read alarms: %w", err)
	}
	if l.sig = alarmsSignature(alarms); check && l.sig == skip {
		l.unchanged = true
		return l, nil
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
	terms, err := d.Registry.FindTerminals(ctx, store.TerminalFilter{})
	if err != nil {
		return l, fmt.Errorf("read terminals: %w", err)
	}
	mns := make(map[int64]string, len(terms))
	for _, t := range terms {
		mns[t.ID] = t.MN
	}
	facs := map[int64]string{}
	points := map[int64][]store.Point{}
	for _, a := range alarms {
		if _, seen := points[a.EnterpriseID]; seen {
			continue
		}
		fs, err := d.Registry.FacilitiesByEnterprise(ctx, a.EnterpriseID)
		if err != nil {
			return l, fmt.Errorf("read facilities of enterprise %d: %w", a.EnterpriseID, err)
		}
		for _, f := range fs {
			facs[f.ID] = f.Name
		}
		ps, err := d.Registry.FindPoints(ctx, store.PointFilter{EnterpriseID: a.EnterpriseID})
		if err != nil {
			return l, fmt.Errorf("read points of enterprise %d: %w", a.EnterpriseID, err)
		}
		points[a.EnterpriseID] = ps // the key marks the enterprise read, even with no points
	}
	for _, a := range alarms {
		e := byID[a.EnterpriseID]
		l.rows = append(l.rows, alarmRow{a: a, enterprise: e.Name, regionID: e.RegionID, industryID: e.IndustryID,
			production: facs[a.ProductionID], treatment: facs[a.TreatmentID],
			terminal: terminalLabel(a, points[a.EnterpriseID], mns)})
	}
	if d.Packages != nil {
		if p, err := d.Packages.ReviewPackageInfo(ctx); err == nil {
			l.pkg = &p
		}
	}
	return l, nil
}

// period is the queue's time range: a relative range computed from now (and
// shown in the from/to entries), or the entries as typed: [from day, to day + 1).
func (as *alarmsScreen) period() (from, to time.Time, ok bool) {
	if r := queueRange(as.rangeSel.SelectedIndex()); r >= 0 && r != rangeCustom {
		from, to = rangePeriod(r, as.s.deps.Now())
		if from.Format("2006-01-02") != as.from.Text || to.AddDate(0, 0, -1).Format("2006-01-02") != as.to.Text {
			as.fresh = false // a new day: the signature of the old period says nothing
		}
		as.from.SetText(from.Format("2006-01-02"))
		as.to.SetText(to.AddDate(0, 0, -1).Format("2006-01-02"))
		return from, to, true
	}
	f, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(as.from.Text), store.Beijing)
	t, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(as.to.Text), store.Beijing)
	if err1 != nil || err2 != nil || t.Before(f) {
		return f, t, false
	}
	return f, t.AddDate(0, 0, 1), true
}

// onRange reloads for the chosen range.
func (as *alarmsScreen) onRange() {
	if as.table != nil {
		as.refresh()
	}
}

// filter is the filter and sort state the widgets hold.
func (as *alarmsScreen) filter() queueFilter {
	f := queueFilter{
		groups:     checked(as.groups, store.Groups()),
		grades:     checked(as.grades, alarmGrades),
		statuses:   checked(as.statuses, alarmStatuses),
		trial:      slices.Contains(as.statuses.Selected, as.s.tr.T("al.status.trial")),
		enterprise: as.ent.Text,
		sort:       queueSort(max(as.sortBy.SelectedIndex(), 0)),
		desc:       as.desc.Checked,
	}
	switch i := as.disp.SelectedIndex(); {
	case i == 1:
		f.dispositions = []store.Disposition{store.Undecided}
	case i > 1:
		f.dispositions = []store.Disposition{dispositions[i-2]}
	}
	if i := as.region.SelectedIndex(); i > 0 && i <= len(as.regions) {
		f.regionID = as.regions[i-1].ID
	}
	if i := as.industry.SelectedIndex(); i > 0 && i <= len(as.industries) {
		f.industryID = as.industries[i-1].ID
	}
	return f
}

// checked are the values of cg's ticked options; options are in vals' order.
func checked[T any](cg *widget.CheckGroup, vals []T) []T {
	var out []T
	for i, o := range cg.Options {
		if slices.Contains(cg.Selected, o) && i < len(vals) {
			out = append(out, vals[i])
		}
	}
	return out
}

// apply filters and sorts all into rows and keeps the alarm under review
// selected when it is still listed. Selecting the row it already had does
// not move the table, so a reload keeps the scroll position.
func (as *alarmsScreen) apply() {
	if as.table == nil {
		return // still building
	}
	as.rows = as.tbl.sorted(filterAlarms(as.all, as.filter(), as.s.deps.Now()))
	as.note.SetText(as.s.tr.T("al.count", len(as.rows), len(as.all)))
	as.cur = -1
	for i, r := range as.rows {
		if as.curID != 0 && r.a.ID == as.curID {
			as.cur = i
		}
	}
	if as.cur < 0 {
		as.table.UnselectAll()
	} else {
		as.table.Select(widget.TableCellID{Row: as.cur}) // as.cur is set: OnSelected does not reopen it
	}
	as.table.Refresh()
}

// cell is the text of a cell of the queue.
func (as *alarmsScreen) cell(id widget.TableCellID) string { return as.tbl.cell(id.Row, id.Col) }

// dayTime is a time in the queue's narrow columns; the detail shows the year.
func dayTime(t time.Time) string { return t.In(store.Beijing).Format("01-02 15:04") }

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

// watchAlarms polls the alarms every interval until the shell closes: the
// judge worker raises, changes and withdraws alarms in the background, and
// only raising is notified (AlarmRaised).
func (s *Shell) watchAlarms(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.do(s.pollAlarms)
		}
	}
}

// pollAlarms updates the 报警 badge and, while the queue is shown, reloads it
// when its alarms changed. Call it on the UI goroutine.
func (s *Shell) pollAlarms() {
	s.updateBadge()
	if s.Current() == ViewAlarms {
		s.alarms.reload(false)
	}
}

// updateBadge counts the alarms still to review (NeedsReview, not withdrawn,
// not of a recorded test, undecided) into the 报警 navigation entry.
func (s *Shell) updateBadge() {
	if s.deps.Alarms == nil {
		return
	}
	load(s, func(ctx context.Context) (int, error) {
		as, err := s.deps.Alarms.FindAlarms(ctx, store.AlarmFilter{Types: reviewTypes(),
			Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo,
			Dispositions: []store.Disposition{store.Undecided}}) // only the few undecided rows come back
		if err != nil {
			return 0, fmt.Errorf("count alarms to review: %w", err)
		}
		return unreviewed(as), nil
	}, func(n int, err error) {
		it := s.items[ViewAlarms]
		if err != nil || it == nil {
			return // the badge stays as it was; the queue itself shows read errors
		}
		text := s.tr.T("nav.alarms")
		if n > 0 {
			text = s.tr.T("al.badge", text, n)
		}
		if it.Text != text {
			it.Text = text
			s.tabs.Refresh()
		}
	})
}

// alarmGroup is a review group's name in the current language.
func (s *Shell) alarmGroup(g store.AlarmGroup) string {
	switch g {
	case store.GroupViolation:
		return s.tr.T("al.group.violation")
	case store.GroupSuspect:
		return s.tr.T("al.group.suspect")
	}
	return s.tr.T("al.group.device")
}
