package ui

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// dashboardScreen is 总览: one tile per question an officer asks first, each
// a link to the view that answers it in detail.
type dashboardScreen struct {
	s     *Shell
	box   fyne.CanvasObject
	tiles map[string]*tile

	start    *widget.Card // the next steps on an empty database
	review   []store.Alarm
	names    map[int64]string // enterprise names of the list
	list     *widget.List     // today's violations still to review
	listNote *widget.Label
}

// A tile is one figure with a line of detail and a link to its view.
type tile struct {
	card   *widget.Card
	value  *canvas.Text
	detail *widget.Label
	open   *widget.Button
}

// dashData is what one load of the dashboard found. A section whose source is
// missing or failed keeps its text in the matching note field.
type dashData struct {
	online, offline, never, registered int
	liveKnown                          bool
	termNote                           string
	lastMN                             string
	lastAt                             time.Time

	openEnterprises int
	today           []store.Alarm
	toReview        []store.Alarm // today's, needing review and undecided, newest first
	names           map[int64]string
	alarmNote       string

	rate       float64
	rateNote   string
	usedToday  float64
	usedUntil  time.Time // the hours compared end here (a whole hour); zero: no comparison
	usedSoFar  float64   // today's kWh up to usedUntil
	usedBefore float64   // the same hours of the same weekday last week
	usedNote   string

	uplink     []store.UpstreamStatus
	uplinkNote string
}

func newDashboardScreen(s *Shell) *dashboardScreen {
	d := &dashboardScreen{s: s, tiles: map[string]*tile{}}
	if s.deps.ReviewWorkspace != "" {
		d.buildWorkspace()
		return d
	}
	specs := []struct {
		key  string
		view View
	}{
		{"terminals", ViewTerminals}, {"open", ViewAlarms}, {"today", ViewAlarms},
		{"rate", ViewStatistics}, {"consumption", ViewStatistics},
	}
	var objs []fyne.CanvasObject
	for _, sp := range specs {
		t := d.newTile(sp.key, sp.view)
		d.tiles[sp.key] = t
		objs = append(objs, t.card)
	}
	up := d.newTile("uplink", ViewSettings) // the city platform (ui/settings_uplink.go)
	up.card.SetTitle(s.tr.T("dash.uplink"))
	d.tiles["uplink"] = up
	objs = append(objs, up.card)
	d.start = d.startCard()
	d.start.Hide()
	d.newReviewList()
	// The panels beside the tiles, one above the other, sharing the height:
	// today's violations to review first. A further panel (a map) is one more
	// entry of this list.
	panels := []fyne.CanvasObject{
		widget.NewCard(s.tr.T("dash.review"), "", container.NewBorder(d.listNote, nil, nil, nil, d.list)),
		s.mapPanel(),
	}
	// Tiles left in two columns, panels right: at 1366 the tiles keep their
	// text whole, at 1920 the list gets the room.
	split := container.NewHSplit(container.NewVScroll(container.NewGridWithColumns(2, objs...)),
		container.NewGridWithRows(len(panels), panels...))
	split.Offset = 0.6
	d.box = container.NewBorder(d.start, nil, nil, nil, split)
	return d
}

// newReviewList makes the list of alarms to review; a tap opens one in 报警.
func (d *dashboardScreen) newReviewList() {
	d.listNote = widget.NewLabel("")
	d.list = widget.NewList(func() int { return len(d.review) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			line := d.reviewLine
			if d.s.deps.ReviewWorkspace != "" {
				line = d.reviewLineDated
			}
			o.(*widget.Label).SetText(line(d.review[i]))
		})
	d.list.OnSelected = func(i widget.ListItemID) {
		d.list.UnselectAll()
		if i >= 0 && i < len(d.review) {
			d.s.openAlarm(d.review[i].ID)
		}
	}
}

// reviewLine is one alarm of the list: "13:05 东湖石化 · 治污设施未同步运行 · 严重".
func (d *dashboardScreen) reviewLine(a store.Alarm) string {
	return fmt.Sprintf("%s  %s · %s · %s", a.Start.In(store.Beijing).Format("15:04"), d.names[a.EnterpriseID],
		d.s.alarmType(a.Type), d.s.grade(a.Grade))
}

func (d *dashboardScreen) newTile(key string, v View) *tile {
	t := &tile{value: canvas.NewText("…", nil), detail: widget.NewLabel("")}
	t.detail.Wrapping = fyne.TextWrapWord // a long comparison must not widen the tile off the window
	t.value.TextSize = 28
	t.value.TextStyle.Bold = true
	t.open = widget.NewButton(d.s.tr.T("dash.goto", d.s.tr.T("nav."+string(v))), func() { d.s.Show(v) })
	t.card = widget.NewCard(d.s.tr.T("dash."+key), "", container.NewVBox(t.value, t.detail, t.open))
	return t
}

