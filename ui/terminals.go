package ui

import (
	"context"
	"fmt"
	"math"
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
	tbl    *specTable[termRow]
	table  *widget.Table // tbl's

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

func newTerminalsScreen(s *Shell) *terminalsScreen {
	ts := &terminalsScreen{s: s, note: widget.NewLabel("")}
	ts.filter = widget.NewEntry()
	ts.filter.SetPlaceHolder(s.tr.T("term.filter"))
	ts.filter.OnChanged = func(string) { ts.apply() }
	ts.state = newSelect(s.tr, []string{s.tr.T("term.state.all"), s.tr.T("term.state.online"), s.tr.T("term.state.offline"), s.tr.T("term.state.never")}, func(string) { ts.apply() })
	ts.tbl = newSpecTable(ts.columns(), func() []termRow { return ts.rows }, func(row int) {
		ts.table.UnselectAll()
		ts.open(ts.rows[row])
	}, ts.apply)
	ts.tbl.sort = sortState{col: 0} // by MN
	ts.table = ts.tbl.table
	ts.state.SetSelectedIndex(0)
	top := container.NewBorder(nil, ts.note, nil, ts.state, ts.filter)
	ts.list = container.NewBorder(top, ts.tbl.hint, nil, nil, ts.table)
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
	ts.rows = ts.tbl.sorted(ts.rows)
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

// columns are the terminal table's columns.
func (ts *terminalsScreen) columns() []column[termRow] {
	tr := ts.s.tr
	type r = termRow
	return []column[r]{
		{head: tr.T("term.mn"), width: 230, text: func(x r) string { return x.t.MN }},
		{head: tr.T("term.enterprise"), width: 200, text: func(x r) string { return x.enterprise }},
		{head: tr.T("term.state"), width: 80, cmp: byNum(r.stateIndex), text: func(x r) string {
			if !x.liveKnown && x.stateIndex() != 3 {
				return "—"
			}
			return tr.T([]string{"", "term.state.online", "term.state.offline", "term.state.never"}[x.stateIndex()])
		}},
		{head: tr.T("term.lastseen"), width: 170, text: func(x r) string { return when(x.t.LastSeen) },
			cmp: byTime(func(x r) time.Time { return x.t.LastSeen })},
		{head: tr.T("term.protocol"), width: 70, text: func(x r) string { return x.t.Protocol }},
		{head: tr.T("term.interval"), width: 110, cmp: byNum(func(x r) time.Duration { return x.t.RtdInterval }),
			text: func(x r) string { return fmt.Sprintf("%s / %s", minutes(x.t.RtdInterval), minutes(x.t.MinInterval)) }},
		{head: tr.T("term.drift"), width: 90, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) time.Duration { return abs(x.live.Drift) }),
			text: func(x r) string {
				if !x.liveKnown || !x.live.Online {
					return "—"
				}
				return fmt.Sprintf("%+.0f s", x.live.Drift.Seconds())
			}},
		{head: tr.T("term.rate"), width: 90, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) float64 { return x.monthRate }),
			text: func(x r) string {
				if !x.rateKnown {
					return "—"
				}
				return fmt.Sprintf("%.1f %%", x.monthRate*100)
			}},
	}
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (ts *terminalsScreen) cell(id widget.TableCellID) string { return ts.tbl.cell(id.Row, id.Col) }

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
