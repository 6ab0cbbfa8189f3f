package ui

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// terminalsScreen is 终端: the table of all terminals with filter and sort,
// a page per terminal, and the quarantine of unregistered MNs.
type terminalsScreen struct {
	s     *Shell
	stack *fyne.Container // the list, or one terminal's page over it
	list  fyne.CanvasObject
	tabs  *container.AppTabs

	all    []termRow // everything loaded, in load order
	rows   []termRow // filtered and sorted: what the table shows
	filter *widget.Entry
	state  *widget.Select
	note   *widget.Label
	table  *widget.Table
	sortBy int
	desc   bool

	quar *quarantineList
}

// termRow is one terminal as the table shows it.
type termRow struct {
	t          store.Terminal
	enterprise string
	live       store.TerminalState
	liveKnown  bool
	monthRate  float64
	rateKnown  bool
}

var termColumns = []string{"term.mn", "term.enterprise", "term.state", "term.lastseen", "term.protocol", "term.interval", "term.drift", "term.rate"}

func newTerminalsScreen(s *Shell) *terminalsScreen {
	ts := &terminalsScreen{s: s, note: widget.NewLabel("")}
	ts.filter = widget.NewEntry()
	ts.filter.SetPlaceHolder(s.tr.T("term.filter"))
	ts.filter.OnChanged = func(string) { ts.apply() }
	ts.state = widget.NewSelect([]string{s.tr.T("term.state.all"), s.tr.T("term.state.online"), s.tr.T("term.state.offline"), s.tr.T("term.state.never")}, func(string) { ts.apply() })
	ts.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(ts.rows), len(termColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(ts.cell(id)) })
	ts.table.ShowHeaderColumn = false
	ts.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	ts.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		b.SetText(ts.header(id.Col))
		b.OnTapped = func() { ts.onSort(id.Col) }
	}
	for i, w := range []float32{230, 200, 80, 170, 70, 110, 90, 90} {
		ts.table.SetColumnWidth(i, w)
	}
	ts.table.OnSelected = func(id widget.TableCellID) {
		ts.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(ts.rows) {
			ts.open(ts.rows[id.Row])
		}
	}
	ts.state.SetSelectedIndex(0)
	top := container.NewBorder(nil, ts.note, nil, ts.state, ts.filter)
	ts.list = container.NewBorder(top, nil, nil, nil, ts.table)
	ts.quar = newQuarantineList(s, ts)
	ts.tabs = container.NewAppTabs(
		container.NewTabItem(s.tr.T("term.tab.list"), ts.list),
		container.NewTabItem(s.tr.T("term.tab.quarantine"), ts.quar.box))
	ts.tabs.OnSelected = func(*container.TabItem) { ts.refresh() }
	ts.stack = container.NewStack(ts.tabs)
	return ts
}

func (ts *terminalsScreen) content() fyne.CanvasObject { return ts.stack }

func (ts *terminalsScreen) refresh() {
	ts.back()
	if ts.tabs.SelectedIndex() == 1 {
		ts.quar.refresh()
		return
	}
	load(ts.s, ts.gather, func(rows []termRow, err error) {
		ts.all = rows
		ts.note.SetText(ts.noteText(err))
		ts.apply()
	})
}

func (ts *terminalsScreen) noteText(err error) string {
	switch {
	case ts.s.deps.Registry == nil:
		return ts.s.tr.T("common.nodata")
	case err != nil:
		return ts.s.errorText(ts.s.tr.T("nav.terminals"), err)
	case ts.s.deps.Terminals == nil:
		return ts.s.tr.T("term.nolive")
	}
	return ""
}

// gather reads the terminals, their enterprises, live state and this month's rate.
func (ts *terminalsScreen) gather(ctx context.Context) ([]termRow, error) {
	d := ts.s.deps
	if d.Registry == nil {
		return nil, nil
	}
	terms, err := d.Registry.FindTerminals(ctx, store.TerminalFilter{})
	if err != nil {
		return nil, err
	}
	live, err := terminalStates(ctx, d.Terminals)
	if err != nil {
		return nil, err
	}
	names, err := enterpriseNames(ctx, d.Registry)
	if err != nil {
		return nil, err
	}
	rates, err := monthRates(ctx, d, d.Now())
	if err != nil {
		return nil, err
	}
	rows := make([]termRow, len(terms))
	for i, t := range terms {
		r := termRow{t: t, enterprise: names[t.EnterpriseID]}
		if live != nil {
			r.live, r.liveKnown = live[t.MN], true
			if r.live.LastSeen.After(r.t.LastSeen) {
				r.t.LastSeen = r.live.LastSeen
			}
			if r.live.Protocol != "" {
				r.t.Protocol = r.live.Protocol
			}
		}
		if rs, ok := rates[t.ID]; ok {
			r.monthRate = rateOf(rs)
			r.rateKnown = !math.IsNaN(r.monthRate)
		}
		rows[i] = r
	}
	return rows, nil
}

// monthRates returns this month's rate rows of every point, by terminal id;
// nil when there are no statistics.
func monthRates(ctx context.Context, d Deps, now time.Time) (map[int64][]store.Rate, error) {
	if d.Stats == nil {
		return nil, nil
	}
	points, err := d.Registry.FindPoints(ctx, store.PointFilter{})
	if err != nil {
		return nil, fmt.Errorf("list points: %w", err)
	}
	terminal := make(map[int64]int64, len(points))
	for _, p := range points {
		terminal[p.ID] = p.TerminalID
	}
	_, months, err := d.Stats.TransmissionRate(ctx, 0, store.Month.Start(now), now, false)
	if err != nil {
		return nil, fmt.Errorf("transmission rate: %w", err)
	}
	out := map[int64][]store.Rate{}
	for _, r := range months {
		out[terminal[r.PointID]] = append(out[terminal[r.PointID]], r)
	}
	return out, nil
}

