// Package ui is the Fyne interface. It shows what the store, the alarm engine
// and the listener know, and never decides anything about the data itself.
//
// Fyne runs all UI code on one goroutine. Other goroutines (listener, alarms,
// cron) enter only through Shell's exported notification methods, which use
// fyne.Do; loads run off the UI goroutine and apply their result with fyne.Do.
package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/assets"
	"powerwatch/calendar"
	"powerwatch/store"
	"powerwatch/ui/mapview"
)

// View names a main view of the navigation.
type View string

// The main views, in navigation order.
const (
	ViewDashboard   View = "dashboard"
	ViewAlarms      View = "alarms"
	ViewEnterprises View = "enterprises"
	ViewMap         View = "map"
	ViewTerminals   View = "terminals"
	ViewCurves      View = "curves"
	ViewStatistics  View = "statistics"
	ViewOrders      View = "orders"
	ViewMaintenance View = "maintenance"
	ViewSettings    View = "settings"
	ViewHelp        View = "help"
)

// Views lists the main views in navigation order.
var Views = []View{ViewDashboard, ViewAlarms, ViewMap, ViewEnterprises, ViewTerminals, ViewCurves,
	ViewStatistics, ViewOrders, ViewMaintenance, ViewSettings, ViewHelp}

// Preference keys.
const (
	prefLang     = "ui.lang"
	prefTheme    = "ui.theme"
	prefOperator = "ui.operator"
)

// Shell is the main window's content: the navigation, one screen per view and
// the status bar.
type Shell struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	tr   *translator

	ctx     context.Context // ends when the shell is closed: loads stop
	cancel  context.CancelFunc
	pending sync.WaitGroup // running loads, for Wait
	// applies, under Fyne's test driver only, carries the UI work of
	// background goroutines to Wait, which runs it on the test's goroutine.
	// That driver runs fyne.Do inline on the calling goroutine, so without
	// this a load finishing while the test taps a widget races with it; the
	// real driver serialises the same work on its main loop.
	applies  chan func()
	inflight atomic.Int64  // loads not yet handed over, under the test driver
	settled  chan struct{} // signalled when one is
	// longestApply is the longest result Wait applied (test driver), and
	// lastErr the last error a screen showed: what Probe reports.
	longestApply time.Duration
	lastErr      string

	tabs    *container.AppTabs
	items   map[View]*container.TabItem
	screens map[View]screen
	status  statusBar

	dash   *dashboardScreen
	terms  *terminalsScreen
	ents   *enterprisesScreen
	curve  *curveScreen
	alarms *alarmsScreen
	geo    *mapScreen
	// miniMap is 总览's map panel (ui/map_view.go), fed by the 地图 screen.
	miniMap *mapview.Map
}

// A screen is one main view.
type screen interface {
	content() fyne.CanvasObject
	refresh() // reload its data; called when the view is shown
}

// New builds the shell for window w of app a. It applies the theme and
// language saved in a's preferences (Chinese by default).
func New(a fyne.App, w fyne.Window, d Deps) (*Shell, error) {
	msgs, err := loadTranslations(assets.Translations, "translations")
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Holidays == nil { // the shipped calendar: without one every year would read as unknown
		rows, err := calendar.Parse("assets/holidays.csv", bytes.NewReader(assets.HolidaysCSV()))
		if err != nil {
			return nil, fmt.Errorf("shipped holiday calendar: %w", err)
		}
		d.Holidays = calendar.New(rows)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Shell{app: a, win: w, deps: d, ctx: ctx, cancel: cancel}
	if reflect.TypeOf(a.Driver()).Elem().PkgPath() == "fyne.io/fyne/v2/test" {
		s.applies, s.settled = make(chan func()), make(chan struct{}, 1)
	}
	s.tr = &translator{lang: Lang(a.Preferences().StringWithFallback(prefLang, string(Chinese))), msgs: msgs}
	if err := applyFyneLanguage(s.tr); err != nil {
		cancel()
		return nil, err
	}
	a.Settings().SetTheme(NewTheme(ThemeMode(a.Preferences().StringWithFallback(prefTheme, string(ThemeSystem)))))
	if d.ReviewWorkspace != "" { // not the office's live app: say so where the taskbar shows it
		w.SetTitle(s.tr.T("app.title.workspace", d.ReviewWorkspace))
	}
	s.build()
	s.askOperator()
	go s.autoRefresh(autoRefreshEvery)
	go s.watchAlarms(alarmPollEvery)
	return s, nil
}

// autoRefreshEvery is how often the dashboard and the terminal list reload while shown.
const autoRefreshEvery = 30 * time.Second

// autoRefresh reloads the overview views while they are shown, so counts and
// the status bar follow the data without the officer clicking. Pages and
// dialogs are left alone: reloading them would lose what is being typed.
func (s *Shell) autoRefresh(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.do(func() {
				switch s.Current() {
				case ViewDashboard:
					s.dash.refresh()
					s.geo.refresh() // the map panel
				case ViewTerminals:
					if s.terms.showingList() {
						s.terms.refresh()
					}
				}
			})
		}
	}
}

