package judge

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"powerwatch/alarms"
	"powerwatch/app/internal/fixture"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestAlarmEngineWiring(t *testing.T) {
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 28, 10, 1, 0, 0, store.Beijing)
	e, ups, err := StartEngine(ctx, db, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := SaveUpdates(ctx, db, ups)
	if err != nil || len(changed) != 1 || changed[0].Type != store.TreatmentOff || changed[0].Status != store.Ended {
		t.Fatalf("primed engine saved %+v, %v; want the ended treatment_off alarm", changed, err)
	}
	// The terminal stays silent: after an hour the sweep raises offline.
	changed, err = SaveUpdates(ctx, db, e.Sweep(now.Add(70*time.Minute)))
	if err != nil || len(changed) != 1 || changed[0].Type != store.Offline || changed[0].Status != store.Open {
		t.Fatalf("sweep saved %+v, %v; want an open offline alarm", changed, err)
	}
	if err := Reevaluate(ctx, db, []store.AlarmScope{{EnterpriseID: 1, From: now.Add(-3 * time.Hour), To: now}}); err != nil {
		t.Fatal(err)
	}
	// November is closed by the time this runs: its transmission is judged
	// too (two hours of data in a month), besides the same two alarms.
	all, _ := db.FindAlarms(ctx, store.AlarmFilter{Types: alarms.ContinuousTypes()})
	if len(all) != 2 {
		t.Errorf("alarms after re-evaluating the morning = %d, want the same 2", len(all))
	}
}