// terminalStates maps MN → the listener's saved state; nil when there is no log.
func terminalStates(ctx context.Context, l TerminalLog) (map[string]store.TerminalState, error) {
	if l == nil {
		return nil, nil
	}
	ss, err := l.TerminalStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("read terminal states: %w", err)
	}
	m := make(map[string]store.TerminalState, len(ss))
	for _, s := range ss {
		m[s.MN] = s
	}
	return m, nil
}

// enterpriseNames maps enterprise id → name.
func enterpriseNames(ctx context.Context, r Registry) (map[int64]string, error) {
	es, err := r.FindEnterprises(ctx, store.EnterpriseFilter{})
	if err != nil {
		return nil, fmt.Errorf("list enterprises: %w", err)
	}
	m := make(map[int64]string, len(es))
	for _, e := range es {
		m[e.ID] = e.Name
	}
	return m, nil
}

// apply filters and sorts all into rows and redraws the table.
func (ts *terminalsScreen) apply() {
	q := strings.ToLower(strings.TrimSpace(ts.filter.Text))
	state := ts.state.SelectedIndex()
	ts.rows = ts.rows[:0]
	for _, r := range ts.all {
		if q != "" && !strings.Contains(strings.ToLower(r.t.MN), q) && !strings.Contains(strings.ToLower(r.enterprise), q) {
			continue
		}
		if state > 0 && r.stateIndex() != state {
			continue
		}
		ts.rows = append(ts.rows, r)
	}
	sort.SliceStable(ts.rows, func(i, j int) bool {
		a, b := ts.sortKey(ts.rows[i]), ts.sortKey(ts.rows[j])
		if ts.desc {
			return a > b
		}
		return a < b
	})
	ts.table.Refresh()
}

// stateIndex is the row's index in the state filter: 1 online, 2 offline, 3 never seen.
func (r termRow) stateIndex() int {
	switch {
	case r.live.Online:
		return 1
	case r.t.LastSeen.IsZero():
		return 3
	}
	return 2
}

func (ts *terminalsScreen) sortKey(r termRow) string {
	switch ts.sortBy {
	case 1:
		return r.enterprise
	case 2:
		return fmt.Sprint(r.stateIndex())
	case 3:
		return when(r.t.LastSeen)
	case 4:
		return r.t.Protocol
	case 5:
		return fmt.Sprintf("%012d", r.t.RtdInterval)
	case 6:
		return fmt.Sprintf("%015d", abs(r.live.Drift))
	case 7:
		return fmt.Sprintf("%08.4f", r.monthRate)
	}
	return r.t.MN
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (ts *terminalsScreen) onSort(col int) {
	if ts.sortBy == col {
		ts.desc = !ts.desc
	} else {
		ts.sortBy, ts.desc = col, false
	}
	ts.apply()
}

func (ts *terminalsScreen) header(col int) string {
	h := ts.s.tr.T(termColumns[col])
	if col == ts.sortBy {
		if ts.desc {
			return h + " ▼"
		}
		return h + " ▲"
	}
	return h
}

func (ts *terminalsScreen) cell(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(ts.rows) {
		return ""
	}
	r, tr := ts.rows[id.Row], ts.s.tr
	switch id.Col {
	case 0:
		return r.t.MN
	case 1:
		return r.enterprise
	case 2:
		if !r.liveKnown && r.stateIndex() != 3 {
			return "—"
		}
		return tr.T([]string{"", "term.state.online", "term.state.offline", "term.state.never"}[r.stateIndex()])
	case 3:
		return when(r.t.LastSeen)
	case 4:
		return r.t.Protocol
	case 5:
		return fmt.Sprintf("%s / %s", minutes(r.t.RtdInterval), minutes(r.t.MinInterval))
	case 6:
		if !r.liveKnown || !r.live.Online {
			return "—"
		}
		return fmt.Sprintf("%+.0f s", r.live.Drift.Seconds())
	case 7:
		if !r.rateKnown {
			return "—"
		}
		return fmt.Sprintf("%.1f %%", r.monthRate*100)
	}
	return ""
}

// minutes formats an interval as "5 min" or "—" when not configured.
func minutes(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}

// open shows one terminal's page in place of the list.
func (ts *terminalsScreen) open(r termRow) {
	p := newTerminalPage(ts.s, r, ts.back)
	ts.stack.Objects = []fyne.CanvasObject{p.box}
	ts.stack.Refresh()
	p.refresh()
}

// showingList reports whether the terminal list (not a page or the quarantine) is shown.
func (ts *terminalsScreen) showingList() bool {
	return len(ts.stack.Objects) == 1 && ts.stack.Objects[0] == ts.tabs && ts.tabs.SelectedIndex() == 0
}

// back returns from a terminal page to the list.
func (ts *terminalsScreen) back() {
	if len(ts.stack.Objects) == 1 && ts.stack.Objects[0] == ts.tabs {
		return
	}
	ts.stack.Objects = []fyne.CanvasObject{ts.tabs}
	ts.stack.Refresh()
}