func (d *dashboardScreen) content() fyne.CanvasObject { return d.box }

func (d *dashboardScreen) refresh() {
	if d.s.deps.ReviewWorkspace != "" {
		load(d.s, d.gatherWorkspace, func(wd workspaceData, _ error) { d.applyWorkspace(wd) })
		return
	}
	load(d.s, d.gather, func(dd dashData, _ error) { d.apply(dd) })
}

// gather reads every source the dashboard needs; it runs off the UI goroutine.
// The sources are independent and read at once: the start-up waits for all
// of them, and on a cold file cache their disk reads overlap. Each part fills
// its own fields of dd.
func (d *dashboardScreen) gather(ctx context.Context) (dashData, error) {
	now := d.s.deps.Now()
	start := dayStart(now)
	var dd dashData
	var wg sync.WaitGroup
	wg.Go(func() { d.gatherTerminals(ctx, &dd) })
	wg.Go(func() { d.gatherAlarms(ctx, &dd, start, now) })
	wg.Go(func() { d.gatherRate(ctx, &dd, start, now) })
	wg.Go(func() { d.gatherConsumption(ctx, &dd, start, now) })
	wg.Go(func() { d.gatherUplink(ctx, &dd) })
	wg.Wait()
	return dd, nil
}

func (d *dashboardScreen) gatherTerminals(ctx context.Context, dd *dashData) {
	s := d.s
	if s.deps.Registry == nil {
		dd.termNote = s.tr.T("common.nodata")
		return
	}
	ts, err := s.deps.Registry.FindTerminals(ctx, store.TerminalFilter{})
	if err != nil {
		dd.termNote = s.errorText(s.tr.T("dash.terminals"), err)
		return
	}
	live, err := terminalStates(ctx, s.deps.Terminals)
	for _, st := range live {
		if st.LastSeen.After(dd.lastAt) {
			dd.lastAt, dd.lastMN = st.LastSeen, st.MN
		}
	}
	dd.registered = len(ts)
	dd.liveKnown = live != nil && err == nil
	for _, t := range ts {
		switch {
		case live[t.MN].Online:
			dd.online++
		case t.LastSeen.IsZero():
			dd.never++
		default:
			dd.offline++
		}
	}
}

func (d *dashboardScreen) gatherAlarms(ctx context.Context, dd *dashData, start, now time.Time) {
	s := d.s
	if s.deps.Alarms == nil {
		dd.alarmNote = s.tr.T("common.nodata")
		return
	}
	open, err := s.deps.Alarms.FindAlarms(ctx, store.AlarmFilter{Statuses: []store.AlarmStatus{store.Open}, Trial: store.TrialNo})
	if err == nil {
		// A withdrawn alarm was disproved by later data: it is kept for the
		// record, but it is not one of today's alarms.
		dd.today, err = s.deps.Alarms.FindAlarms(ctx, store.AlarmFilter{From: start, To: now,
			Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo})
	}
	if err != nil {
		dd.alarmNote = s.errorText(s.tr.T("dash.open"), err)
	}
	for _, a := range dd.today {
		if a.Type.NeedsReview() && !a.Trial && a.Disposition == store.Undecided {
			dd.toReview = append(dd.toReview, a)
		}
	}
	sort.SliceStable(dd.toReview, func(i, j int) bool { return dd.toReview[i].Start.After(dd.toReview[j].Start) })
	if len(dd.toReview) > 0 && s.deps.Registry != nil {
		dd.names = map[int64]string{}
		if es, err := s.deps.Registry.FindEnterprises(ctx, store.EnterpriseFilter{}); err == nil {
			for _, e := range es {
				dd.names[e.ID] = e.Name
			}
		}
	}
	ents := map[int64]bool{}
	for _, a := range open {
		ents[a.EnterpriseID] = true
	}
	dd.openEnterprises = len(ents)
}

func (d *dashboardScreen) gatherRate(ctx context.Context, dd *dashData, start, now time.Time) {
	s := d.s
	if s.deps.Stats == nil {
		dd.rateNote = s.tr.T("common.nodata")
		return
	}
	days, _, err := s.deps.Stats.TransmissionRate(ctx, 0, start, now, false)
	if err != nil {
		dd.rateNote = s.errorText(s.tr.T("dash.rate"), err)
	} else if dd.rate = rateOf(days); math.IsNaN(dd.rate) {
		dd.rateNote = s.tr.T("dash.rate.none")
	}
}

