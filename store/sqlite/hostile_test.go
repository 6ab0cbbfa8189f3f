package sqlite_test

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestHostileValuesNeverPoison: uploads of Inf, then -Inf, then finite values
// whose sum overflows, acknowledged into the inbox and not yet moved in when
// the service stops, leave a database that opens, with every aggregate a
// number and the valid uploads of the same batches in the tables.
func TestHostileValuesNeverPoison(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	direct := mustReadings(t, 2)
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	f := &readingsFixture{db: db}
	copyRegistry(t, direct, f)
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	hostile := []float64{math.Inf(1), math.Inf(-1), 1.7e308, 1.7e308, -1.7e308, math.NaN()}
	for i, v := range hostile {
		at := day0.Add(8*time.Hour + time.Duration(i)*5*time.Minute)
		s := sample(f.points[0], at, v, v)
		if math.IsNaN(v) {
			s.PF = v // a NaN the caller did not mean as "missing" is just missing
		}
		b := &store.Batch{Packets: []store.RawPacket{f.packet(at, fmt.Sprintf("d20401-Rtd=%v", v))},
			Samples: []store.Sample{s, sample(f.points[1], at, 50, float64(100+i))}} // a valid point in the same batch
		mustAppend(t, db, b)
	}
	if err := db.Close(); err != nil { // an ordinary stop before the indexer ran
		t.Fatal(err)
	}
	db, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen after hostile uploads: %v", err)
	}
	defer db.Close()
	f.db = db
	for _, q := range []string{"agg_hour", "agg_day", "agg_month"} {
		for _, row := range queryText(t, db, `SELECT quote(energy) || ' ' || quote(sum_p) || ' ' || quote(run_min) FROM `+q) {
			if containsAny(row, "NULL", "Inf", "nan") {
				t.Errorf("%s row %q: not a number", q, row)
			}
		}
	}
	flagged := queryText(t, db, fmt.Sprintf(`SELECT count(*) FROM samples WHERE point_id = %d AND flags & %d != 0 AND p IS NULL`, f.points[0], store.FlagRejected))
	if flagged[0] != "[5]" {
		t.Errorf("rejected samples of the hostile point = %s, want 5 (every non-finite or overflowing one)", flagged[0])
	}
	valid := queryText(t, db, fmt.Sprintf(`SELECT count(*) FROM samples WHERE point_id = %d AND p = 50`, f.points[1]))
	if valid[0] != fmt.Sprint([]int{len(hostile)}) {
		t.Errorf("valid samples in the same batches = %s, want %d", valid[0], len(hostile))
	}
	raw := queryText(t, db, `SELECT count(*) FROM raw_packets`)
	if raw[0] != fmt.Sprint([]int{len(hostile)}) {
		t.Errorf("raw frames = %s, want %d: rejected values are kept as evidence", raw[0], len(hostile))
	}
}

