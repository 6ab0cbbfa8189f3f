package ui

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"powerwatch/assets"
	"powerwatch/geo"
	"powerwatch/store"
	"powerwatch/ui/mapview"
)

// mapScreen is 地图: the district's outlines, the enterprises as markers
// coloured by their state now, filters, and beside the map today's
// violations not yet reviewed. During an emergency episode enterprises under
// order show the episode board's compliance states.
type mapScreen struct {
	s   *Shell
	box fyne.CanvasObject
	m   *mapview.Map

	data    mapData
	areas   []geo.Area
	loadErr string

	industry, region, order, state *widget.Select
	note                           *widget.Label
	list                           *widget.List
}

// mapData is what one load gathered.
type mapData struct {
	ents       []mapEnterprise
	regions    []store.Region
	industries []store.Industry
	violations []store.Alarm // today's, not reviewed, newest first
	episode    bool          // an episode with orders is running
	home       string
}

// mapEnterprise is one enterprise with what its marker and card say.
type mapEnterprise struct {
	e          store.Enterprise
	state      mapview.State
	ratedKW    float64
	facilities int
	running    int
	open       int // open alarms
	underOrder bool
}

func newMapScreen(s *Shell) *mapScreen {
	tr := s.tr
	ms := &mapScreen{s: s}
	r, err := mapview.NewRenderer()
	if err != nil {
		ms.box = widget.NewLabel(err.Error())
		return ms
	}
	ms.areas, err = geo.ParseAreas(assets.BeijingDistricts())
	if err != nil {
		ms.loadErr = err.Error()
	}
	ms.m = mapview.NewMap(r)
	ms.m.OnTapMarker = func(id int64) { s.ents.open(id); s.Show(ViewEnterprises) }
	all := tr.T("map.filter.all")
	ms.industry = widget.NewSelect([]string{all}, nil)
	ms.region = widget.NewSelect([]string{all}, nil)
	ms.order = widget.NewSelect([]string{all, tr.T("map.filter.ordered"), tr.T("map.filter.unordered")}, nil)
	states := []string{all}
	for _, st := range mapview.States() {
		states = append(states, tr.T(st.Key()))
	}
	ms.state = widget.NewSelect(states, nil)
	ms.note = widget.NewLabel("")
	ms.note.Wrapping = fyne.TextWrapWord
	ms.list = widget.NewList(func() int { return len(ms.data.violations) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Truncation = fyne.TextTruncateEllipsis; return l },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(ms.violationLine(ms.data.violations[i]))
		})
	ms.list.OnSelected = func(i widget.ListItemID) { ms.highlight(ms.data.violations[i].EnterpriseID) }
	filters := container.NewHBox(
		widget.NewLabel(tr.T("map.filter.industry")), ms.industry,
		widget.NewLabel(tr.T("map.filter.region")), ms.region,
		widget.NewLabel(tr.T("map.filter.order")), ms.order,
		widget.NewLabel(tr.T("map.filter.state")), ms.state,
		widget.NewButtonWithIcon(tr.T("map.home"), theme.ZoomFitIcon(), func() { ms.m.FitHome() }),
		widget.NewButtonWithIcon(tr.T("map.export"), theme.DownloadIcon(), ms.exportPNG),
	)
	side := container.NewBorder(widget.NewLabelWithStyle(tr.T("map.violations"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, ms.list)
	split := container.NewHSplit(ms.m, side)
	split.SetOffset(0.78)
	ms.box = container.NewBorder(container.NewVBox(container.NewHScroll(filters), ms.note), nil, nil, nil, split)
	for _, sel := range []*widget.Select{ms.industry, ms.region, ms.order, ms.state} {
		sel.SetSelectedIndex(0)
		sel.OnChanged = func(string) { ms.apply() }
	}
	return ms
}

func (ms *mapScreen) content() fyne.CanvasObject { return ms.box }

func (ms *mapScreen) refresh() {
	if ms.m == nil {
		return
	}
	if ms.s.deps.Map == nil {
		ms.note.SetText(ms.s.tr.T("common.nodata"))
		return
	}
	load(ms.s, ms.gather, func(d mapData, err error) {
		if err != nil {
			ms.note.SetText(ms.s.errorText(ms.s.tr.T("nav.map"), err))
			return
		}
		ms.data = d
		ms.fillFilters()
		ms.apply()
		ms.list.UnselectAll()
		ms.list.Refresh()
	})
}

// gather reads the registry, the newest samples, the alarms, the terminals'
// states and, during an episode, its board; it runs off the UI goroutine.
func (ms *mapScreen) gather(ctx context.Context) (mapData, error) {
	d := ms.s.deps
	now := d.Now()
	reg, err := d.Map.LoadRegistry(ctx)
	if err != nil {
		return mapData{}, fmt.Errorf("read registry: %w", err)
	}
	var (
		latest []store.Sample
		open   []store.Alarm
		today  []store.Alarm
		live   map[string]store.TerminalState
		board  map[int64]string // enterprise → worst facility state under order
		errs   [5]error
		wg     sync.WaitGroup
	)
	wg.Go(func() { latest, errs[0] = d.Map.LatestSamples(ctx) })
	if d.Alarms != nil {
		wg.Go(func() {
			open, errs[1] = d.Alarms.FindAlarms(ctx, store.AlarmFilter{Statuses: []store.AlarmStatus{store.Open}, Trial: store.TrialNo})
		})
		wg.Go(func() {
			today, errs[2] = d.Alarms.FindAlarms(ctx, store.AlarmFilter{From: dayStart(now), To: now.Add(time.Minute),
				Types: store.TypesOf(store.GroupViolation), Dispositions: []store.Disposition{store.Undecided}, Trial: store.TrialNo})
		})
	}
	wg.Go(func() { live, errs[3] = terminalStates(ctx, d.Terminals) })
	wg.Go(func() { board, errs[4] = episodeBoard(ctx, d.Orders, reg, now) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return mapData{}, err
		}
	}
	slices.SortFunc(today, func(a, b store.Alarm) int { return b.Start.Compare(a.Start) })
	today = slices.DeleteFunc(today, func(a store.Alarm) bool { return a.Status == store.Withdrawn })
	return mapData{ents: mapEnterprises(reg, latest, open, live, board, now), regions: reg.Regions,
		industries: reg.Industries, violations: today, episode: board != nil, home: homeDistrict(d.District, reg)}, nil
}

// homeDistrict is the bureau's district: as configured, else the district
// (a region without parent) most enterprises belong to.
func homeDistrict(configured string, reg *store.Registry) string {
	if configured != "" {
		return configured
	}
	n := map[int64]int{}
	for _, e := range reg.Enterprises {
		n[e.RegionID]++
	}
	best, bestN := "", 0
	for _, r := range reg.Regions {
		if r.Parent == 0 && n[r.ID] > bestN {
			best, bestN = r.Name, n[r.ID]
		}
	}
	return best
}

// episodeBoard returns, while orders are in force, the worst state on the
// episode board of each enterprise under order; nil outside an episode.
func episodeBoard(ctx context.Context, desk OrderDesk, reg *store.Registry, now time.Time) (map[int64]string, error) {
	if desk == nil {
		return nil, nil
	}
	var board map[int64]string
	for _, ep := range store.EpisodesOf(reg.Orders) {
		if now.Before(ep.Start) || !now.Before(ep.End) {
			continue
		}
		rep, err := desk.EpisodeReport(ctx, ep)
		if err != nil {
			return nil, fmt.Errorf("episode board: %w", err)
		}
		if board == nil {
			board = map[int64]string{}
		}
		for _, f := range rep.Facilities {
			if cur, ok := board[f.EnterpriseID]; !ok || boardRank(f.State) < boardRank(cur) {
				board[f.EnterpriseID] = f.State
			}
		}
	}
	return board, nil
}

// boardRank orders the board's states worst first.
func boardRank(s string) int {
	return slices.Index([]string{store.StateRunning, store.StatePartial, store.StateUnknown, store.StateStopped}, s)
}

// runningWithin is how fresh a sample must be to say a facility runs now.
const runningWithin = 30 * time.Minute

// mapEnterprises works out each enterprise's marker state (see
// mapview.State), rated power, facilities running and open alarms.
func mapEnterprises(reg *store.Registry, latest []store.Sample, open []store.Alarm, live map[string]store.TerminalState,
	board map[int64]string, now time.Time) []mapEnterprise {
	byPoint := map[int64]store.Sample{}
	for _, s := range latest {
		byPoint[s.PointID] = s
	}
	alarms := map[int64][]store.Alarm{}
	for _, a := range open {
		alarms[a.EnterpriseID] = append(alarms[a.EnterpriseID], a)
	}
	terms := map[int64][]store.Terminal{}
	for _, t := range reg.Terminals {
		terms[t.EnterpriseID] = append(terms[t.EnterpriseID], t)
	}
	facs := map[int64][]store.Facility{}
	for _, f := range reg.Facilities {
		facs[f.EnterpriseID] = append(facs[f.EnterpriseID], f)
	}
	out := make([]mapEnterprise, 0, len(reg.Enterprises))
	for _, e := range reg.Enterprises {
		me := mapEnterprise{e: e, open: len(alarms[e.ID])}
		for _, f := range facs[e.ID] {
			if f.Kind == store.Total {
				continue // the supply meter would count the enterprise twice
			}
			me.facilities++
			me.ratedKW += f.RatedKW
			if facilityRunning(reg, f, byPoint, now) {
				me.running++
			}
			if len(reg.OrdersAt(f.ID, now)) > 0 {
				me.underOrder = true
			}
		}
		me.state = markerState(me, alarms[e.ID], terms[e.ID], live, board)
		out = append(out, me)
	}
	return out
}

// facilityRunning: its newest power sample is recent and above the stop threshold in force.
func facilityRunning(reg *store.Registry, f store.Facility, byPoint map[int64]store.Sample, now time.Time) bool {
	th, ok := reg.ThresholdAt(f.ID, now)
	for _, p := range reg.PointsOf(f.ID) {
		s, have := byPoint[p.ID]
		if !have || now.Sub(s.At) > runningWithin || s.P != s.P {
			continue
		}
		if ok && th.Basis == store.ByPower && s.P > th.Stop || !ok && s.P > 0 {
			return true
		}
	}
	return false
}

func markerState(me mapEnterprise, alarms []store.Alarm, terms []store.Terminal, live map[string]store.TerminalState, board map[int64]string) mapview.State {
	if st, ok := board[me.e.ID]; ok {
		return mapview.EpisodeState(st)
	}
	device := false
	for _, a := range alarms {
		if a.Type.NeedsReview() {
			return mapview.Violation
		}
		device = true
	}
	if device {
		return mapview.DeviceAlarm
	}
	if len(terms) == 0 {
		return mapview.NoData
	}
	online := false
	for _, t := range terms {
		online = online || live[t.MN].Online
	}
	switch {
	case !online && live != nil:
		return mapview.Offline
	case me.underOrder:
		return mapview.UnderOrder
	}
	return mapview.Normal
}

// fillFilters puts the loaded industries and regions in the filters,
// keeping what was chosen.
func (ms *mapScreen) fillFilters() {
	all := ms.s.tr.T("map.filter.all")
	set := func(sel *widget.Select, opts []string) {
		cur := sel.Selected
		sel.Options = append([]string{all}, opts...)
		if !slices.Contains(sel.Options, cur) {
			cur = all
		}
		sel.Selected = cur
		sel.Refresh()
	}
	set(ms.industry, names(ms.data.industries, func(i store.Industry) string { return i.Name }))
	set(ms.region, names(ms.data.regions, func(r store.Region) string { return r.Name }))
}

// visible applies the filters.
func (ms *mapScreen) visible(me mapEnterprise) bool {
	tr := ms.s.tr
	all := tr.T("map.filter.all")
	if v := ms.industry.Selected; v != all && v != "" && ms.industryName(me.e.IndustryID) != v {
		return false
	}
	if v := ms.region.Selected; v != all && v != "" && !ms.inRegion(me.e.RegionID, v) {
		return false
	}
	switch ms.order.Selected {
	case tr.T("map.filter.ordered"):
		if !me.underOrder {
			return false
		}
	case tr.T("map.filter.unordered"):
		if me.underOrder {
			return false
		}
	}
	if v := ms.state.Selected; v != all && v != "" && tr.T(me.state.Key()) != v {
		return false
	}
	return true
}

func (ms *mapScreen) industryName(id int64) string {
	for _, i := range ms.data.industries {
		if i.ID == id {
			return i.Name
		}
	}
	return ""
}

// inRegion: the enterprise's region is name, or a street of the district name.
func (ms *mapScreen) inRegion(id int64, name string) bool {
	for _, r := range ms.data.regions {
		if r.ID == id {
			if r.Name == name {
				return true
			}
			if r.Parent != 0 {
				return ms.inRegion(r.Parent, name)
			}
		}
	}
	return false
}

func (ms *mapScreen) regionName(id int64) string {
	for _, r := range ms.data.regions {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
}

// apply builds the scene from the loaded data and the filters.
func (ms *mapScreen) apply() {
	if ms.m == nil {
		return
	}
	tr := ms.s.tr
	sc := &mapview.Scene{Areas: ms.areas, Home: ms.data.home, Labels: ms.streetLabels(), Highlight: ms.m.Scene().Highlight}
	counts := map[mapview.State]int{}
	unplaced := 0
	for _, me := range ms.data.ents {
		if !ms.visible(me) {
			continue
		}
		p := geo.Point{Lng: me.e.Longitude, Lat: me.e.Latitude}
		if !geo.Beijing.Contains(p) {
			unplaced++
			continue
		}
		counts[me.state]++
		sc.Markers = append(sc.Markers, mapview.Marker{ID: me.e.ID, Pos: p, State: me.state, RatedKW: me.ratedKW,
			Title: me.e.Name, Lines: ms.cardLines(me)})
	}
	// The legend is drawn into the map, so the exported picture has it too.
	for _, st := range mapview.States() {
		if counts[st] > 0 {
			sc.Legend = append(sc.Legend, mapview.LegendEntry{State: st, Text: tr.T(st.Key()), Count: counts[st]})
		}
	}
	sc.Title = fmt.Sprintf("%s · %s", cmp.Or(ms.data.home, tr.T("map.beijing")), ms.s.deps.Now().In(store.Beijing).Format("2006-01-02 15:04"))
	var notes []string
	if ms.loadErr != "" {
		notes = append(notes, ms.loadErr)
	}
	if ms.data.episode {
		notes = append(notes, tr.T("map.episode"))
	}
	if unplaced > 0 {
		notes = append(notes, fmt.Sprintf(tr.T("map.unplaced"), unplaced))
	}
	ms.note.SetText(strings.Join(notes, "  "))
	if len(notes) == 0 {
		ms.note.Hide()
	} else {
		ms.note.Show()
	}
	ms.m.SetScene(sc)
	if ms.s.miniMap != nil {
		mini := *sc
		mini.Labels, mini.Title = nil, ""
		ms.s.miniMap.SetScene(&mini)
	}
	// The note came or went: lay the page out again, or its space stays.
	ms.box.Refresh()
}

// streetLabels places each street (a region with a parent) at the middle
// of its enterprises: the registry has no street outlines.
func (ms *mapScreen) streetLabels() []mapview.Label {
	type acc struct {
		lng, lat float64
		n        int
	}
	sum := map[int64]*acc{}
	for _, me := range ms.data.ents {
		p := geo.Point{Lng: me.e.Longitude, Lat: me.e.Latitude}
		if !geo.Beijing.Contains(p) {
			continue
		}
		a := sum[me.e.RegionID]
		if a == nil {
			a = &acc{}
			sum[me.e.RegionID] = a
		}
		a.lng, a.lat, a.n = a.lng+p.Lng, a.lat+p.Lat, a.n+1
	}
	var out []mapview.Label
	for _, r := range ms.data.regions {
		if a := sum[r.ID]; a != nil && r.Parent != 0 {
			out = append(out, mapview.Label{Pos: geo.Point{Lng: a.lng / float64(a.n), Lat: a.lat / float64(a.n)}, Text: r.Name})
		}
	}
	return out
}

func (ms *mapScreen) cardLines(me mapEnterprise) []string {
	tr := ms.s.tr
	lines := []string{
		strings.Trim(ms.industryName(me.e.IndustryID)+" · "+ms.regionName(me.e.RegionID), " ·"),
		fmt.Sprintf(tr.T("map.card.running"), me.running, me.facilities),
		fmt.Sprintf(tr.T("map.card.alarms"), me.open),
		tr.T(me.state.Key()),
	}
	return slices.DeleteFunc(lines, func(s string) bool { return s == "" })
}

func (ms *mapScreen) violationLine(a store.Alarm) string {
	name := ""
	for _, me := range ms.data.ents {
		if me.e.ID == a.EnterpriseID {
			name = me.e.Name
		}
	}
	return fmt.Sprintf("%s %s %s", a.Start.In(store.Beijing).Format("15:04"), name, ms.s.tr.T("alarm."+string(a.Type)))
}

// highlight rings enterprise id and centres the map on it.
func (ms *mapScreen) highlight(id int64) {
	sc := *ms.m.Scene()
	sc.Highlight = id
	ms.m.SetScene(&sc)
	for _, me := range ms.data.ents {
		if me.e.ID == id && geo.Beijing.Contains(geo.Point{Lng: me.e.Longitude, Lat: me.e.Latitude}) {
			ms.m.CenterOn(geo.Point{Lng: me.e.Longitude, Lat: me.e.Latitude})
		}
	}
}

// exportPNG saves the map as shown, with its title and legend.
func (ms *mapScreen) exportPNG() {
	b, err := ms.m.PNG(1800, 1200)
	if err != nil {
		dialog.ShowError(err, ms.s.win)
		return
	}
	ms.s.saveFileDialog(ms.s.tr.T("fd.title.save"), "map.png", func(path string) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			dialog.ShowError(fmt.Errorf("%s", ms.s.errorText(ms.s.tr.T("map.export"), err)), ms.s.win)
		}
	})
}

