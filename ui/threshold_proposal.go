package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
	"powerwatch/thresholds"
)

// LimitAdvisor proposes each facility's limits from its own history and
// accepts them as a new threshold version (app: judge.ProposeThresholds and
// judge.AcceptThreshold).
type LimitAdvisor interface {
	// ProposeLimits proposes for the facilities of enterprise ent (all when
	// 0), replaying the rules with the proposal when replay is true.
	ProposeLimits(ctx context.Context, ent int64, replay bool) ([]LimitProposal, error)
	// AcceptLimits makes stop and run (kW) facility f's limits from now on;
	// a treatment unit's run limit below its floor needs a note.
	AcceptLimits(ctx context.Context, who string, f store.Facility, stop, run float64, note string) error
	// RejectLimits records in the audit log that the proposal was rejected and why.
	RejectLimits(ctx context.Context, who string, f store.Facility, stop, run float64, note string) error
}

// A LimitProposal is one facility's proposal as 一企一档 shows it.
type LimitProposal struct {
	thresholds.Proposal
	Facility                store.Facility
	Enterprise              string
	Current, Typed, Derived store.Threshold // Typed and Derived zero when none
	Misfits                 []thresholds.Misfit
	Replayed                bool
	Before, After           int // alarms over the replayed days with the limits in force / proposed
	Raised, Removed         int
	ReplayDays              int
	TestSeen                bool // a 停上电试验 saw the facility switch
	TestOff, TestOn         float64
	TestStop, TestRun       float64 // limits between the test's levels
}

// limitsTab is the 限值建议 tab of an enterprise page: computed on demand,
// as the replay reads a month of 5-minute data.
func (p *enterprisePage) limitsTab() fyne.CanvasObject {
	tr := p.s.tr
	box := container.NewVBox()
	note := widget.NewLabel(tr.T("lim.intro"))
	note.Wrapping = fyne.TextWrapWord
	var run *widget.Button
	run = widget.NewButton(tr.T("lim.compute"), func() {
		note.SetText(tr.T("lim.computing"))
		run.Disable()
		load(p.s, func(ctx context.Context) ([]LimitProposal, error) {
			return p.s.deps.Limits.ProposeLimits(ctx, p.id, true)
		},
			func(ps []LimitProposal, err error) {
				run.Enable()
				if err != nil {
					note.SetText(p.s.errorText(tr.T("lim.tab"), err))
					return
				}
				note.SetText(tr.T("lim.done", len(ps)))
				box.Objects = nil
				for _, lp := range ps {
					box.Add(p.s.limitCard(lp, func() { run.OnTapped() }))
					box.Add(widget.NewSeparator())
				}
				box.Refresh()
			})
	})
	if p.s.deps.Limits == nil {
		run.Disable()
		note.SetText(tr.T("common.nodata"))
	}
	return container.NewBorder(container.NewVBox(container.NewHBox(run), note), nil, nil, nil, container.NewVScroll(box))
}

// limitCard is one facility's proposal: the histogram with its modes and
// limits, the evidence beside it, and accept / edit / reject.
func (s *Shell) limitCard(lp LimitProposal, changed func()) fyne.CanvasObject {
	tr := s.tr
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s  [%s]", lp.Facility.Name, s.facilityKind(lp.Facility.Kind)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text := widget.NewLabel(limitText(s, lp))
	text.Wrapping = fyne.TextWrapWord
	var body fyne.CanvasObject = text
	if len(lp.Histogram.Counts) > 0 {
		img := canvas.NewImageFromImage(HistogramImage(lp.Proposal, lp.Current, 420, 160))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(420, 160))
		body = container.NewBorder(nil, nil, img, nil, text)
	}
	var actions []fyne.CanvasObject
	if lp.Status == thresholds.Proposed {
		actions = append(actions, widget.NewButton(tr.T("lim.accept"), func() { s.acceptLimits(lp, lp.Stop, lp.Run, changed) }))
	}
	if lp.TestSeen {
		actions = append(actions, widget.NewButton(tr.T("lim.accept.test"), func() { s.acceptLimits(lp, lp.TestStop, lp.TestRun, changed) }))
	}
	if len(actions) > 0 {
		var card *fyne.Container
		reject := widget.NewButton(tr.T("lim.reject"), func() {
			s.rejectLimits(lp, func() {
				card.Objects = []fyne.CanvasObject{title, widget.NewLabel(tr.T("lim.rejected"))}
				card.Refresh()
			})
		})
		actions = append(actions, reject)
		card = container.NewVBox(title, body, container.NewHBox(actions...))
		return card
	}
	return container.NewVBox(title, body)
}

