package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"powerwatch/store"
)

type replayFake struct {
	current store.RuleSet
	tried   []store.RuleSet
	saved   []store.RuleSet
}

func (f *replayFake) CurrentRuleSet(context.Context) (store.RuleSet, error) { return f.current, nil }

func (f *replayFake) ReplayRules(_ context.Context, rs store.RuleSet, from, to time.Time) (ReplaySummary, error) {
	f.tried = append(f.tried, rs)
	return ReplaySummary{Stored: map[store.AlarmType]int{store.TreatmentOff: 12}, Raised: map[store.AlarmType]int{store.TreatmentOff: 7},
		Kept: 4, Missed: 1, MarkedFalse: 2, Dropped: map[store.Disposition]int{store.FalseThreshold: 5}}, nil
}

func (f *replayFake) SaveRuleSet(_ context.Context, who string, rs *store.RuleSet) error {
	rs.Version = f.current.Version + 1
	rs.CreatedBy = who
	f.saved = append(f.saved, *rs)
	f.current = *rs
	return nil
}

func TestRuleReplay(t *testing.T) {
	f := &replayFake{current: store.RuleSet{Version: 3, TreatmentOffMin: 15 * time.Minute, ShutdownIgnoredMin: 30 * time.Minute,
		CutMarginPct: 10, CutMin: time.Hour, OfflineAfter: 30 * time.Minute, MajorAfter: time.Hour, SevereAfter: 4 * time.Hour}}
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Replay = f
	s, _ := mustShell(t, d)
	s.Show(ViewSettings)
	s.Wait()
	p := s.screens[ViewSettings].(*settingsScreen).replay
	if got := p.fields[0].entry.Text; got != "15" || !p.save.Disabled() {
		t.Fatalf("treatment_off minimum shows %q, save disabled %v; want 15 and disabled before a replay", got, p.save.Disabled())
	}
	p.fields[0].entry.SetText("-5")
	test.Tap(p.run)
	s.Wait()
	if len(f.tried) != 0 || !strings.Contains(p.info.Text, "不小于0") {
		t.Fatalf("a negative duration was replayed (%d) or not explained: %q", len(f.tried), p.info.Text)
	}
	p.fields[0].entry.SetText("30")
	test.Tap(p.run)
	s.Wait()
	if len(f.tried) != 1 || f.tried[0].TreatmentOffMin != 30*time.Minute || f.tried[0].CutMin != time.Hour {
		t.Fatalf("replayed %+v", f.tried)
	}
	for _, want := range []string{"治污设施未同步运行：已有 12 条，试算 7 条", "不再发现已确认违法 1 条", "误报—阈值不当 5"} {
		if !strings.Contains(p.result.Text, want) {
			t.Errorf("result has no %q:\n%s", want, p.result.Text)
		}
	}
	if p.save.Disabled() {
		t.Fatal("save stays disabled after a replay")
	}
	p.note.SetText("减少短时误报")
	test.Tap(p.save)
	if len(f.saved) != 0 {
		t.Fatal("the rule set was saved before the confirmation")
	}
	test.Tap(button(t, topDialog(t, s.win), "保存为新版本"))
	s.Wait()
	if len(f.saved) != 1 || f.saved[0].TreatmentOffMin != 30*time.Minute || f.saved[0].Note != "减少短时误报" || f.saved[0].CreatedBy != "张三" {
		t.Fatalf("saved %+v", f.saved)
	}
	if !strings.Contains(p.info.Text, "4") || !p.save.Disabled() {
		t.Errorf("after saving: %q, save disabled %v", p.info.Text, p.save.Disabled())
	}
	p.fields[1].entry.SetText("45")
	if !p.save.Disabled() {
		t.Error("a change after the replay leaves save enabled")
	}
}

// slowReplay runs until its context is cancelled, as a district's month does
// for seconds.
type slowReplay struct {
	replayFake
	started chan struct{}
}

func (f *slowReplay) ReplayRules(ctx context.Context, _ store.RuleSet, _, _ time.Time) (ReplaySummary, error) {
	close(f.started)
	<-ctx.Done()
	return ReplaySummary{}, ctx.Err()
}

// TestRuleReplayCancel starts a what-if that does not end by itself: the
// panel shows it runs, and 取消 stops it and gives 试算 back.
func TestRuleReplayCancel(t *testing.T) {
	f := &slowReplay{replayFake: replayFake{current: store.RuleSet{Version: 1, TreatmentOffMin: 15 * time.Minute}}, started: make(chan struct{})}
	d := demoDeps(demoDistrict(demoNow), demoNow)
	d.Replay = f
	s, _ := mustShell(t, d)
	s.Show(ViewSettings)
	s.Wait()
	p := s.screens[ViewSettings].(*settingsScreen).replay
	test.Tap(p.run)
	<-f.started
	if !p.run.Disabled() || p.busy.Hidden || p.stopB.Hidden {
		t.Fatalf("while running: run disabled %v, progress shown %v, cancel shown %v", p.run.Disabled(), !p.busy.Hidden, !p.stopB.Hidden)
	}
	test.Tap(p.stopB)
	s.Wait()
	if p.run.Disabled() || !p.busy.Hidden || !p.stopB.Hidden || !strings.Contains(p.info.Text, s.tr.T("err.canceled")) || p.result.Text != "" {
		t.Errorf("after cancel: run disabled %v, progress hidden %v, cancel hidden %v, info %q, result %q",
			p.run.Disabled(), p.busy.Hidden, p.stopB.Hidden, p.info.Text, p.result.Text)
	}
}
