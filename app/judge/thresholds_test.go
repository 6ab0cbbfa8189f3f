package judge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/thresholds"
)

// oversizedDB builds an enterprise whose dust collector (rated 50 kW, so
// derived limits 2.5 / 10 kW) runs loaded at only 8 kW while the furnace runs
// 08:00–18:00: the derived run limit makes every working day a
// treatment_off alarm. It holds days of data up to the day before end.
func oversizedDB(t *testing.T, end time.Time, days int) (*sqlite.DB, store.Facility, store.Facility) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent := store.Enterprise{Name: "北京某铸造厂"}
	must(db.CreateEnterprise(ctx, "test", &ent))
	prod := store.Facility{EnterpriseID: ent.ID, Name: "1号熔炉", Kind: store.Production, RatedKW: 100}
	must(db.CreateFacility(ctx, "test", &prod))
	treat := store.Facility{EnterpriseID: ent.ID, Name: "布袋除尘", Kind: store.Treatment, RatedKW: 50}
	must(db.CreateFacility(ctx, "test", &treat))
	must(db.CreateLink(ctx, "test", &store.Link{ProductionID: prod.ID, TreatmentID: treat.ID, Role: store.Active}))
	term := store.Terminal{MN: "010000A8900016F000169DC0", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, "test", &term))
	pp := store.Point{TerminalID: term.ID, FacilityID: prod.ID, PowerCode: "e10101"}
	must(db.CreatePoint(ctx, "test", &pp))
	pt := store.Point{TerminalID: term.ID, FacilityID: treat.ID, PowerCode: "e10102"}
	must(db.CreatePoint(ctx, "test", &pt))
	start := end.AddDate(0, 0, -days)
	var ss []store.Sample
	for at := start; at.Before(end); at = at.Add(5 * time.Minute) {
		p, q := store.NewSample(pp.ID, at), store.NewSample(pt.ID, at)
		p.U, q.U, p.P, q.P = 380, 380, 0, 0
		if h := at.In(store.Beijing).Hour(); h >= 8 && h < 18 {
			p.P, q.P = 60+float64(at.Minute()%3), 8+0.1*float64(at.Minute()%2)
		}
		ss = append(ss, p, q)
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	return db, prod, treat
}

