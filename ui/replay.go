package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// RuleReplay lets an officer try changed rule parameters on a past period
// before saving them as a new rule-set version (app runs alarms.Replay over
// the stored data behind it).
type RuleReplay interface {
	CurrentRuleSet(ctx context.Context) (store.RuleSet, error)
	ReplayRules(ctx context.Context, rs store.RuleSet, from, to time.Time) (ReplaySummary, error)
	// SaveRuleSet stores rs as a new version and sets rs.Version; invalid
	// parameters wrap store.ErrInvalid.
	SaveRuleSet(ctx context.Context, who string, rs *store.RuleSet) error
}

// ReplaySummary is what a rule set would have raised over a past period,
// compared with the alarms stored for it and their reviews.
type ReplaySummary struct {
	Stored      map[store.AlarmType]int   // alarms stored for the period (not withdrawn)
	Raised      map[store.AlarmType]int   // alarms the tried rule set raises
	New         int                       // raised, matching no stored alarm
	Kept        int                       // stored confirmed violations it still raises
	Missed      int                       // stored confirmed violations it no longer raises
	MarkedFalse int                       // raised again although reviewers judged them false alarms
	Dropped     map[store.Disposition]int // stored alarms it no longer raises, by disposition
}

// replayField is one rule parameter the panel lets the officer change.
type replayField struct {
	id    string // message id of its label
	get   func(store.RuleSet) float64
	set   func(*store.RuleSet, float64)
	entry *widget.Entry
}

// minutes converts between a duration and the minutes shown.
func asMinutes(d time.Duration) float64 { return d.Minutes() }
func fromMinutes(v float64) time.Duration {
	return time.Duration(v * float64(time.Minute)).Round(time.Second)
}

// replayPanel is the 规则试算 part of 设置: the current rule parameters, a
// past period, the what-if run, and saving the change once tried.
type replayPanel struct {
	s      *Shell
	box    *fyne.Container
	fields []*replayField
	from   *widget.Entry
	to     *widget.Entry
	note   *widget.Entry
	result *widget.Label
	info   *widget.Label
	run    *widget.Button
	save   *widget.Button
	stopB  *widget.Button              // cancels the running what-if
	busy   *widget.ProgressBarInfinite // while it runs
	cancel context.CancelFunc          // of the running what-if, nil when none

	labels map[string]string // field labels by message id
	base   store.RuleSet     // the current version
	tried  *store.RuleSet
}