// Content is the window content; the shell replaces it when the language changes.
func (s *Shell) Content() fyne.CanvasObject { return s.win.Content() }

// Close stops running loads. The window itself belongs to the caller.
func (s *Shell) Close() { s.cancel() }

// build (re)creates every screen in the current language and shows it.
func (s *Shell) build() {
	current := ViewDashboard
	if s.tabs != nil {
		current = s.viewOf(s.tabs.Selected())
	}
	s.dash = newDashboardScreen(s)
	s.terms = newTerminalsScreen(s)
	s.ents = newEnterprisesScreen(s)
	s.curve = newCurveScreen(s)
	s.alarms = newAlarmsScreen(s)
	s.geo = newMapScreen(s)
	s.geo.refresh() // 总览's map panel shows it from the start
	s.screens = map[View]screen{
		ViewDashboard:   s.dash,
		ViewAlarms:      s.alarms,
		ViewMap:         s.geo,
		ViewEnterprises: s.ents,
		ViewTerminals:   s.terms,
		ViewCurves:      s.curve,
		ViewStatistics:  newStatisticsScreen(s),
		ViewOrders:      newOrdersScreen(s),
		ViewMaintenance: newMaintenanceScreen(s),
		ViewSettings:    newSettingsScreen(s),
		ViewHelp:        newHelpScreen(s),
	}
	// Entries are text only: Fyne puts a leading tab's icon above its text,
	// and with icons ten entries do not fit a 1366×768 screen (less at 150 %
	// scaling), the rest vanish into a "⋮" overflow (TestNavigationFits).
	s.items = map[View]*container.TabItem{}
	s.tabs = container.NewAppTabs()
	for _, v := range Views {
		it := container.NewTabItem(s.tr.T("nav."+string(v)), s.screens[v].content())
		s.items[v] = it
		s.tabs.Append(it)
	}
	s.tabs.SetTabLocation(container.TabLocationLeading)
	s.tabs.OnSelected = func(it *container.TabItem) { s.screens[s.viewOf(it)].refresh() }
	s.status = newStatusBar(s)
	s.win.SetContent(container.NewBorder(nil, s.status.box, nil, nil, s.tabs))
	s.Show(current)
	s.updateBadge()
}

func (s *Shell) viewOf(it *container.TabItem) View {
	for v, x := range s.items {
		if x == it {
			return v
		}
	}
	return ViewDashboard
}

// Show selects view v and reloads it. Call it on the UI goroutine.
func (s *Shell) Show(v View) {
	it, ok := s.items[v]
	if !ok {
		return
	}
	if s.tabs.Selected() == it {
		s.screens[v].refresh()
		return
	}
	s.tabs.Select(it) // OnSelected refreshes
}

// Current returns the selected view.
func (s *Shell) Current() View { return s.viewOf(s.tabs.Selected()) }

// SetLanguage switches the interface language and remembers the choice.
func (s *Shell) SetLanguage(l Lang) {
	s.app.Preferences().SetString(prefLang, string(l))
	if s.tr.lang == l {
		return
	}
	s.tr.lang = l
	if err := applyFyneLanguage(s.tr); err != nil {
		fyne.LogError("switch Fyne's own texts", err) // the shell's own texts switch all the same
	}
	s.build()
}

// SetThemeMode switches light/dark and remembers the choice.
func (s *Shell) SetThemeMode(m ThemeMode) {
	s.app.Preferences().SetString(prefTheme, string(m))
	s.app.Settings().SetTheme(NewTheme(m))
}

// operator is the name written into audit entries.
func (s *Shell) operator() string {
	if o := s.app.Preferences().String(prefOperator); o != "" {
		return o
	}
	if s.deps.Operator != "" {
		return s.deps.Operator
	}
	return "operator"
}

