package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/alarmview"
	"powerwatch/assets"
	"powerwatch/store"
)

// AlarmReview is what the 报警 queue needs beyond Alarms: one alarm's
// evidence (alarm, reviews, series), the rule-set version it was raised
// under, and the reviewer's decision. *sqlite.DB has these methods.
// ReviewAlarm writes the review and its audit entry in one transaction; an
// invalid disposition wraps store.ErrInvalid.
type AlarmReview interface {
	AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error)
	RuleSetVersion(ctx context.Context, v int) (store.RuleSet, error)
	ReviewAlarm(ctx context.Context, alarmID int64, d store.Disposition, note, reviewer string) (store.Review, error)
}

// EvidenceExporter writes the evidence folder of an alarm into a new folder
// under dir and returns its path (app wires app/evidence behind it).
type EvidenceExporter interface {
	ExportEvidence(ctx context.Context, alarmID int64, dir, who string) (string, error)
}

// dispositions is the fixed list reviewers choose from; key n disposes with
// dispositions[n-1].
var dispositions = []store.Disposition{store.Confirmed, store.DeviceFault, store.CircuitFault, store.Filed,
	store.Commissioning, store.FalseThreshold, store.OtherDisposition}

// evidenceMargin is how much of the curve is shown around an alarm.
const evidenceMargin = 2 * time.Hour

// alarmDetail is the right-hand side: the alarm under review. Its title
// heads it and the review form is a fixed action bar at its foot, so both
// are on screen at 1366×768 whatever the evidence holds; between them the
// chart takes what is left above tabs with the facts and reviews, the rule
// table and, for 限产未落实, the cumulative chart.
type alarmDetail struct {
	box      *fyne.Container
	title    *widget.Label
	facts    *widget.Label
	chart    *paneChart
	cut      *paneChart // 限产未落实: the cumulative over the 管控时段
	tabs     *container.AppTabs
	cutTab   *container.TabItem
	rules    *ruleTable
	reviews  *widget.Label
	bar      *fyne.Container // the action bar
	choice   *widget.Select
	noteIn   *widget.Entry
	save     *widget.Button
	evidence *widget.Button
	info     *widget.Label
}

// open shows alarm rows[i] under review and loads its evidence.
func (as *alarmsScreen) open(i int) {
	as.cur, as.curID = i, as.rows[i].a.ID
	as.showDetail(as.rows[i], true)
}

// followStored shows the stored alarm under review again when a reload
// found it changed (grade, end, status, disposition…), keeping what the
// reviewer is typing. A withdrawn alarm stays in the detail, marked so,
// even when the queue's filter hides it.
func (as *alarmsScreen) followStored() {
	if as.curID == 0 {
		return
	}
	for _, r := range as.all {
		if r.a.ID == as.curID {
			if alarmsSignature([]store.Alarm{r.a}) != alarmsSignature([]store.Alarm{as.shown}) {
				as.showDetail(r, false)
			}
			return
		}
	}
}

// showDetail shows alarm r under review and loads its evidence and reviews.
// fresh starts the review form anew (another alarm was opened); otherwise the
// disposition chosen and the note typed are kept.
func (as *alarmsScreen) showDetail(r alarmRow, fresh bool) {
	dt := as.detail
	a := r.a
	as.shown = a
	dt.title.SetText(as.s.tr.T("al.detail.title", a.ID, as.s.alarmType(a.Type), as.s.grade(a.Grade)))
	end := as.s.tr.T("al.ongoing")
	if !a.End.IsZero() {
		end = when(a.End)
	}
	dt.facts.SetText(as.s.tr.T("al.detail.facts", r.enterprise, dash(r.production), dash(r.treatment), when(a.Start), end,
		hm(a.Duration(as.s.deps.Now())), as.s.alarmStatus(a.Status), a.Detail))
	if fresh {
		dt.choice.SetSelectedIndex(-1)
		for k, d := range dispositions {
			if d == a.Disposition {
				dt.choice.SetSelectedIndex(k)
			}
		}
		dt.noteIn.SetText("")
		dt.info.SetText("")
		dt.chart.show(nil)
		dt.cut.show(nil)
		dt.rules.set(nil)
		dt.reviews.SetText("")
	}
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
	src := alarmSource{AlarmReview: d.Review, Registry: d.Registry}
	load(as.s, func(ctx context.Context) (alarmview.View, error) {
		return alarmview.Load(ctx, src, id, evidenceMargin)
	}, func(v alarmview.View, err error) {
		if as.curID != id {
			return // the reviewer moved on
		}
		if err != nil {
			dt.info.SetText(as.s.errorText(as.s.tr.T("al.evidence"), err))
			return
		}
		as.showEvidence(v, dark)
	})
}

// alarmSource reads an alarm's evidence for alarmview: the alarm and its
// rule set from the review store, the registry from the registry.
type alarmSource struct {
	AlarmReview
	Registry
}