func newReplayPanel(s *Shell) *replayPanel {
	tr := s.tr
	p := &replayPanel{s: s, from: widget.NewEntry(), to: widget.NewEntry(), note: widget.NewEntry(),
		result: widget.NewLabel(""), info: widget.NewLabel("")}
	p.fields = []*replayField{
		{id: "rp.treatment_off_min", get: func(r store.RuleSet) float64 { return asMinutes(r.TreatmentOffMin) },
			set: func(r *store.RuleSet, v float64) { r.TreatmentOffMin = fromMinutes(v) }},
		{id: "rp.shutdown_ignored_min", get: func(r store.RuleSet) float64 { return asMinutes(r.ShutdownIgnoredMin) },
			set: func(r *store.RuleSet, v float64) { r.ShutdownIgnoredMin = fromMinutes(v) }},
		{id: "rp.cut_margin_pct", get: func(r store.RuleSet) float64 { return r.CutMarginPct },
			set: func(r *store.RuleSet, v float64) { r.CutMarginPct = v }},
		{id: "rp.offline_after", get: func(r store.RuleSet) float64 { return asMinutes(r.OfflineAfter) },
			set: func(r *store.RuleSet, v float64) { r.OfflineAfter = fromMinutes(v) }},
		{id: "rp.major_after", get: func(r store.RuleSet) float64 { return asMinutes(r.MajorAfter) },
			set: func(r *store.RuleSet, v float64) { r.MajorAfter = fromMinutes(v) }},
		{id: "rp.severe_after", get: func(r store.RuleSet) float64 { return asMinutes(r.SevereAfter) },
			set: func(r *store.RuleSet, v float64) { r.SevereAfter = fromMinutes(v) }},
	}
	form := widget.NewForm()
	p.labels = map[string]string{
		"rp.treatment_off_min": tr.T("rp.treatment_off_min"), "rp.shutdown_ignored_min": tr.T("rp.shutdown_ignored_min"),
		"rp.cut_margin_pct": tr.T("rp.cut_margin_pct"), "rp.offline_after": tr.T("rp.offline_after"),
		"rp.major_after": tr.T("rp.major_after"), "rp.severe_after": tr.T("rp.severe_after"),
	}
	for _, f := range p.fields {
		f.entry = widget.NewEntry()
		f.entry.OnChanged = func(string) { p.changed() }
		form.Append(p.labels[f.id], f.entry)
	}
	today := dayStart(s.deps.Now())
	p.from.SetText(today.AddDate(0, 0, -30).Format("2006-01-02"))
	p.to.SetText(today.Format("2006-01-02"))
	form.Append(tr.T("common.from"), p.from)
	form.Append(tr.T("common.to"), p.to)
	p.note.SetPlaceHolder(tr.T("rp.note"))
	p.run = widget.NewButton(tr.T("rp.run"), p.onRun)
	p.save = widget.NewButton(tr.T("rp.save"), p.onSave)
	p.save.Importance = widget.HighImportance
	p.save.Disable()
	// A what-if over a district's month reads every point's series: seconds.
	// It runs off the UI goroutine, shows that it runs, and can be stopped.
	p.busy = widget.NewProgressBarInfinite()
	p.busy.Hide()
	p.stopB = widget.NewButton(tr.T("common.cancel"), p.stop)
	p.stopB.Hide()
	p.box = container.NewVBox(
		widget.NewLabelWithStyle(tr.T("rp.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(tr.T("rp.hint")), form, p.note, container.NewHBox(p.run, p.save, p.stopB), p.busy, p.info, p.result)
	return p
}

func (p *replayPanel) content() fyne.CanvasObject { return p.box }

// relayout makes the settings view take the result's new height: a label's
// new text does not resize the containers around it by itself.
func (p *replayPanel) relayout() {
	if sc, ok := p.s.screens[ViewSettings]; ok {
		sc.content().Refresh()
	}
}

// refresh reads the current rule set into the fields.
func (p *replayPanel) refresh() {
	if p.s.deps.Replay == nil {
		p.info.SetText(p.s.tr.T("common.nodata"))
		p.run.Disable()
		return
	}
	load(p.s, p.s.deps.Replay.CurrentRuleSet, func(rs store.RuleSet, err error) {
		if err != nil {
			p.info.SetText(p.s.errorText(p.s.tr.T("rp.title"), err))
			return
		}
		p.base = rs
		for _, f := range p.fields {
			f.entry.SetText(strconv.FormatFloat(f.get(rs), 'f', -1, 64))
		}
		p.tried = nil
		p.save.Disable()
		p.info.SetText(p.s.tr.T("rp.version", rs.Version))
	})
}

// changed forgets a replay once a value changes: saving needs a fresh one.
func (p *replayPanel) changed() {
	p.tried = nil
	p.save.Disable()
}

// ruleSet reads the fields over the current version; the error names the field.
func (p *replayPanel) ruleSet() (store.RuleSet, string) {
	rs := p.base
	for _, f := range p.fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(f.entry.Text), 64)
		if err != nil || v < 0 {
			return rs, p.s.tr.T("rp.valid", p.label(f.id))
		}
		f.set(&rs, v)
	}
	return rs, ""
}

func (p *replayPanel) label(id string) string { return p.labels[id] }

func (p *replayPanel) onRun() {
	d := p.s.deps.Replay
	if d == nil {
		return
	}
	rs, msg := p.ruleSet()
	if msg != "" {
		p.info.SetText(msg)
		return
	}
	from, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(p.from.Text), store.Beijing)
	to, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(p.to.Text), store.Beijing)
	if err1 != nil || err2 != nil || to.Before(from) {
		p.info.SetText(p.s.tr.T("al.badrange"))
		return
	}
	to = to.AddDate(0, 0, 1)
	p.info.SetText(p.s.tr.T("rp.running"))
	p.run.Disable()
	ctx, cancel := context.WithCancel(p.s.ctx)
	p.cancel = cancel
	p.busy.Show()
	p.busy.Start()
	p.stopB.Show()
	load(p.s, func(context.Context) (ReplaySummary, error) { return d.ReplayRules(ctx, rs, from, to) },
		func(sum ReplaySummary, err error) {
			if ctx.Err() != nil && p.cancel == nil {
				return // stopped: stop has said so
			}
			p.done()
			if err != nil {
				p.info.SetText(p.s.errorText(p.s.tr.T("rp.run"), err))
				return
			}
			p.result.SetText(p.summaryText(sum))
			p.relayout()
			p.info.SetText(p.s.tr.T("rp.done"))
			p.tried = &rs
			p.save.Enable()
		})
}

