package sqlite_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// day0 is the first Beijing day of the readings tests.
var day0 = time.Date(2026, 11, 2, 0, 0, 0, 0, store.Beijing)

// readingsFixture is a district of one region, one industry, one enterprise
// with one facility per point and one terminal, written with SQL so that
// these tests do not depend on the registry's API.
type readingsFixture struct {
	db     *sqlite.DB
	mn     string
	points []int64 // point ids
	facs   []int64 // facility of each point
	ent    int64
}

func mustReadings(tb testing.TB, npoints int) *readingsFixture {
	tb.Helper()
	f := &readingsFixture{db: MustOpenDB(tb), mn: "010000A8900016F000169DC0"}
	exec := func(q string, args ...any) int64 {
		tb.Helper()
		r, err := f.db.SQL().ExecContext(tb.Context(), q, args...)
		if err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
		id, _ := r.LastInsertId()
		return id
	}
	region := exec(`INSERT INTO regions(name) VALUES ('朝阳区')`)
	industry := exec(`INSERT INTO industries(code, name) VALUES ('3130', '钢压延加工')`)
	f.ent = exec(`INSERT INTO enterprises(name, region_id, industry_id) VALUES ('北京某某铸造有限公司', ?, ?)`, region, industry)
	term := exec(`INSERT INTO terminals(mn, enterprise_id, min_interval_s) VALUES (?, ?, 300)`, f.mn, f.ent)
	for i := range npoints {
		fac := exec(`INSERT INTO facilities(enterprise_id, name, kind, rated_kw) VALUES (?, ?, 'production', 100)`, f.ent, fmt.Sprintf("熔炉%d", i+1))
		p := exec(`INSERT INTO points(terminal_id, facility_id, name, power_code) VALUES (?, ?, ?, ?)`, term, fac, fmt.Sprintf("P%d", i+1), fmt.Sprintf("d2040%d", i+1))
		f.points = append(f.points, p)
		f.facs = append(f.facs, fac)
	}
	return f
}

func (f *readingsFixture) packet(at time.Time, body string) store.RawPacket {
	frame := fmt.Sprintf("##0100QN=%s000;ST=44;CN=2011;PW=123456;MN=%s;Flag=5;CP=&&DataTime=%s;%s&&ABCD",
		at.In(store.Beijing).Format("20060102150405"), f.mn, at.In(store.Beijing).Format("20060102150405"), body)
	return store.RawPacket{MN: f.mn, ST: "44", CN: "2011", QN: at.Format("20060102150405000"), DataTime: at,
		ReceivedAt: at.Add(3 * time.Second), CRCOK: true, Frame: []byte(frame)}
}

func sample(point int64, at time.Time, p, e float64) store.Sample {
	s := store.NewSample(point, at)
	s.P, s.E = p, e
	return s
}