// gatherConsumption reads the district's energy today so far, and sets the
// whole hours of today so far against the same hours of the same weekday
// last week: against that whole day it read −100 % every morning.
func (d *dashboardScreen) gatherConsumption(ctx context.Context, dd *dashData, start, now time.Time) {
	s := d.s
	if s.deps.Stats == nil {
		dd.usedNote = s.tr.T("common.nodata")
		return
	}
	var err error
	dd.usedToday, err = districtEnergy(ctx, s.deps.Stats, start, now)
	if until := now.Truncate(time.Hour); err == nil && until.After(start) {
		if dd.usedSoFar, err = districtEnergyHours(ctx, s.deps.Stats, start, until); err == nil {
			dd.usedBefore, err = districtEnergyHours(ctx, s.deps.Stats, start.AddDate(0, 0, -7), until.AddDate(0, 0, -7))
			dd.usedUntil = until
		}
	}
	if err != nil {
		dd.usedNote = s.errorText(s.tr.T("dash.consumption"), err)
	}
}

// hourTotaler is a store that sums the district's kWh over whole hours
// (*sqlite.DB, from its hourly aggregates).
type hourTotaler interface {
	TotalEnergyHours(ctx context.Context, from, to time.Time) (float64, error)
}

// districtEnergyHours is the kWh of the district in [from, to), both whole hours.
func districtEnergyHours(ctx context.Context, st Stats, from, to time.Time) (float64, error) {
	if t, ok := st.(hourTotaler); ok {
		return t.TotalEnergyHours(ctx, from, to)
	}
	if _, ok := st.(energyTotaler); ok {
		return 0, fmt.Errorf("hourly totals: %w", errNoHourly) // its daily totals would compare whole days again
	}
	return districtEnergy(ctx, st, from, to)
}

func (d *dashboardScreen) gatherUplink(ctx context.Context, dd *dashData) {
	s := d.s
	if s.deps.Uplink == nil {
		dd.uplinkNote = s.tr.T("common.nodata")
	} else if up, err := s.deps.Uplink.UplinkStatus(ctx); err != nil {
		dd.uplinkNote = s.errorText(s.tr.T("dash.uplink"), err)
	} else {
		dd.uplink = up
	}
}

// rateOf is received ÷ expected summed over rs; NaN when nothing was expected.
func rateOf(rs []store.Rate) float64 {
	var got, want int
	for _, r := range rs {
		got += r.Received
		want += r.Expected
	}
	if want == 0 {
		return math.NaN()
	}
	return float64(got) / float64(want)
}

// energyTotaler is a store that sums the district's kWh over whole days
// itself. *sqlite.DB does, by a key lookup per point: Consumption's rows also
// carry 同比, so it reads a year of daily rows, a second at start-up on a
// year's database.
type energyTotaler interface {
	TotalEnergy(ctx context.Context, from, to time.Time) (float64, error)
}

// districtEnergy is the kWh of every region's enterprises in [from, to).
func districtEnergy(ctx context.Context, st Stats, from, to time.Time) (float64, error) {
	if t, ok := st.(energyTotaler); ok {
		return t.TotalEnergy(ctx, from, to)
	}
	rows, err := st.Consumption(ctx, store.StatsQuery{By: store.ByRegion, Period: store.Day, From: from, To: to})
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, r := range rows {
		sum += r.Energy
	}
	return sum, nil
}

func (d *dashboardScreen) apply(dd dashData) {
	tr := d.s.tr
	set := func(key, value, detail string) {
		t := d.tiles[key]
		t.value.Text = value
		t.value.Refresh()
		t.detail.SetText(detail)
	}
	switch {
	case dd.termNote != "":
		set("terminals", "—", dd.termNote)
	case !dd.liveKnown:
		set("terminals", fmt.Sprint(dd.registered), tr.T("dash.terminals.nolive", dd.never))
	default:
		set("terminals", fmt.Sprintf("%d / %d", dd.online, dd.registered), tr.T("dash.terminals.detail", dd.online, dd.offline, dd.never))
		d.s.status.setOnline(dd.online, dd.registered)
	}
	if !dd.lastAt.IsZero() {
		d.s.status.setLast(dd.lastMN, dd.lastAt)
	}
	if dd.alarmNote != "" {
		set("open", "—", dd.alarmNote)
		set("today", "—", dd.alarmNote)
	} else {
		set("open", fmt.Sprint(dd.openEnterprises), tr.T("dash.open.detail"))
		set("today", fmt.Sprint(len(dd.today)), d.alarmBreakdown(dd.today))
	}
	if dd.rateNote != "" {
		set("rate", "—", dd.rateNote)
	} else {
		set("rate", fmt.Sprintf("%.1f %%", dd.rate*100), tr.T("dash.rate.detail"))
	}
	if dd.usedNote != "" {
		set("consumption", "—", dd.usedNote)
	} else {
		set("consumption", fmt.Sprintf("%.0f kWh", dd.usedToday), d.comparison(dd))
	}
	d.applyUplink(dd, set)
	d.applyReview(dd)
	// A database with no terminal yet: the next steps instead of zeros.
	if dd.termNote == "" && dd.registered == 0 && d.s.deps.Registry != nil {
		d.start.Show()
	} else {
		d.start.Hide()
	}
}