// TestAggregatesSurvivePoisonedRows: a database written before values were
// checked (±Inf stored in the series) still aggregates to numbers.
func TestAggregatesSurvivePoisonedRows(t *testing.T) {
	f := mustReadings(t, 1)
	at := day0.Add(9 * time.Hour)
	for i, v := range []float64{math.Inf(1), math.Inf(-1), 1.7e308, -1.7e308} {
		if _, err := f.db.SQL().ExecContext(t.Context(), `INSERT INTO samples(point_id, at, p, e, flags) VALUES (?, ?, ?, ?, 0)`,
			f.points[0], at.Add(time.Duration(i)*5*time.Minute).UnixMilli(), v, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.RecomputeAggregates(t.Context(), day0, day0.Add(24*time.Hour)); err != nil {
		t.Fatalf("recompute over poisoned rows: %v", err)
	}
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(f.points[0], at.Add(30*time.Minute), 10, 5)}})
	for _, row := range queryText(t, f.db, `SELECT quote(energy) || ' ' || quote(sum_p) FROM agg_hour`) {
		if containsAny(row, "NULL", "Inf") {
			t.Errorf("agg_hour row %q: not a number", row)
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestQuarantineCap: a flood of random MNs keeps at most the cap of
// quarantine entries, the least recently seen purged and counted; an MN seen
// again stays.
func TestQuarantineCap(t *testing.T) {
	db := MustOpenDB(t)
	db.SetQuarantineCap(100)
	t0 := day0
	// One MN keeps coming back; the others are seen once each.
	for flush := range 5 {
		var ps []store.QuarantinedPacket
		for i := range 60 {
			at := t0.Add(time.Duration(flush*60+i) * time.Second)
			ps = append(ps, store.QuarantinedPacket{MN: fmt.Sprintf("RANDOM%06d", flush*60+i), Reason: "unregistered",
				RemoteAddr: "10.0.0.9:4000", FirstSeen: at, LastSeen: at, Count: 1, Sample: []byte("##0000")})
		}
		at := t0.Add(time.Duration(flush*60+59) * time.Second)
		ps = append(ps, store.QuarantinedPacket{MN: "KEEPSCOMING", Reason: "bad_password", FirstSeen: at, LastSeen: at, Count: 1})
		if err := db.AddQuarantined(t.Context(), ps); err != nil {
			t.Fatal(err)
		}
	}
	q, err := db.Quarantined(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 100 {
		t.Fatalf("kept %d entries, want the cap of 100", len(q))
	}
	if q[len(q)-1].MN != "RANDOM000201" {
		t.Errorf("oldest kept = %s, want one of the last 100 seen", q[len(q)-1].MN)
	}
	found := false
	for _, e := range q {
		found = found || e.MN == "KEEPSCOMING" && e.Count == 5
	}
	if !found {
		t.Errorf("the MN seen in every flush was purged")
	}
	if n, err := db.QuarantinePurged(t.Context()); err != nil || n != 5*60+1-100 {
		t.Errorf("QuarantinePurged = %d, %v; want %d", n, err, 5*60+1-100)
	}
}

// TestAheadNeverLatest: a sample dated ahead of its arrival is stored but is
// not the point's latest value, and its packet's DataTime is not the
// terminal's newest; a later plausible sample still becomes the latest.
func TestAheadNeverLatest(t *testing.T) {
	f := mustReadings(t, 1)
	at := day0.Add(8 * time.Hour)
	ok := sample(f.points[0], at, 10, 100)
	f.db.Now = func() time.Time { return at.Add(3 * time.Second) } // the move's time: the sample below is 3 h ahead of it
	ahead := sample(f.points[0], at.Add(3*time.Hour), 99, 101)
	pa := f.packet(at.Add(3*time.Hour), "d20401-Rtd=99")
	pa.ReceivedAt = at.Add(3 * time.Second) // received now, dated three hours ahead
	mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{f.packet(at, "d20401-Rtd=10"), pa}, Samples: []store.Sample{ok, ahead}})
	latest, err := f.db.LatestSamples(t.Context())
	if err != nil || len(latest) != 1 || latest[0].P != 10 {
		t.Fatalf("latest = %+v, %v; want the plausible sample, not the one ahead", latest, err)
	}
	if ss, _ := f.db.Samples(t.Context(), f.points[0], at, at.Add(4*time.Hour)); len(ss) != 2 {
		t.Errorf("stored %d samples, want both", len(ss))
	}
	seen, err := f.db.LastSeen(t.Context())
	if err != nil || len(seen) != 1 || !seen[0].DataTime.Equal(at) {
		t.Errorf("LastSeen = %+v, %v; want DataTime %v", seen, err, at)
	}
	f.db.Now = func() time.Time { return at.Add(5*time.Minute + 3*time.Second) }
	next := sample(f.points[0], at.Add(5*time.Minute), 11, 102)
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{next}})
	if latest, _ := f.db.LatestSamples(t.Context()); len(latest) != 1 || latest[0].P != 11 {
		t.Errorf("latest after the next slot = %+v, want P 11", latest)
	}
}