// limitText is the evidence of a proposal in words.
func limitText(s *Shell, lp LimitProposal) string {
	tr := s.tr
	var lines []string
	if lp.Status != thresholds.Proposed {
		lines = append(lines, lp.Reason())
	} else {
		lines = append(lines, tr.T("lim.proposed", lp.Stop, lp.Run, tr.T("lim.q."+thresholds.Quality(lp.StopSeparation)), tr.T("lim.q."+thresholds.Quality(lp.RunSeparation)), lp.Days))
		var ms []string
		for _, m := range lp.Modes {
			ms = append(ms, fmt.Sprintf("%s %.3g kW (%.0f%%)", tr.T("lim.role."+string(m.Role)), m.Level, 100*m.Share))
		}
		lines = append(lines, tr.T("lim.modes")+strings.Join(ms, "，"))
		if !lp.StopObserved {
			lines = append(lines, tr.T("lim.nostop"))
		}
		if lp.FloorApplied {
			lines = append(lines, tr.T("lim.floor", lp.Floor))
		}
	}
	lines = append(lines, tr.T("lim.current", lp.Current.Stop, lp.Current.Run, unit(lp.Current.Basis)))
	if lp.Typed.ID != 0 {
		lines = append(lines, tr.T("lim.typed", lp.Typed.Stop, lp.Typed.Run, unit(lp.Typed.Basis)))
	}
	if lp.Derived.Run > 0 {
		lines = append(lines, tr.T("lim.derived", lp.Derived.Stop, lp.Derived.Run))
	}
	for _, m := range lp.Misfits {
		lines = append(lines, tr.T("lim.misfit."+m.Limit, m.Value, tr.T("lim.role."+string(m.Mode.Role)), m.Mode.Low, m.Mode.High, 100*m.Mode.Share))
	}
	if lp.Replayed {
		lines = append(lines, tr.T("lim.replay", lp.ReplayDays, lp.Before, lp.After, lp.Raised, lp.Removed))
	}
	if lp.TestSeen {
		lines = append(lines, tr.T("lim.test", lp.TestOff, lp.TestOn, lp.TestStop, lp.TestRun))
	}
	return strings.Join(lines, "\n")
}

// acceptLimits lets the officer edit the limits and accept them as a new
// threshold version in force from now.
func (s *Shell) acceptLimits(lp LimitProposal, stop, run float64, changed func()) {
	tr := s.tr
	se, re, ne := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	se.SetText(fmt.Sprintf("%.3g", stop))
	re.SetText(fmt.Sprintf("%.3g", run))
	form := widget.NewForm(widget.NewFormItem(tr.T("th.stop"), se), widget.NewFormItem(tr.T("th.run"), re),
		widget.NewFormItem(tr.T("th.note"), ne), widget.NewFormItem("", widget.NewLabel(tr.T("lim.from.now"))))
	s.editDialog(tr.T("lim.accept.title", lp.Facility.Name), form, func() (string, func(context.Context, string) error) {
		st, e1 := parseFloat(se.Text)
		rn, e2 := parseFloat(re.Text)
		switch {
		case e1 != nil || e2 != nil:
			return tr.T("valid.threshold.positive"), nil
		case rn <= st:
			return tr.T("valid.threshold.order"), nil
		case lp.Floor > 0 && rn < lp.Floor && strings.TrimSpace(ne.Text) == "":
			return tr.T("lim.floor.note", lp.Floor), nil
		}
		return "", func(ctx context.Context, who string) error {
			return s.deps.Limits.AcceptLimits(ctx, who, lp.Facility, st, rn, ne.Text)
		}
	}, changed)
}

// rejectLimits asks why and records the rejection; the limits in force stay.
func (s *Shell) rejectLimits(lp LimitProposal, done func()) {
	tr := s.tr
	ne := widget.NewEntry()
	form := widget.NewForm(widget.NewFormItem(tr.T("th.note"), ne))
	s.editDialog(tr.T("lim.reject.title", lp.Facility.Name), form, func() (string, func(context.Context, string) error) {
		return "", func(ctx context.Context, who string) error {
			return s.deps.Limits.RejectLimits(ctx, who, lp.Facility, lp.Stop, lp.Run, ne.Text)
		}
	}, done)
}

