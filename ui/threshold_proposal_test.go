package ui

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
	"powerwatch/thresholds"
)

// fakeLimits proposes from generated hours with the real algorithm and
// records what was accepted.
type fakeLimits struct {
	mu       sync.Mutex
	ps       []LimitProposal
	accepted []store.Threshold
	notes    []string
	rejected []string
}

func (f *fakeLimits) ProposeLimits(_ context.Context, ent int64, _ bool) ([]LimitProposal, error) {
	return f.ps, nil
}

func (f *fakeLimits) RejectLimits(_ context.Context, who string, fac store.Facility, stop, run float64, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejected = append(f.rejected, note)
	return nil
}

func (f *fakeLimits) AcceptLimits(_ context.Context, who string, fac store.Facility, stop, run float64, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accepted = append(f.accepted, store.Threshold{FacilityID: fac.ID, Stop: stop, Run: run})
	f.notes = append(f.notes, note)
	return nil
}

// shiftHours is 21 days of a unit stopped (0 kW) at night, idle/empty at
// idle kW 06–09 and loaded at load kW 09–20.
func shiftHours(idle, load float64) []thresholds.Hour {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, store.Beijing)
	var hs []thresholds.Hour
	for h := 0; h < 21*24; h++ {
		at := start.Add(time.Duration(h) * time.Hour)
		v := 0.0
		switch hr := at.Hour(); {
		case hr >= 6 && hr < 9:
			v = idle
		case hr >= 9 && hr < 20:
			v = load
		}
		hs = append(hs, thresholds.Hour{Start: at, Min: v, Avg: v, Max: v})
	}
	return hs
}

func demoLimits(f *fakeStore) *fakeLimits {
	fac := f.facs[2] // 布袋除尘器, treatment
	p := thresholds.Propose(thresholds.Input{FacilityID: fac.ID, Kind: fac.Kind, RatedKW: fac.RatedKW, Hours: shiftHours(0.1*fac.RatedKW, 0.6*fac.RatedKW)})
	cur, _ := store.DefaultThreshold(fac.RatedKW)
	derived := cur
	cur.Run = 0.1 * fac.RatedKW // typed inside the empty level
	return &fakeLimits{ps: []LimitProposal{{Proposal: p, Facility: fac, Enterprise: "华北建材有限公司", Current: cur, Derived: derived,
		Misfits: thresholds.Misfits(p, cur), Replayed: true, Before: 4, After: 9, Raised: 5, ReplayDays: 30,
		TestSeen: true, TestOff: 0, TestOn: 0.6 * fac.RatedKW, TestStop: 2, TestRun: 0.3 * fac.RatedKW}}}
}

func TestLimitProposalTab(t *testing.T) {
	f := demoDistrict(demoNow)
	deps := demoDeps(f, demoNow)
	lim := demoLimits(f)
	deps.Limits = lim
	s, w := mustShell(t, deps)
	p := openEnterprise(t, s, 1)
	tab := p.limitsTab()
	test.Tap(button(t, tab, "计算建议"))
	s.Wait()
	got := texts(tab)
	lp := lim.ps[0]
	for _, want := range []string{"布袋除尘器", "建议：停产限值", "回放近 30 天：现行限值 4 条报警，建议限值 9 条（新增 5，消除 0）",
		"现行运行限值", "停上电试验实测", "额定功率推算"} {
		if !strings.Contains(got, want) {
			t.Errorf("limits tab does not show %q:\n%s", want, got)
		}
	}
	images := 0
	walk(tab, func(o fyne.CanvasObject) {
		if _, ok := o.(*canvas.Image); ok {
			images++
		}
	})
	if images != 1 {
		t.Errorf("%d histograms drawn, want 1", images)
	}

	// Below the treatment floor without a note: refused in the dialog.
	test.Tap(button(t, tab, "采纳/修改"))
	dlg := topDialog(t, w)
	var entries []*widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	entries[1].SetText("1")
	entries[0].SetText("0.5")
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if !strings.Contains(texts(dlg), "须填写说明") || len(lim.accepted) != 0 {
		t.Fatalf("below the floor without a note: accepted %v, dialog\n%s", lim.accepted, texts(dlg))
	}
	entries[2].SetText("实测负荷低")
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if len(lim.accepted) != 1 || lim.accepted[0].Run != 1 || lim.notes[0] != "实测负荷低" {
		t.Fatalf("accepted %v %q, want run 1 with the note", lim.accepted, lim.notes)
	}

	// The test's levels are accepted in one step (the dialog opens filled).
	test.Tap(button(t, tab, "采纳试验值"))
	dlg = topDialog(t, w)
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if len(lim.accepted) != 2 || math.Abs(lim.accepted[1].Run-lp.TestRun) > 0.01*lp.TestRun {
		t.Errorf("test levels accepted as %v, want run %.3g", lim.accepted, lp.TestRun)
	}
}

func TestLimitProposalReject(t *testing.T) {
	f := demoDistrict(demoNow)
	deps := demoDeps(f, demoNow)
	lim := demoLimits(f)
	deps.Limits = lim
	s, w := mustShell(t, deps)
	p := openEnterprise(t, s, 1)
	tab := p.limitsTab()
	test.Tap(button(t, tab, "计算建议"))
	s.Wait()
	test.Tap(button(t, tab, "不采纳"))
	dlg := topDialog(t, w)
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			e.SetText("待现场核实")
		}
	})
	test.Tap(button(t, dlg, "保存"))
	s.Wait()
	if len(lim.rejected) != 1 || lim.rejected[0] != "待现场核实" || len(lim.accepted) != 0 {
		t.Fatalf("rejected %q, accepted %v; want one rejection with its reason", lim.rejected, lim.accepted)
	}
	if !strings.Contains(texts(tab), "未采纳") {
		t.Errorf("card after rejection:\n%s", texts(tab))
	}
}

func TestWorstMisfits(t *testing.T) {
	mode := func(share float64) []thresholds.Misfit {
		return []thresholds.Misfit{{Limit: "run", Mode: thresholds.Mode{Share: share}}}
	}
	ps := []LimitProposal{{Enterprise: "a", Misfits: mode(0.1)}, {Enterprise: "fits"}, {Enterprise: "b", Misfits: mode(0.5)}}
	got := WorstMisfits(ps)
	if len(got) != 2 || got[0].Enterprise != "b" || got[1].Enterprise != "a" {
		t.Errorf("WorstMisfits = %+v, want b then a", got)
	}
}

func TestHistogramImage(t *testing.T) {
	p := thresholds.Propose(thresholds.Input{Kind: store.Production, Hours: shiftHours(20, 100)})
	img := HistogramImage(p, store.Threshold{Stop: 5, Run: 20}, 400, 150)
	if b := img.Bounds(); b.Dx() != 400 || b.Dy() != 150 {
		t.Fatalf("bounds %v", b)
	}
	// The proposed run limit's red line is drawn at its log position.
	red := 0
	for x := 0; x < 400; x++ {
		r, g, _, _ := img.At(x, 10).RGBA()
		if r>>8 == 200 && g>>8 == 40 {
			red++
		}
	}
	if red < 2 {
		t.Errorf("no red limit line found in the histogram")
	}
}