func mustIngest(tb testing.TB, db *sqlite.DB, b *store.Batch) store.IngestResult {
	tb.Helper()
	res, err := db.Ingest(tb.Context(), b)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestIngestIdempotent(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	at := day0.Add(8 * time.Hour)
	b := &store.Batch{
		Packets: []store.RawPacket{f.packet(at, "d20401-Rtd=12.5"), f.packet(at.Add(5*time.Minute), "d20401-Rtd=13.0")},
		Samples: []store.Sample{sample(f.points[0], at, 12.5, 100), sample(f.points[0], at.Add(5*time.Minute), 13, 101)},
		Outbox:  []store.OutboxItem{{Target: "city:9212", Kind: "hj212", Key: f.mn, Payload: []byte("x")}},
	}
	res := mustIngest(t, f.db, b)
	if res.NewPackets != 2 || res.NewSamples != 2 || res.Duplicate[0] || res.Duplicate[1] || len(res.OutboxIDs) != 1 {
		t.Fatalf("first ingest = %+v, want 2 new packets and samples, 1 outbox row", res)
	}
	// The terminal re-sends the second slot along with a new third one.
	again := &store.Batch{
		Packets: []store.RawPacket{f.packet(at.Add(5*time.Minute), "d20401-Rtd=13.0"), f.packet(at.Add(10*time.Minute), "d20401-Rtd=14.0")},
		Samples: []store.Sample{sample(f.points[0], at.Add(5*time.Minute), 13, 101), sample(f.points[0], at.Add(10*time.Minute), 14, 102)},
	}
	res = mustIngest(t, f.db, again)
	if !res.Duplicate[0] || res.Duplicate[1] || res.NewPackets != 1 || res.NewSamples != 1 || res.DupSamples != 1 {
		t.Fatalf("second ingest = %+v, want packet 0 duplicate, 1 new packet, 1 new and 1 duplicate sample", res)
	}
	// The same slot twice in one batch (a re-send within one group commit).
	twice := f.packet(at.Add(15*time.Minute), "d20401-Rtd=15.0")
	res = mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{twice, twice},
		Samples: []store.Sample{sample(f.points[0], twice.DataTime, 15, 103), sample(f.points[0], twice.DataTime, 15, 103)}})
	if res.Duplicate[0] || !res.Duplicate[1] || res.NewPackets != 1 || res.NewSamples != 1 || res.DupSamples != 1 {
		t.Fatalf("batch with a slot twice = %+v, want the first new and the second a duplicate", res)
	}
	raw, err := f.db.RawPackets(ctx, f.mn, day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4 {
		t.Fatalf("RawPackets = %d packets, want 4", len(raw))
	}
	if got, want := string(raw[1].Frame), string(b.Packets[1].Frame); got != want {
		t.Errorf("RawPackets[1].Frame = %q, want %q", got, want)
	}
	ss, err := f.db.Samples(ctx, f.points[0], day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 4 || ss[2].P != 14 || !math.IsNaN(ss[2].I) {
		t.Fatalf("Samples = %+v, want 4 with the third P 14 and I missing", ss)
	}
	seen, err := f.db.LastSeen(ctx)
	if err != nil || len(seen) != 1 || seen[0].Packets != 4 || !seen[0].DataTime.Equal(at.Add(15*time.Minute)) {
		t.Fatalf("LastSeen = %+v, %v; want one terminal, 4 packets, newest DataTime 08:15", seen, err)
	}
	latest, err := f.db.LatestSamples(ctx)
	if err != nil || len(latest) != 1 || latest[0].P != 15 {
		t.Fatalf("LatestSamples = %+v, %v; want P 15", latest, err)
	}
}

func TestIngestRejectsInvalid(t *testing.T) {
	f := mustReadings(t, 1)
	_, err := f.db.Ingest(t.Context(), &store.Batch{Samples: []store.Sample{store.NewSample(0, day0)}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Ingest(sample without point) = %v, want ErrInvalid", err)
	}
}

// TestLateBackfillCompactedDay ensures that a slot arriving after its day was
// packed is merged into the blob, exactly once, for samples and raw packets.
func TestLateBackfillCompactedDay(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	point := f.points[0]
	var b store.Batch
	for i := range 288 {
		if i == 100 { // a slot lost on the way
			continue
		}
		at := day0.Add(time.Duration(i) * 5 * time.Minute)
		b.Samples = append(b.Samples, sample(point, at, 50, 1000+float64(i)))
		b.Packets = append(b.Packets, f.packet(at, fmt.Sprintf("d20401-Rtd=50;d20401-Cou=%d", 1000+i)))
	}
	mustIngest(t, f.db, &b)
	res, err := f.db.Compact(ctx, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if res.SeriesDays != 1 || res.RawDays != 1 || res.Samples != 287 || res.Packets != 287 {
		t.Fatalf("Compact = %+v, want 1 series day and 1 raw day of 287", res)
	}
	var hot int
	f.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM samples`).Scan(&hot)
	if hot != 0 {
		t.Fatalf("hot samples after compaction = %d, want 0", hot)
	}
	lost := day0.Add(100 * 5 * time.Minute)
	late := &store.Batch{
		Packets: []store.RawPacket{f.packet(lost, "d20401-Rtd=50;d20401-Cou=1100"), f.packet(lost.Add(5*time.Minute), "d20401-Rtd=50;d20401-Cou=1101")},
		Samples: []store.Sample{sample(point, lost, 50, 1100), sample(point, lost.Add(5*time.Minute), 50, 1101)},
	}
	got := mustIngest(t, f.db, late)
	if got.Duplicate[0] || !got.Duplicate[1] || got.NewSamples != 1 || got.DupSamples != 1 {
		t.Fatalf("late ingest = %+v, want the lost slot new and the other a duplicate", got)
	}
	again := mustIngest(t, f.db, late)
	if !again.Duplicate[0] || again.NewSamples != 0 {
		t.Fatalf("late ingest repeated = %+v, want all duplicates", again)
	}
	ss, err := f.db.Samples(ctx, point, day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 288 {
		t.Fatalf("Samples after backfill = %d, want 288", len(ss))
	}
	for i, s := range ss {
		if want := day0.Add(time.Duration(i) * 5 * time.Minute); !s.At.Equal(want) || s.E != 1000+float64(i) || s.P != 50 {
			t.Fatalf("Samples[%d] = %v P %v E %v, want %v P 50 E %v", i, s.At, s.P, s.E, want, 1000+i)
		}
	}
	raw, err := f.db.RawPackets(ctx, f.mn, day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 288 || string(raw[100].Frame) != string(late.Packets[0].Frame) {
		t.Fatalf("RawPackets after backfill = %d packets, want 288 with the late frame at 100", len(raw))
	}
	days, err := f.db.DailyAggregates(ctx, point, day0, day0.AddDate(0, 0, 1))
	if err != nil || len(days) != 1 {
		t.Fatalf("DailyAggregates = %+v, %v", days, err)
	}
	if d := days[0]; d.Received != 288 || d.Expected != 288 || math.Abs(d.Energy-287) > 1e-9 {
		t.Errorf("day after backfill = received %d expected %d energy %v, want 288/288 and 287 kWh", d.Received, d.Expected, d.Energy)
	}
}

func TestReadOnlyAndFullDisk(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	at := day0.Add(time.Hour)
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(f.points[0], at, 1, 1)}})
	path := f.db.Path()

	t.Run("read-only file", func(t *testing.T) {
		ro, err := sqlite.OpenWith(ctx, path, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		_, err = ro.Ingest(ctx, &store.Batch{Samples: []store.Sample{sample(f.points[0], at.Add(5*time.Minute), 2, 2)}})
		if !errors.Is(err, store.ErrReadOnly) {
			t.Fatalf("Ingest on a read-only database = %v, want ErrReadOnly", err)
		}
		ss, err := ro.Samples(ctx, f.points[0], day0, day0.AddDate(0, 0, 1))
		if err != nil || len(ss) != 1 {
			t.Fatalf("Samples on read-only = %d, %v; want the acknowledged one", len(ss), err)
		}
	})
	t.Run("full disk", func(t *testing.T) {
		f.db.SQL().SetMaxOpenConns(1) // so that the pragma below reaches the writer
		var pages int
		f.db.SQL().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
		if _, err := f.db.SQL().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
			t.Fatal(err)
		}
		var big store.Batch
		for i := range 5000 {
			p := f.packet(at.Add(time.Duration(i+1)*time.Minute), fmt.Sprintf("filler=%0200d", i))
			big.Packets = append(big.Packets, p)
		}
		_, err := f.db.Ingest(ctx, &big)
		if !errors.Is(err, store.ErrReadOnly) {
			t.Fatalf("Ingest on a full disk = %v, want ErrReadOnly", err)
		}
		ss, err := f.db.Samples(ctx, f.points[0], day0, day0.AddDate(0, 0, 1))
		if err != nil || len(ss) != 1 {
			t.Fatalf("Samples after a full disk = %d, %v; want the acknowledged one", len(ss), err)
		}
		if _, err := f.db.SQL().ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
			t.Fatal(err)
		}
		if res := mustIngest(t, f.db, &big); res.NewPackets != 5000 {
			t.Fatalf("Ingest after space returned = %d new packets, want 5000", res.NewPackets)
		}
	})
}

func TestPurgeRawKeepsEvidence(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	var b store.Batch
	for d := range 3 {
		for h := range 24 {
			b.Packets = append(b.Packets, f.packet(day0.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour), "x=1"))
		}
	}
	mustIngest(t, f.db, &b)
	if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 1)); err != nil { // day 0 packed, days 1–2 hot
		t.Fatal(err)
	}
	if err := f.db.KeepRaw(ctx, f.mn, day0.Add(3*time.Hour), day0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := f.db.KeepRaw(ctx, f.mn, day0.AddDate(0, 0, 1).Add(5*time.Hour), day0.AddDate(0, 0, 1).Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.PurgeRaw(ctx, day0.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	raw, err := f.db.RawPackets(ctx, f.mn, day0, day0.AddDate(0, 0, 3))
	if err != nil {
		t.Fatal(err)
	}
	// Day 0 is kept whole (its blob holds the pinned hour), day 1 only its
	// pinned packet, day 2 is inside the retention.
	if want := 24 + 1 + 24; len(raw) != want {
		t.Fatalf("RawPackets after purge = %d, want %d", len(raw), want)
	}
}

func TestValues(t *testing.T) {
	f := mustReadings(t, 1)
	at := day0.Add(8 * time.Hour)
	mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{
		f.packet(at, "d20501-Rtd=12.5,d20501-Flag=N;d20401-Rtd=3.1;x99-Avg=7"),
		f.packet(at.Add(5*time.Minute), "d20501-Rtd=13.0;d20501-Flag=D"),
	}})
	all, err := f.db.Values(t.Context(), f.mn, "", day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[2].Code != "x99" || all[2].Suffix != "Avg" || all[2].Value != "7" {
		t.Fatalf("Values(all) = %+v, want 4 values with the unmapped x99-Avg", all)
	}
	p, err := f.db.Values(t.Context(), f.mn, "d20501", day0, day0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p[0].Flag != "N" || p[1].Flag != "D" || p[1].Value != "13.0" || !p[1].DataTime.Equal(at.Add(5*time.Minute)) {
		t.Fatalf("Values(d20501) = %+v, want 12.5 N and 13.0 D", p)
	}
}