// pickButton opens a map on which a click fills the longitude and latitude
// entries (一企一档's edit form): the officer places the plant where it is.
func (s *Shell) pickButton(lon, lat *widget.Entry) *widget.Button {
	return widget.NewButtonWithIcon(s.tr.T("map.pick"), theme.SearchIcon(), func() {
		r, err := mapview.NewRenderer()
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		areas, _ := geo.ParseAreas(assets.BeijingDistricts())
		m := mapview.NewMap(r)
		home := s.deps.District
		if s.geo != nil && s.geo.data.home != "" {
			home = s.geo.data.home
		}
		sc := &mapview.Scene{Areas: areas, Home: home}
		x, errX := parseFloat(lon.Text)
		y, errY := parseFloat(lat.Text)
		at := geo.Point{Lng: x, Lat: y}
		if errX == nil && errY == nil && geo.Beijing.Contains(at) {
			sc.Markers = []mapview.Marker{{ID: 1, Pos: at, State: mapview.UnderOrder, RatedKW: 500}}
		}
		m.SetScene(sc)
		var dlg *dialog.CustomDialog
		m.OnTapPlace = func(p geo.Point) {
			lon.SetText(strconv.FormatFloat(math.Round(p.Lng*1e6)/1e6, 'f', -1, 64))
			lat.SetText(strconv.FormatFloat(math.Round(p.Lat*1e6)/1e6, 'f', -1, 64))
			dlg.Hide()
		}
		hint := widget.NewLabel(s.tr.T("map.pick.hint"))
		dlg = dialog.NewCustomWithoutButtons(s.tr.T("map.pick"), container.NewBorder(hint, nil, nil, nil, m), s.win)
		dlg.SetButtons([]fyne.CanvasObject{widget.NewButton(s.tr.T("common.cancel"), func() { dlg.Hide() })})
		dlg.Resize(fyne.NewSize(760, 600))
		dlg.Show()
		if sc.Markers != nil {
			m.CenterOn(at)
		}
	})
}

// mapPanel is 总览's small map: the district with its markers and legend; a
// tap on a marker opens 一企一档, the button the 地图.
func (s *Shell) mapPanel() fyne.CanvasObject {
	r, err := mapview.NewRenderer()
	if err != nil {
		return widget.NewLabel(err.Error())
	}
	s.miniMap = mapview.NewMap(r)
	s.miniMap.OnTapMarker = func(id int64) { s.ents.open(id); s.Show(ViewEnterprises) }
	height := canvas.NewRectangle(color.Transparent)
	height.SetMinSize(fyne.NewSize(0, 300))
	open := widget.NewButton(s.tr.T("dash.goto", s.tr.T("nav.map")), func() { s.Show(ViewMap) })
	return widget.NewCard(s.tr.T("dash.map"), "", container.NewBorder(nil, open, nil, nil, container.NewStack(height, s.miniMap)))
}