// done puts the panel back at rest after a what-if.
func (p *replayPanel) done() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.busy.Stop()
	p.busy.Hide()
	p.stopB.Hide()
	p.run.Enable()
}

// stop cancels the running what-if.
func (p *replayPanel) stop() {
	if p.cancel == nil {
		return
	}
	p.done()
	p.info.SetText(p.s.tr.T("err.canceled"))
}

// summaryText lists per type stored → would raise, then how reviewers had judged.
func (p *replayPanel) summaryText(sum ReplaySummary) string {
	tr := p.s.tr
	var lines []string
	types := map[store.AlarmType]bool{}
	for t := range sum.Stored {
		types[t] = true
	}
	for t := range sum.Raised {
		types[t] = true
	}
	for _, t := range alarmTypes {
		if types[t] {
			lines = append(lines, tr.T("rp.type", p.s.alarmType(t), sum.Stored[t], sum.Raised[t]))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, tr.T("rp.none"))
	}
	lines = append(lines, tr.T("rp.judged", sum.New, sum.Kept, sum.Missed, sum.MarkedFalse))
	var ds []string
	for d, n := range sum.Dropped {
		ds = append(ds, fmt.Sprintf("%s %d", p.s.disposition(d), n))
	}
	sort.Strings(ds)
	if len(ds) > 0 {
		lines = append(lines, tr.T("rp.dropped", strings.Join(ds, "，")))
	}
	return strings.Join(lines, "\n")
}

func (p *replayPanel) onSave() {
	d := p.s.deps.Replay
	if d == nil || p.tried == nil {
		return
	}
	rs := *p.tried
	rs.Note = strings.TrimSpace(p.note.Text)
	who := p.s.operator()
	// A new rule set judges every alarm from now on: confirmed first.
	p.s.confirm(p.s.tr.T("rp.save"), p.s.tr.T("rp.save.confirm"), p.s.tr.T("rp.save"), func() { p.saveRules(d, who, rs) })
}

// saveRules stores rs as the new version the officer confirmed.
func (p *replayPanel) saveRules(d RuleReplay, who string, rs store.RuleSet) {
	load(p.s, func(ctx context.Context) (store.RuleSet, error) {
		err := d.SaveRuleSet(ctx, who, &rs)
		return rs, err
	}, func(rs store.RuleSet, err error) {
		if err != nil {
			p.info.SetText(p.s.errorText(p.s.tr.T("rp.save"), err))
			return
		}
		p.base, p.tried = rs, nil
		p.save.Disable()
		p.info.SetText(p.s.tr.T("rp.saved", rs.Version))
	})
}
