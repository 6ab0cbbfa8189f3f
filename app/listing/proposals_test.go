package listing

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"powerwatch/app/judge"
	"powerwatch/store"
	"powerwatch/thresholds"
)

// TestWriteProposals: a proposal with modes, misfit, replay and test, and
// one with too little data, as JSON lines and as CSV: kW to three
// decimals, limits only when proposed, the replay and test only when there
// was one, every CSV row as wide as the header.
func TestWriteProposals(t *testing.T) {
	mill := judge.ThresholdProposal{
		Proposal: thresholds.Proposal{Status: thresholds.Proposed, Days: 28, Stop: 3.14159, Run: 60.0004,
			StopSeparation: 0.9, RunSeparation: 0.7, StopObserved: true,
			Modes: []thresholds.Mode{{Role: "stopped", Level: 0.5, Low: 0.4, High: 0.6, Share: 0.4}, {Role: "running", Level: 100, Low: 98, High: 102, Share: 0.6}}},
		Facility: store.Facility{ID: 7, Name: "1号磨机", Kind: store.Production}, Enterprise: "北京乙机械厂",
		Current: store.Threshold{Stop: 5.5, Run: 22, Basis: "derived"}, Derived: store.Threshold{Stop: 5.5, Run: 22},
		Misfits: []thresholds.Misfit{{Limit: "run", Value: 22, Mode: thresholds.Mode{Role: "idle", Low: 19, High: 21}}},
		Replay:  &judge.ThresholdReplay{From: time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing), Before: 4, After: 1, Removed: 3},
		Test:    &judge.TestLevels{Off: 0.2, On: 99.5},
	}
	fan := judge.ThresholdProposal{Proposal: thresholds.Proposal{Status: thresholds.TooLittle, Days: 5},
		Facility: store.Facility{ID: 8, Name: "新风机"}, Typed: store.Threshold{ID: 3, Stop: 1, Run: 2}}
	ps := []judge.ThresholdProposal{mill, fan}

	var js bytes.Buffer
	if err := WriteProposals(&js, "json", ps); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2: %s", len(lines), js.String())
	}
	var rows [2]ProposalRow
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &rows[i]); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
	}
	m, f := rows[0], rows[1]
	switch {
	case m.Stop != 3.142 || m.Run != 60 || m.Quality != thresholds.Quality(0.7):
		t.Errorf("mill limits %v/%v quality %q: want 3.142/60 and the lower separation's quality", m.Stop, m.Run, m.Quality)
	case len(m.Modes) != 2 || m.Current != [2]float64{5.5, 22} || m.Derived == nil || m.Typed != nil:
		t.Errorf("mill modes %v current %v derived %v typed %v", m.Modes, m.Current, m.Derived, m.Typed)
	case m.ReplayFrom != "2026-11-01" || m.AlarmsBefore == nil || *m.AlarmsBefore != 4 || *m.Removed != 3:
		t.Errorf("mill replay from %q: %+v", m.ReplayFrom, m)
	case m.TestOff == nil || *m.TestOn != 99.5 || len(m.Misfits) != 1 || !strings.HasPrefix(m.Misfits[0], "run 22 in idle"):
		t.Errorf("mill test %v/%v misfits %q", m.TestOff, m.TestOn, m.Misfits)
	}
	if f.Status != "too_little" || f.Reason == "" || f.Stop != 0 || f.Typed == nil || f.AlarmsBefore != nil || f.TestOff != nil {
		t.Errorf("fan: %+v; want a reason, no limits, its typed limits, no replay or test", f)
	}

	var cs bytes.Buffer
	if err := WriteProposals(&cs, "csv", ps); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("csv: %v, %d records", err, len(recs))
	}
	for i, r := range recs {
		if len(r) != len(proposalHeader()) {
			t.Errorf("csv row %d has %d cells, the header %d", i, len(r), len(proposalHeader()))
		}
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range []struct {
		row        int
		name, want string
	}{
		{1, "facility", "1号磨机"}, {1, "modes", "stopped 0.5 (40%); running 100 (60%)"}, {1, "derived", "5.5/22"},
		{1, "alarms_before", "4"}, {1, "test_on", "99.5"}, {2, "typed", "1/2"}, {2, "alarms_before", ""}, {2, "stop", "0"},
	} {
		if got := recs[c.row][col[c.name]]; got != c.want {
			t.Errorf("csv row %d %s = %q, want %q", c.row, c.name, got, c.want)
		}
	}
}