func treatmentOff(t *testing.T, db *sqlite.DB, from, to time.Time) []store.Alarm {
	t.Helper()
	as, err := db.FindAlarms(t.Context(), store.AlarmFilter{From: from, To: to, Types: []store.AlarmType{store.TreatmentOff},
		Statuses: []store.AlarmStatus{store.Open, store.Ended}})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// TestAcceptThresholdJudgesFromThenOn: the proposal for an oversized dust
// collector is raised to its floor, replaying it shows the alarms; accepting
// lower limits needs a note, adds a threshold version in force from the
// acceptance, and re-judging keeps the alarms before it and drops those after.
func TestAcceptThresholdJudgesFromThenOn(t *testing.T) {
	ctx := t.Context()
	now := time.Now().In(store.Beijing)
	end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, store.Beijing)
	db, _, treat := oversizedDB(t, end, 24)
	from := end.AddDate(0, 0, -24)
	if _, err := EvaluateStored(ctx, db, from, end); err != nil {
		t.Fatal(err)
	}
	all := treatmentOff(t, db, from, end)
	if len(all) < 20 {
		t.Fatalf("derived limits raised %d treatment_off alarms, want one per day", len(all))
	}

	// An acceptance test saw the collector switch on at 08:00 three days ago.
	day := end.AddDate(0, 0, -3)
	rec := store.MaintenanceRecord{Kind: store.TaskAcceptance, Date: day, People: "张工", EnterpriseID: treat.EnterpriseID,
		TestFrom: day.Add(7*time.Hour + 30*time.Minute), TestTo: day.Add(8*time.Hour + 30*time.Minute)}
	if err := db.AddRecord(ctx, "test", &rec); err != nil {
		t.Fatal(err)
	}
	ps, err := ProposeThresholds(ctx, db, ProposeOptions{FacilityID: treat.ID, To: end, ReplayDays: 7})
	if err != nil || len(ps) != 1 {
		t.Fatalf("propose: %v, %d proposals", err, len(ps))
	}
	p := ps[0]
	if p.Status != thresholds.Proposed || !p.FloorApplied || p.Run != 10 || p.Current.Run != 10 {
		t.Fatalf("proposal %s run %.2f (floor applied %v), current run %.2f; want run raised to the floor 10 kW",
			p.Status, p.Run, p.FloorApplied, p.Current.Run)
	}
	if p.Test == nil || p.Test.Off != 0 || p.Test.On < 7.9 || p.Test.On > 8.2 || p.Test.Run != 10 {
		t.Errorf("test levels %+v: want off 0, on 8 kW, run limit at the floor", p.Test)
	}
	if p.Replay == nil || p.Replay.Before < 6 || p.Replay.After != p.Replay.Before {
		t.Errorf("replay %+v: want a week's alarms before and after (the floor keeps them)", p.Replay)
	}

	if err := RejectThreshold(ctx, db, "officer2", treat, p.Stop, p.Run, "待现场核实"); err != nil {
		t.Fatal(err)
	}
	if rej, err := db.FindAudit(ctx, store.AuditFilter{Action: "reject", Entity: "threshold_proposal", EntityID: treat.ID}); err != nil ||
		len(rej) != 1 || rej[0].Who != "officer2" || !strings.Contains(rej[0].After, "待现场核实") {
		t.Errorf("rejection audit %+v, %v", rej, err)
	}
	// Accepting below the floor without a note is refused.
	if _, err := AcceptThreshold(ctx, db, "officer1", treat, 1, 4, ""); err == nil || !strings.Contains(err.Error(), "floor") {
		t.Fatalf("accept below the floor without a note: %v, want refused", err)
	}
	accepted := end.AddDate(0, 0, -5).Add(12 * time.Hour)
	db.Now = func() time.Time { return accepted }
	th, err := AcceptThreshold(ctx, db, "officer1", treat, 1, 4, "额定功率偏大，实测满载 8 kW")
	if err != nil {
		t.Fatal(err)
	}
	hist, err := db.ThresholdsFor(ctx, treat.ID)
	if err != nil || len(hist) != 2 || !hist[0].Derived || hist[0].Run != 10 || !hist[1].EffectiveFrom.Equal(accepted) || hist[1].Run != 4 {
		t.Fatalf("threshold history %+v, %v: want the derived one kept and the accepted one from %v", hist, err, accepted)
	}
	if th.ID != hist[1].ID {
		t.Errorf("accepted threshold %d, history's newest %d", th.ID, hist[1].ID)
	}
	audit, err := db.FindAudit(ctx, store.AuditFilter{Entity: "threshold", EntityID: th.ID})
	if err != nil || len(audit) == 0 || audit[0].Who != "officer1" {
		t.Errorf("audit of threshold %d: %+v, %v; want the acceptance by officer1", th.ID, audit, err)
	}

	if _, err := EvaluateStored(ctx, db, from, end); err != nil {
		t.Fatal(err)
	}
	before, after := treatmentOff(t, db, from, accepted.Add(-12*time.Hour)), treatmentOff(t, db, accepted, end)
	if want := len(all) - 5; len(before) < want-1 || len(after) != 0 {
		t.Errorf("after acceptance: %d alarms before it (want about %d, kept), %d after (want 0)", len(before), want, len(after))
	}
}

// TestWorstMisfits: only proposals with a limit inside a mode, the largest
// such mode first, ties in their order.
func TestWorstMisfits(t *testing.T) {
	misfit := func(id int64, shares ...float64) ThresholdProposal {
		p := ThresholdProposal{Facility: store.Facility{ID: id}}
		for _, s := range shares {
			p.Misfits = append(p.Misfits, thresholds.Misfit{Mode: thresholds.Mode{Share: s}})
		}
		return p
	}
	ps := []ThresholdProposal{misfit(1), misfit(2, 0.1), misfit(3, 0.05, 0.6), misfit(4, 0.1), misfit(5)}
	var got []int64
	for _, p := range WorstMisfits(ps) {
		got = append(got, p.Facility.ID)
	}
	if want := []int64{3, 2, 4}; !slices.Equal(got, want) {
		t.Errorf("WorstMisfits = %v, want %v", got, want)
	}
}