// showEvidence shows what alarmview makes of the alarm's evidence: the same
// chart and rule table evidence.pdf prints.
func (as *alarmsScreen) showEvidence(v alarmview.View, dark bool) {
	dt := as.detail
	o := alarmview.Chart(v, as.s.tr)
	o.Font, o.Dark = as.chartFont(), dark
	dt.chart.show(&o)
	if co, ok := alarmview.CutChart(v, as.s.tr); ok {
		co.Font, co.Dark = o.Font, dark
		dt.cut.show(&co)
		if len(dt.tabs.Items) < 3 {
			dt.tabs.Append(dt.cutTab)
		}
	} else {
		dt.cut.show(nil)
		if len(dt.tabs.Items) == 3 {
			dt.tabs.Remove(dt.cutTab)
		}
	}
	dt.rules.set(alarmview.RuleRows(v, as.s.tr))
	dt.reviews.SetText(as.reviewsText(v.Evidence.Reviews))
	as.detailScroll.Refresh()
}

func (as *alarmsScreen) chartFont() *truetype.Font {
	if as.font == nil {
		as.font, _ = truetype.Parse(assets.FontRegular.Content()) // nil falls back to go-chart's Latin font
	}
	return as.font
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
		chart:   newPaneChart(as.s),
		cut:     newPaneChart(as.s),
		rules:   newRuleTable(tr),
		reviews: widget.NewLabel(""),
		noteIn:  widget.NewEntry(),
		info:    widget.NewLabel(""),
	}
	dt.title.Truncation = fyne.TextTruncateEllipsis
	dt.facts.Wrapping = fyne.TextWrapWord
	dt.reviews.Wrapping = fyne.TextWrapWord
	dt.info.Truncation = fyne.TextTruncateEllipsis
	var names []string
	for i, d := range dispositions {
		names = append(names, fmt.Sprintf("%d %s", i+1, as.s.disposition(d)))
	}
	dt.choice = newSelect(tr, names, nil)
	dt.choice.PlaceHolder = tr.T("al.choose")
	dt.noteIn.SetPlaceHolder(tr.T("al.note"))
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
	// The facts and the review history scroll in the first tab; the queue
	// refreshes this scroll after new text (labels do not resize their containers).
	as.detailScroll = container.NewVScroll(container.NewVBox(dt.facts,
		widget.NewLabelWithStyle(tr.T("al.reviews"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), dt.reviews))
	dt.cutTab = container.NewTabItem(tr.T("al.cut.title"), dt.cut)
	dt.tabs = container.NewAppTabs(
		container.NewTabItem(tr.T("al.evidence"), as.detailScroll),
		container.NewTabItem(tr.T("al.rule.title"), dt.rules))
	middle := container.NewVSplit(dt.chart, dt.tabs)
	middle.Offset = 0.5
	dt.bar = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, dt.choice, container.NewHBox(dt.save, dt.evidence), dt.noteIn),
		dt.info)
	dt.box = container.NewBorder(dt.title, dt.bar, nil, nil, middle)
	return dt
}

// dispose records disposition d with the note for the alarm under review;
// next moves on to the following alarm once it is saved (the keyboard way).
func (as *alarmsScreen) dispose(d store.Disposition, next bool) {
	if as.curID == 0 {
		return
	}
	dt := as.detail
	if as.s.deps.Review == nil {
		dt.info.SetText(as.s.tr.T("common.nodata"))
		return
	}
	id, note, who := as.curID, dt.noteIn.Text, as.s.operator()
	dt.info.SetText(as.s.tr.T("common.saving"))
	load(as.s, func(ctx context.Context) (store.Review, error) {
		return as.s.deps.Review.ReviewAlarm(ctx, id, d, note, who)
	}, func(rv store.Review, err error) {
		if err != nil {
			dt.info.SetText(as.s.errorText(as.s.tr.T("al.dispose"), err))
			return
		}
		var saved *alarmRow
		for i := range as.all {
			if as.all[i].a.ID == id {
				as.all[i].a.Disposition = d
				saved = &as.all[i]
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
		as.s.updateBadge()
		msg := as.s.tr.T("al.disposed", id, as.s.disposition(d), rv.Reviewer)
		if next && pos >= 0 && pos+1 < len(as.rows) {
			as.table.Select(widget.TableCellID{Row: pos + 1})
			if as.cur != pos+1 {
				as.open(pos + 1)
			}
		} else if saved != nil && as.curID == id {
			// The saved decision is now part of the record: show it in 审核记录.
			dt.noteIn.SetText("")
			as.showDetail(*saved, false)
		}
		as.detail.info.SetText(msg)
	})
}

// onExportEvidence asks for a folder and writes the evidence of the alarm under review into it.
func (as *alarmsScreen) onExportEvidence() {
	as.s.folderDialog(as.s.tr.T("fd.title.folder"), as.exportEvidence)
}

// exportEvidence writes the evidence of the alarm under review under dir.
func (as *alarmsScreen) exportEvidence(dir string) {
	if as.curID == 0 {
		return
	}
	dt := as.detail
	if as.s.deps.Evidence == nil {
		dt.info.SetText(as.s.tr.T("common.nodata"))
		return
	}
	id, who := as.curID, as.s.operator()
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