// applyReview fills the list of today's violations still to review.
func (d *dashboardScreen) applyReview(dd dashData) {
	d.review, d.names = dd.toReview, dd.names
	switch {
	case dd.alarmNote != "":
		d.listNote.SetText(dd.alarmNote)
	case len(dd.toReview) == 0:
		d.listNote.SetText(d.s.tr.T("dash.review.none"))
	default:
		d.listNote.SetText(d.s.tr.T("dash.review.count", len(dd.toReview)))
	}
	d.list.Refresh()
}

// applyUplink fills the city-platform tile: upstreams connected out of
// configured, and what waits.
func (d *dashboardScreen) applyUplink(dd dashData, set func(key, value, detail string)) {
	tr := d.s.tr
	if dd.uplinkNote != "" {
		set("uplink", "—", dd.uplinkNote)
		return
	}
	if len(dd.uplink) == 0 {
		set("uplink", "—", tr.T("dash.uplink.none"))
		return
	}
	connected, pending, over, writeOnly := 0, 0, false, false
	var oldest time.Time
	for _, u := range dd.uplink {
		if u.Connected {
			connected++
		}
		pending += u.Pending
		over = over || u.OverLimit
		writeOnly = writeOnly || u.WriteOnly
		if !u.Oldest.IsZero() && (oldest.IsZero() || u.Oldest.Before(oldest)) {
			oldest = u.Oldest
		}
	}
	detail := tr.T("dash.uplink.detail", pending, when(oldest))
	if over {
		detail = tr.T("uplink.overlimit")
	}
	if writeOnly {
		detail = tr.T("uplink.writeonly")
	}
	set("uplink", fmt.Sprintf("%d / %d", connected, len(dd.uplink)), detail)
	// A warning is red: the city's receipt is in doubt or it falls behind.
	if t := d.tiles["uplink"]; over || writeOnly {
		t.detail.Importance = widget.DangerImportance
		t.detail.Refresh()
	} else if t.detail.Importance != widget.MediumImportance {
		t.detail.Importance = widget.MediumImportance
		t.detail.Refresh()
	}
}

// alarmBreakdown is "治污设施未同步运行 3 · 离线 2 | 严重 1 · 一般 4".
func (d *dashboardScreen) alarmBreakdown(as []store.Alarm) string {
	if len(as) == 0 {
		return d.s.tr.T("dash.today.none")
	}
	byType, byGrade := map[store.AlarmType]int{}, map[store.Grade]int{}
	for _, a := range as {
		byType[a.Type]++
		byGrade[a.Grade]++
	}
	var types []string
	for t, n := range byType {
		types = append(types, fmt.Sprintf("%s %d", d.s.alarmType(t), n))
	}
	sort.Strings(types)
	var grades []string
	for _, g := range []store.Grade{store.Severe, store.Major, store.Minor} {
		if n := byGrade[g]; n > 0 {
			grades = append(grades, fmt.Sprintf("%s %d", d.s.grade(g), n))
		}
	}
	return strings.Join(types, " · ") + "\n" + strings.Join(grades, " · ")
}

// comparison is "上周同日 00:00–16:00 1234 kWh，今日同时段 +5.2 %".
func (d *dashboardScreen) comparison(dd dashData) string {
	if dd.usedUntil.IsZero() {
		return d.s.tr.T("dash.consumption.early")
	}
	until := dd.usedUntil.In(store.Beijing).Format("15:04")
	if dd.usedBefore <= 0 {
		return d.s.tr.T("dash.consumption.nobase", until)
	}
	return d.s.tr.T("dash.consumption.detail", until, dd.usedBefore, (dd.usedSoFar-dd.usedBefore)/dd.usedBefore*100)
}