// TestProposeFromPackedYear: proposals read through the store recover the
// levels of generated facilities within 10 % when most of their history is
// packed (Compact folds days into blobs and drops their hour rows): a
// two-shift production line metered by two points (summed hour by hour), a
// treatment unit running empty before production starts, a unit that never
// changes level (unimodal) and one with too little data.
func TestProposeFromPackedYear(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ent := store.Enterprise{Name: "北京某机械厂"}
	must(db.CreateEnterprise(ctx, "test", &ent))
	term := store.Terminal{MN: "010000A8900016F000169DC1", EnterpriseID: ent.ID}
	must(db.CreateTerminal(ctx, "test", &term))
	end := time.Date(2026, 11, 30, 0, 0, 0, 0, store.Beijing)
	const days = 35
	start := end.AddDate(0, 0, -days)
	weekend := func(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }
	type meter struct {
		share float64 // of the facility's power
		from  time.Time
	}
	cases := []struct {
		name   string
		kind   store.FacilityKind
		rated  float64
		meters []meter
		level  func(time.Time) float64
		status thresholds.Status
		want   map[thresholds.Role]float64
	}{
		{"two-shift, two meters", store.Production, 120, []meter{{0.6, start}, {0.4, start}}, func(t time.Time) float64 {
			switch h := t.Hour(); {
			case weekend(t) || h < 6 || h >= 22:
				return 0.5
			case h == 6 || h == 12 || h == 14:
				return 20
			}
			return 100
		}, thresholds.Proposed, map[thresholds.Role]float64{thresholds.Stopped: 0.5, thresholds.Idle: 20, thresholds.Running: 100}},
		{"treatment running empty", store.Treatment, 50, []meter{{1, start}}, func(t time.Time) float64 {
			switch h := t.Hour(); {
			case h < 6 || h >= 20:
				return 0
			case h < 9 || h == 12:
				return 8
			}
			return 40
		}, thresholds.Proposed, map[thresholds.Role]float64{thresholds.Stopped: 0, thresholds.Idle: 8, thresholds.Running: 40}},
		{"unimodal", store.Production, 100, []meter{{1, start}}, func(time.Time) float64 { return 50 }, thresholds.Unimodal, nil},
		{"too little data", store.Production, 100, []meter{{1, end.AddDate(0, 0, -10)}}, func(t time.Time) float64 {
			if t.Hour() < 8 {
				return 0
			}
			return 50
		}, thresholds.TooLittle, nil},
	}
	rng := rand.New(rand.NewPCG(3, 5))
	facs := make([]store.Facility, len(cases))
	var ss []store.Sample
	for i, c := range cases {
		facs[i] = store.Facility{EnterpriseID: ent.ID, Name: c.name, Kind: c.kind, RatedKW: c.rated}
		must(db.CreateFacility(ctx, "test", &facs[i]))
		for k, m := range c.meters {
			pt := store.Point{TerminalID: term.ID, FacilityID: facs[i].ID, PowerCode: fmt.Sprintf("e1%02d%02d", i, k)}
			must(db.CreatePoint(ctx, "test", &pt))
			for at := m.from; at.Before(end); at = at.Add(5 * time.Minute) {
				s := store.NewSample(pt.ID, at)
				s.U, s.P = 380, c.level(at.In(store.Beijing))*m.share*(1+0.1*(rng.Float64()-0.5))
				ss = append(ss, s)
			}
		}
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	// All but the last three days packed, as the nightly compaction leaves them.
	if _, err := db.Compact(ctx, end.AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}
	ps, err := ProposeThresholds(ctx, db, ProposeOptions{EnterpriseID: ent.ID, To: end, History: days * 24 * time.Hour})
	if err != nil || len(ps) != len(cases) {
		t.Fatalf("propose: %v, %d proposals", err, len(ps))
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ps[i]
			if p.Facility.ID != facs[i].ID {
				t.Fatalf("proposal %d is for facility %d, want %d", i, p.Facility.ID, facs[i].ID)
			}
			if p.Status != c.status {
				t.Fatalf("status %s (%s), want %s; modes %+v", p.Status, p.Reason(), c.status, p.Modes)
			}
			if wantDays := int(end.Sub(c.meters[0].from).Hours() / 24); p.Days != wantDays {
				t.Errorf("%d days of data, want %d (packed days read too)", p.Days, wantDays)
			}
			for role, want := range c.want {
				var got *thresholds.Mode
				for k := range p.Modes {
					if p.Modes[k].Role == role {
						got = &p.Modes[k]
					}
				}
				switch {
				case got == nil:
					t.Errorf("no %s mode; modes %+v", role, p.Modes)
				case want == 0 && got.Level > 0.5, want > 0 && math.Abs(got.Level-want) > 0.1*want:
					t.Errorf("%s level %.2f kW, want %.2f ± 10 %%", role, got.Level, want)
				}
			}
			if c.status == thresholds.Proposed && !(p.Run > c.want[thresholds.Idle]*1.1 && p.Run < c.want[thresholds.Running]*0.9) {
				t.Errorf("run limit %.2f kW not between idle %.2f and running %.2f", p.Run, c.want[thresholds.Idle], c.want[thresholds.Running])
			}
		})
	}
}
