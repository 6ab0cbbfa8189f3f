package scenario_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/alarms/scenario"
	"powerwatch/store"
)

// TestScenarios runs every file of testdata through alarms.Evaluate and
// compares the alarms raised with the file's expectations: every alarm must
// be expected and every expected alarm raised (so a file without expect lines
// asserts silence). The format is described in testdata/README.md.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			sc, err := scenario.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			check(t, sc)
		})
	}
}

func check(t *testing.T, sc *scenario.Scenario) {
	in := sc.Input()
	got := alarms.Evaluate(sc.Rules, in)
	if g, w := sc.Got(got), sc.Want(); !slices.Equal(g, w) {
		t.Errorf("%s:\n got %d alarm(s):\n  %s\nwant %d:\n  %s", sc.Path, len(g), strings.Join(g, "\n  "), len(w), strings.Join(w, "\n  "))
		for _, a := range got {
			t.Logf("%s %s: %s", a.Type, a.Detail, a.Thresholds)
		}
		return
	}
	for _, c := range sc.Evidence {
		if a := got[c.Index]; !strings.Contains(a.Thresholds, c.Text) && !strings.Contains(a.Detail, c.Text) {
			t.Errorf("%s:%d: evidence of %s does not contain %q:\n%s\n%s", sc.Path, c.Line, a.Type, c.Text, a.Detail, a.Thresholds)
		}
	}
	if sc.Engine {
		checkEngine(t, sc)
	}
}

// checkEngine feeds the samples to an Engine in time order, each batch
// received a minute after its time, and compares its last verdict with
// Evaluate over the same scope.
func checkEngine(t *testing.T, sc *scenario.Scenario) {
	e := alarms.NewEngine(sc.Rules, sc.Facts)
	in := sc.Input()
	e.SetBaselines(in.Baselines)
	var all []store.Sample
	for _, ss := range sc.Series {
		all = append(all, ss...)
	}
	slices.SortStableFunc(all, func(a, b store.Sample) int { return a.At.Compare(b.At) })
	var last *alarms.Update
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].At.Equal(all[i].At) {
			j++
		}
		ups, _ := e.Observe(all[i].At.Add(time.Minute), all[i:j])
		for k := range ups {
			last = &ups[k]
		}
		i = j
	}
	if last == nil {
		return
	}
	want := alarms.Evaluate(sc.Rules, alarms.Input{From: last.Scope.From, To: last.Scope.To, Facts: &sc.Facts, Series: sc.Series,
		Baselines: in.Baselines, Types: alarms.ContinuousTypes()})
	judged := func(as []store.Alarm) []string {
		var out []string
		for _, a := range as {
			if slices.Contains(in.Types, a.Type) {
				out = append(out, summary(a))
			}
		}
		return out
	}
	if a, b := judged(last.Alarms), judged(want); !slices.Equal(a, b) {
		t.Errorf("engine's last verdict differs from Evaluate over its scope:\n engine   %q\n evaluate %q", a, b)
	}
}

func summary(a store.Alarm) string {
	end := "open"
	if !a.End.IsZero() {
		end = a.End.In(store.Beijing).Format("01-02 15:04")
	}
	return fmt.Sprintf("%s %d/%d %s–%s %s", a.Type, a.ProductionID, a.TreatmentID, a.Start.In(store.Beijing).Format("01-02 15:04"), end, a.Grade)
}