// AlarmRaised tells the shell about a new alarm; enterprise is its name. A
// violation alarm becomes a desktop notification. It may be called from any goroutine.
func (s *Shell) AlarmRaised(a store.Alarm, enterprise string) {
	fyne.Do(func() {
		if a.Type.IsViolation() {
			s.app.SendNotification(fyne.NewNotification(
				s.tr.T("notify.title", s.alarmType(a.Type)),
				s.tr.T("notify.body", enterprise, a.Start.In(store.Beijing).Format("01-02 15:04"), s.grade(a.Grade))))
		}
		if s.Current() == ViewDashboard {
			s.dash.refresh()
		}
		s.pollAlarms() // the queue and its badge show it now, not at the next poll
	})
}

// SetOnline updates the status bar's count of connected terminals. Any goroutine.
func (s *Shell) SetOnline(online, registered int) {
	fyne.Do(func() { s.status.setOnline(online, registered) })
}

// PacketReceived updates the status bar's last packet. Any goroutine.
func (s *Shell) PacketReceived(mn string, at time.Time) {
	fyne.Do(func() { s.status.setLast(mn, at) })
}

// DatabaseCheckFailed tells the officer that the database's integrity check,
// run in the background after the start, failed (a damaged file: restore the
// newest backup). It may be called from any goroutine.
func (s *Shell) DatabaseCheckFailed(err error) {
	fyne.Do(func() { dialog.ShowError(errors.New(s.message(err)), s.win) })
}

// DatabaseNotices shows, in one dialog, what opening the database had to work
// around (a damaged inbox moved aside, uploads set aside: 设置 → 搁置的上传
// lists them). Nothing is shown when there is nothing to say. Any goroutine.
func (s *Shell) DatabaseNotices(notes []string) {
	if len(notes) == 0 {
		return
	}
	fyne.Do(func() {
		text := widget.NewLabel(strings.Join(notes, "\n"))
		text.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(s.tr.T("db.notices.title"), s.tr.T("dlg.ok"), container.NewVScroll(text), s.win)
		d.Resize(fyne.NewSize(560, 320))
		d.Show()
	})
}

// load runs get off the UI goroutine and then apply on it with get's result.
func load[T any](s *Shell, get func(ctx context.Context) (T, error), apply func(T, error)) {
	if s.applies != nil {
		s.inflight.Add(1)
	} else {
		s.pending.Add(1)
	}
	go func() {
		defer func() {
			if s.applies == nil {
				s.pending.Done()
				return
			}
			s.inflight.Add(-1)
			select {
			case s.settled <- struct{}{}:
			default:
			}
		}()
		v, err := get(s.ctx)
		if s.ctx.Err() != nil {
			return
		}
		s.do(func() { apply(v, err) })
	}()
}

// Wait blocks until the views' loads started so far have been applied. The
// app uses it to measure start-up: window shown and first view filled.
// Do not call it on the UI goroutine (under the test driver, call it on the
// test's goroutine: it applies the loads' results there).
func (s *Shell) Wait() {
	if s.applies == nil {
		s.pending.Wait()
		return
	}
	for {
		select {
		case fn := <-s.applies:
			s.timed(fn) // may start more loads: go round again
			continue
		default:
		}
		if s.inflight.Load() == 0 {
			return // every load has handed over its result, and it ran
		}
		select {
		case fn := <-s.applies:
			s.timed(fn)
		case <-s.settled:
		}
	}
}

// timed runs fn, a load's result applied, keeping the longest such run.
func (s *Shell) timed(fn func()) {
	t0 := time.Now()
	fn()
	s.longestApply = max(s.longestApply, time.Since(t0))
}

// do runs fn on the UI goroutine and returns when it has run, or when the
// shell closes. Background goroutines touch widgets only through it.
func (s *Shell) do(fn func()) {
	if s.applies == nil {
		fyne.DoAndWait(fn)
		return
	}
	select {
	case s.applies <- fn:
	case <-s.ctx.Done():
	}
}

// errorLabel shows err as a sentence for people.
func (s *Shell) errorText(what string, err error) string {
	s.lastErr = fmt.Sprintf("%s: %s", what, s.message(err))
	return s.lastErr
}

// noData is the honest placeholder for a part of the service not wired yet.
func (s *Shell) noData() fyne.CanvasObject {
	l := widget.NewLabel(s.tr.T("common.nodata"))
	l.Importance = widget.LowImportance
	return l
}

// Notifier is how the running service tells the window what happened. *Shell
// implements it; every method may be called from any goroutine.
type Notifier interface {
	AlarmRaised(a store.Alarm, enterprise string)
	SetOnline(online, registered int)
	PacketReceived(mn string, at time.Time)
}