// showMisfits is the bulk view: every facility of the district whose limits
// in force sit inside one of its own modes, worst first.
func (s *Shell) showMisfits() {
	tr := s.tr
	box := container.NewVBox(widget.NewLabel(tr.T("lim.computing")))
	dlg := dialog.NewCustom(tr.T("lim.misfits.title"), tr.T("common.close"), container.NewVScroll(box), s.win)
	dlg.Resize(fyne.NewSize(1000, 640))
	dlg.Show()
	load(s, func(ctx context.Context) ([]LimitProposal, error) { return s.deps.Limits.ProposeLimits(ctx, 0, false) },
		func(ps []LimitProposal, err error) {
			if err != nil {
				box.Objects = []fyne.CanvasObject{widget.NewLabel(s.errorText(tr.T("lim.misfits.title"), err))}
				box.Refresh()
				return
			}
			ps = WorstMisfits(ps)
			box.Objects = []fyne.CanvasObject{widget.NewLabel(tr.T("lim.misfits.count", len(ps)))}
			for _, lp := range ps {
				box.Add(widget.NewLabelWithStyle(lp.Enterprise, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
				box.Add(s.limitCard(lp, func() {}))
				box.Add(widget.NewSeparator())
			}
			box.Refresh()
		})
}

// WorstMisfits keeps the proposals whose limits in force sit inside one of
// their modes, the largest such mode first (thresholds.WorstFirst, as the
// CLI's --misfits).
func WorstMisfits(ps []LimitProposal) []LimitProposal {
	return thresholds.WorstFirst(ps, func(p LimitProposal) []thresholds.Misfit { return p.Misfits })
}

// HistogramImage draws p's histogram on a log power axis: bars of the counts,
// the smoothed curve (heights on a square-root scale), each mode's level (grey), the proposed limits (stop
// blue, run red) and the limits in force (dashed, same colours).
func HistogramImage(p thresholds.Proposal, current store.Threshold, w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	hs := p.Histogram
	n := len(hs.Counts)
	if n == 0 {
		return img
	}
	top := 0.0
	for i := range hs.Counts {
		top = math.Max(top, math.Max(hs.Counts[i], hs.Smooth[i]))
	}
	if top <= 0 {
		return img
	}
	base := h - 12
	bw := float64(w) / float64(n)
	// Heights on a square-root scale: a stopped mode holding half the hours
	// in one bin would otherwise flatten the idle level to nothing.
	height := func(c float64) int { return int(math.Sqrt(c/top) * float64(base-4)) }
	for i, c := range hs.Counts {
		x0, x1 := int(float64(i)*bw), int(float64(i+1)*bw)
		y := base - height(c)
		fill(img, image.Rect(x0, y, max(x1, x0+1), base), color.RGBA{150, 180, 210, 255})
	}
	for i, c := range hs.Smooth {
		x := int((float64(i) + 0.5) * bw)
		y := base - height(c)
		fill(img, image.Rect(x, y-1, x+2, y+1), color.RGBA{40, 60, 90, 255})
	}
	xOf := func(v float64) int {
		if v <= 0 || n < 2 {
			return 0
		}
		lo, hi := hs.Edges[1], hs.Edges[n]
		if v < lo {
			return int(bw / 2)
		}
		f := math.Log(v/lo) / math.Log(hi/lo)
		return int(bw + f*(float64(w)-bw))
	}
	vline := func(v float64, c color.RGBA, dashed bool) {
		x := min(max(xOf(v), 0), w-2)
		for y := 0; y < base; y++ {
			if !dashed || (y/4)%2 == 0 {
				img.Set(x, y, c)
				img.Set(x+1, y, c)
			}
		}
	}
	for _, m := range p.Modes {
		vline(m.Level, color.RGBA{140, 140, 140, 255}, false)
	}
	if p.Status == thresholds.Proposed {
		vline(p.Stop, color.RGBA{30, 90, 200, 255}, false)
		vline(p.Run, color.RGBA{200, 40, 40, 255}, false)
	}
	if current.Basis != store.ByCurrent && current.Run > 0 {
		vline(current.Stop, color.RGBA{30, 90, 200, 255}, true)
		vline(current.Run, color.RGBA{200, 40, 40, 255}, true)
	}
	fill(img, image.Rect(0, base, w, base+1), color.RGBA{0, 0, 0, 255})
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}