func TestReplayStored(t *testing.T) {
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	if _, err := EvaluateStored(ctx, db, from, from.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReviewAlarm(ctx, 1, store.Confirmed, "现场核实", "officer1"); err != nil {
		t.Fatal(err)
	}
	rs := alarms.DefaultRules()
	rs.Version, rs.TreatmentOffMin = 2, 40*time.Minute
	rep, err := Replay(ctx, db, rs, from, from.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alarms) != 0 || len(rep.Missed) != 1 || rep.Missed[0].ID != 1 {
		t.Errorf("replay with 40 min: %d alarms, missed %+v; want none raised and alarm 1 missed", len(rep.Alarms), rep.Missed)
	}
}

// ingestFlat stores 40 kW on every point of the fixture every 5 minutes of
// [from, to].
func ingestFlat(t *testing.T, db *sqlite.DB, from, to time.Time) {
	t.Helper()
	reg, err := db.LoadRegistry(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ss []store.Sample
	for at := from; !at.After(to); at = at.Add(5 * time.Minute) {
		for _, p := range reg.Points {
			s := store.NewSample(p.ID, at)
			s.P, s.U = 40, 380
			ss = append(ss, s)
		}
	}
	if _, err := db.Ingest(t.Context(), &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
}

func openOffline(t *testing.T, db *sqlite.DB, from time.Time) []store.Alarm {
	t.Helper()
	as, err := db.FindAlarms(t.Context(), store.AlarmFilter{From: from, Types: []store.AlarmType{store.Offline},
		Statuses: []store.AlarmStatus{store.Open, store.Ended}})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// TestEvaluateNeverJudgesTheFuture: a terminal that sent data until ten
// minutes ago is not offline, however far past now --to reaches.
func TestEvaluateNeverJudgesTheFuture(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, fixture.AlarmDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().Truncate(5 * time.Minute)
	ingestFlat(t, db, now.Add(-3*time.Hour), now.Add(-10*time.Minute))
	if _, err := EvaluateStored(ctx, db, now.Add(-4*time.Hour), now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if as := openOffline(t, db, now.Add(-4*time.Hour)); len(as) != 0 {
		t.Fatalf("offline alarms after evaluating into the future: %+v, want none", as)
	}
}

// TestOfflineOnlyWhileAServiceRan: the data stops 3 h ago. A service that
// listened all along sees the terminal offline; one stopped from 2 h 50 min
// ago until 30 minutes ago has heard silence for 35 minutes at most: nothing.
func TestOfflineOnlyWhileAServiceRan(t *testing.T) {
	now := time.Now().Truncate(5 * time.Minute)
	tests := []struct {
		name string
		runs [][2]time.Duration // start, last heartbeat (0: still running)
		want int
	}{
		{"listened all along", [][2]time.Duration{{-8 * time.Hour, 0}}, 1},
		{"stopped in between", [][2]time.Duration{{-8 * time.Hour, -170 * time.Minute}, {-30 * time.Minute, 0}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			db, err := sqlite.Open(ctx, fixture.AlarmDB(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ingestFlat(t, db, now.Add(-6*time.Hour), now.Add(-3*time.Hour))
			for _, r := range tc.runs {
				id, err := db.StartServiceRun(ctx, now.Add(r[0]))
				if err != nil {
					t.Fatal(err)
				}
				alive := time.Now()
				if r[1] != 0 {
					alive = now.Add(r[1])
				}
				if err := db.ServiceAlive(ctx, id, alive); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := EvaluateStored(ctx, db, now.Add(-6*time.Hour), now); err != nil {
				t.Fatal(err)
			}
			if as := openOffline(t, db, now.Add(-6*time.Hour)); len(as) != tc.want {
				t.Fatalf("offline alarms = %+v, want %d", as, tc.want)
			}
		})
	}
}

// TestTransmissionFollowsTheMonthlyList: the low_transmission verdict of a
// closed month uses the numbers of the monthly maintenance list, and follows
// a 报备 filed afterwards and late data of the month.
func TestTransmissionFollowsTheMonthlyList(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, fixture.AlarmDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	month := store.Month.Add(store.Month.Start(time.Now()), -1)
	end := store.Month.Add(month, 1)
	gap := end.Add(-end.Sub(month) * 15 / 100).Truncate(time.Hour) // the month's last ~15 % missing
	ingestFlat(t, db, month, gap.Add(-5*time.Minute))
	low := func() []store.Alarm {
		t.Helper()
		as, err := db.FindAlarms(ctx, store.AlarmFilter{Types: []store.AlarmType{store.LowTransmission},
			Statuses: []store.AlarmStatus{store.Open, store.Ended}})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	if _, err := JudgeMonths(ctx, db, 0, []time.Time{month.Add(40 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	list, err := maintenance.LowTransmission(ctx, db, month, maintenance.MonthlyLimit)
	if err != nil {
		t.Fatal(err)
	}
	as := low()
	if len(as) != 2 || len(list) != 2 {
		t.Fatalf("low_transmission alarms %d, monthly list %d; want both points on both", len(as), len(list))
	}
	for _, a := range as {
		var ev struct{ Rate float64 }
		if err := json.Unmarshal([]byte(a.Thresholds), &ev); err != nil {
			t.Fatal(err)
		}
		for _, lp := range list {
			if lp.Point.ID == a.PointID && math.Abs(lp.Month.Rate-ev.Rate) > 1e-4 {
				t.Errorf("point %d: alarm rate %.4f, monthly list %.4f", a.PointID, ev.Rate, lp.Month.Rate)
			}
		}
	}

	// The gap turns out to be a filed 计划停产: the month is healthy.
	reg, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fl := store.Filing{EnterpriseID: reg.Enterprises[0].ID, Kind: store.PlannedStop, Start: gap, End: end, Note: "检修"}
	if err := db.CreateFiling(ctx, "test", &fl); err != nil {
		t.Fatal(err)
	}
	reg2, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := JudgeMonths(ctx, db, 0, filingMonths(reg, reg2)); err != nil {
		t.Fatal(err)
	}
	if as := low(); len(as) != 0 {
		t.Fatalf("low_transmission after the 报备: %+v, want withdrawn", as)
	}
	// The filing is withdrawn: the verdict is back.
	if err := db.DeleteFiling(ctx, "test", fl.ID); err != nil {
		t.Fatal(err)
	}
	reg3, err := db.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := JudgeMonths(ctx, db, 0, filingMonths(reg2, reg3)); err != nil {
		t.Fatal(err)
	}
	if as := low(); len(as) != 2 {
		t.Fatalf("low_transmission after the filing was withdrawn: %d, want 2", len(as))
	}
	// The terminal's cache arrives late: the month was whole after all.
	ingestFlat(t, db, gap, end.Add(-5*time.Minute))
	ent := reg.Enterprises[0].ID
	if err := Reevaluate(ctx, db, []store.AlarmScope{{EnterpriseID: ent, From: gap, To: end}}); err != nil {
		t.Fatal(err)
	}
	if as := low(); len(as) != 0 {
		t.Fatalf("low_transmission after the month's data arrived: %+v, want withdrawn", as)
	}
}

// TestChangedFrom: a registry change is re-judged from the earliest date it
// touches, not only the engine's last hours.
func TestChangedFrom(t *testing.T) {
	def := time.Date(2026, 12, 5, 10, 0, 0, 0, store.Beijing)
	old := &store.Registry{Orders: []store.Order{{ID: 1, Start: def.AddDate(0, 0, -1)}},
		Thresholds: []store.Threshold{{ID: 1, FacilityID: 1, EffectiveFrom: def.AddDate(0, -2, 0)}}}
	tests := []struct {
		name string
		cur  *store.Registry
		want time.Time
	}{
		{"nothing dated changed", &store.Registry{Orders: old.Orders, Thresholds: old.Thresholds}, def},
		{"an order imported after its episode", &store.Registry{Orders: append([]store.Order{{ID: 2, Start: def.AddDate(0, 0, -10)}}, old.Orders...),
			Thresholds: old.Thresholds}, def.AddDate(0, 0, -10)},
		{"an order withdrawn", &store.Registry{Thresholds: old.Thresholds}, def.AddDate(0, 0, -1)},
		{"a threshold back-dated", &store.Registry{Orders: old.Orders,
			Thresholds: []store.Threshold{{ID: 1, FacilityID: 1, EffectiveFrom: def.AddDate(0, -3, 0)}}}, def.AddDate(0, -3, 0)},
		{"a point with its installation date", &store.Registry{Orders: old.Orders, Thresholds: old.Thresholds,
			Points: []store.Point{{ID: 9, InstalledAt: def.AddDate(0, 0, -30)}}}, def.AddDate(0, 0, -30)},
	}
	for _, tc := range tests {
		if got := changedFrom(old, tc.cur, def); !got.Equal(tc.want) {
			t.Errorf("%s: from %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestJudgeNights: a night whose treatment idles while production keeps
// most of its load is raised by the night job with its whole day, and a
// short re-evaluation of late data inside that night does not withdraw it.
func TestJudgeNights(t *testing.T) {
	ctx := t.Context()
	db, prod, treat := alarmFixture(t)
	today := store.Day.Start(time.Now())
	dayFrom := today.AddDate(0, 0, -2).Add(6 * time.Hour) // the day before last, 06:00
	var ss []store.Sample
	for at := dayFrom; at.Before(dayFrom.Add(24 * time.Hour)); at = at.Add(5 * time.Minute) {
		night := at.Sub(dayFrom) >= 16*time.Hour
		p, q := store.NewSample(prod, at), store.NewSample(treat, at)
		p.U, q.U = 380, 380
		p.P, q.P = 50, 30
		if night {
			p.P, q.P = 40, 11 // the dust collector idles above its running threshold
		}
		ss = append(ss, p, q)
	}
	if _, err := db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	nightEnd := dayFrom.Add(24 * time.Hour)
	sum, err := JudgeNights(ctx, db, 0, nightEnd.Add(-time.Hour), nightEnd.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	nights := func() []store.Alarm {
		as, err := db.FindAlarms(ctx, store.AlarmFilter{Types: []store.AlarmType{store.NightUndertreatment},
			Statuses: []store.AlarmStatus{store.Open, store.Ended}})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	if as := nights(); len(as) != 1 || !as[0].Start.Equal(dayFrom.Add(16*time.Hour)) || sum.Alarms != 1 {
		t.Fatalf("night alarms = %+v (summary %+v), want one from 22:00", as, sum)
	}
	if err := Reevaluate(ctx, db, []store.AlarmScope{{EnterpriseID: 1, From: nightEnd.Add(-2 * time.Hour), To: nightEnd}}); err != nil {
		t.Fatal(err)
	}
	if as := nights(); len(as) != 1 {
		t.Fatalf("after re-evaluating late data of the night: %+v, want the night alarm kept", as)
	}
}
