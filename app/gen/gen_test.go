package gen_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"powerwatch/app/gen"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestGenerate(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gen.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	sum, err := gen.Generate(ctx, db, gen.Config{Points: 30, Days: 5, End: end, Seed: 1, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Points != 30 || sum.Samples < 30*288*5*95/100 || sum.Packets < sum.Terminals*288*5*95/100 {
		t.Fatalf("Summary = %+v, want 30 points and ~all slots of 5 days", sum)
	}
	rows, err := db.Consumption(ctx, store.StatsQuery{By: store.ByEnterprise, Period: store.Day, From: sum.From, To: sum.To})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != sum.Enterprises*5 {
		t.Fatalf("daily consumption rows = %d, want %d", len(rows), sum.Enterprises*5)
	}
	var total float64
	for _, r := range rows {
		if r.Energy < 0 {
			t.Errorf("row %+v has negative energy", r)
		}
		total += r.Energy
	}
	if total <= 0 {
		t.Errorf("total energy = %v, want > 0", total)
	}
	// Treatment follows production: while a production unit runs (≥ 20 % of
	// rated power) its treatment unit draws power, apart from the rare
	// generated violations; and production does stop (nights, weekends).
	links, err := db.SQL().Query(`SELECT pp.id, pt.id, fp.rated_kw, ft.rated_kw FROM links l
		JOIN points pp ON pp.facility_id = l.production_id JOIN points pt ON pt.facility_id = l.treatment_id
		JOIN facilities fp ON fp.id = l.production_id JOIN facilities ft ON ft.id = l.treatment_id`)
	if err != nil {
		t.Fatal(err)
	}
	var running, treatedOff, stopped int
	for links.Next() {
		var prod, treat int64
		var prodKW, treatKW float64
		if err := links.Scan(&prod, &treat, &prodKW, &treatKW); err != nil {
			t.Fatal(err)
		}
		ps, _ := db.Samples(ctx, prod, sum.From, sum.To)
		ts, _ := db.Samples(ctx, treat, sum.From, sum.To)
		byAt := map[time.Time]float64{}
		for _, s := range ts {
			byAt[s.At] = s.P
		}
		for _, s := range ps {
			tp, ok := byAt[s.At]
			switch {
			case !ok:
			case s.P >= 0.2*prodKW:
				running++
				if tp < 0.05*treatKW {
					treatedOff++
				}
			default:
				stopped++
			}
		}
	}
	links.Close()
	if running == 0 || stopped == 0 || treatedOff*20 > running {
		t.Errorf("production running in %d slots (treatment off in %d), stopped in %d: want both, and treatment off rarely", running, treatedOff, stopped)
	}
	latest, err := db.LatestSamples(ctx)
	if err != nil || len(latest) != 30 {
		t.Fatalf("LatestSamples = %d, %v", len(latest), err)
	}
	again, err := gen.Generate(ctx, mustOpen(t), gen.Config{Points: 30, Days: 5, End: end, Seed: 1})
	if err != nil || again.Samples != sum.Samples || len(again.Violations) != len(sum.Violations) {
		t.Errorf("same seed gave %d samples and %d violations, want %d and %d", again.Samples, len(again.Violations), sum.Samples, len(sum.Violations))
	}
}

func mustOpen(t *testing.T) *sqlite.DB {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "gen2.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestGeneratePackedEqualsHot: the packed days Generate loads as whole blobs
// hold what the live-tier path holds once compacted — blob for blob, and the
// same aggregate, latest-sample and last-seen rows.
func TestGeneratePackedEqualsHot(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, store.Beijing) // over a month's end
	cfg := gen.Config{Points: 20, Days: 3, End: end, Seed: 2, Raw: true}
	packed := mustOpen(t)
	if _, err := gen.Generate(ctx, packed, cfg); err != nil {
		t.Fatal(err)
	}
	hot := mustOpen(t)
	cfg.Hot = true
	if _, err := gen.Generate(ctx, hot, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := hot.Compact(ctx, end); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT point_id, day, n, hex(blob) FROM series_days ORDER BY point_id, day`,
		`SELECT mn, day, part, n, hex(blob) FROM raw_days ORDER BY mn, day, part`,
		`SELECT count(*) FROM agg_hour`, // packed days' hours are folded on demand, not stored
		`SELECT * FROM agg_day ORDER BY point_id, start`,
		`SELECT * FROM agg_month ORDER BY point_id, start`,
		`SELECT * FROM latest_samples ORDER BY point_id`,
		`SELECT * FROM raw_seen ORDER BY mn`,
		`SELECT (SELECT count(*) FROM samples), (SELECT count(*) FROM raw_packets)`,
	} {
		got, want := rowsText(t, packed, q), rowsText(t, hot, q)
		if len(got) != len(want) || len(got) == 0 {
			t.Errorf("%s: %d rows packed, %d hot and compacted", q, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s:\n  packed %s\n  hot    %s", q, got[i], want[i])
				break
			}
		}
	}
	// The hours served for the packed days are the same either way.
	for _, p := range rowsText(t, hot, `SELECT id FROM points ORDER BY id`) {
		var id int64
		if _, err := fmt.Sscanf(p, "[%d]", &id); err != nil {
			t.Fatalf("point id %q: %v", p, err)
		}
		got, err1 := packed.HourlyAggregates(ctx, id, end.AddDate(0, 0, -3), end)
		want, err2 := hot.HourlyAggregates(ctx, id, end.AddDate(0, 0, -3), end)
		if err1 != nil || err2 != nil || len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("point %d: %d hours packed (%v), %d hot and compacted (%v), want the same non-empty hours", id, len(got), err1, len(want), err2)
		}
	}
}

// TestGenerateUpToNow: a district generated up to tomorrow has no readings
// from after the database's clock, and yesterday's and today's readings are
// in the live tier, as the nightly compaction leaves them.
func TestGenerateUpToNow(t *testing.T) {
	ctx := t.Context()
	db := mustOpen(t)
	now := time.Date(2026, 11, 29, 12, 32, 0, 0, store.Beijing)
	db.Now = func() time.Time { return now }
	today := store.Day.Start(now)
	sum, err := gen.Generate(ctx, db, gen.Config{Points: 10, Days: 4, End: today.AddDate(0, 0, 1), Seed: 3, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := today.AddDate(0, 0, -3); !sum.From.Equal(want) {
		t.Errorf("From = %s, want %s", sum.From, want)
	}
	day := func(t time.Time) int64 { return t.UnixMilli() }
	after, upTo := day(today.AddDate(0, 0, -1)), day(now)
	checks := []struct {
		q    string
		args []any
		want string
	}{
		{`SELECT value FROM settings WHERE key = 'readings.compacted_before'`, nil, fmt.Sprint([]any{fmt.Sprint(after)})},
		{`SELECT min(day), max(day) FROM series_days`, nil, fmt.Sprint([]any{day(today.AddDate(0, 0, -3)), day(today.AddDate(0, 0, -2))})},
		{`SELECT min(day), max(day) FROM raw_days`, nil, fmt.Sprint([]any{day(today.AddDate(0, 0, -3)), day(today.AddDate(0, 0, -2))})},
		{`SELECT min(at) >= ?, max(at) < ?, max(at) >= ? FROM samples`, []any{after, upTo, upTo - 10*60*1000}, "[1 1 1]"},
		{`SELECT min(dt) >= ?, max(dt) < ?, max(dt) >= ? FROM raw_packets`, []any{after, upTo, upTo - 10*60*1000}, "[1 1 1]"},
	}
	for _, c := range checks {
		if got := rowsText(t, db, c.q, c.args...); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s = %v, want %s", c.q, got, c.want)
		}
	}
}

// rowsText returns each row of q formatted with %v.
func rowsText(t *testing.T, db *sqlite.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.SQL().QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGenerateViolations: a district has its treatment-off episodes.
func TestGenerateViolations(t *testing.T) {
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	sum, err := gen.Generate(t.Context(), mustOpen(t), gen.Config{Points: 200, Days: 7, End: end, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Violations) == 0 {
		t.Fatalf("%d enterprises over 7 days: no violations", sum.Enterprises)
	}
	for _, v := range sum.Violations {
		if !v.End.After(v.Start) || v.Start.Before(sum.From) || v.End.After(sum.To) {
			t.Errorf("violation %+v outside %s – %s", v, sum.From, sum.To)
		}
	}
}
