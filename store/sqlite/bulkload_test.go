package sqlite_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestLoadDaysEqualsIngest loads the same batches of past days three ways —
// Ingest into the live tier and then Compact; Ingest after the watermark
// moved (late data merged into the packed days); LoadDays — and requires the
// same stored series and packets (blob for blob), aggregates, latest samples,
// last-seen rows and per-batch results.
func TestLoadDaysEqualsIngest(t *testing.T) {
	// Over a month's end, so that two month rows are built.
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, store.Beijing)
	const days = 3
	end := start.AddDate(0, 0, days)
	tests := []struct {
		name string
		// late: some slots of day 1 come in a batch after day 2, and some of
		// day 0 are sent again. Values are then quantised as the packed tier
		// stores them, since backfill recomputes hours from the stored series,
		// which in the live tier are not quantised.
		late bool
	}{
		{"in order, raw values", false},
		{"late and re-sent, stored precision", true},
	}
	for _, tt := range tests {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("%s/seed=%d", tt.name, seed), func(t *testing.T) {
				ctx := t.Context()
				hot, merged, loaded := mustReadings(t, 3), mustReadings(t, 3), mustReadings(t, 3)
				batches := bulkBatches(rand.New(rand.NewPCG(seed, 7)), hot, start, days, tt.late)
				for _, f := range []*readingsFixture{merged, loaded} {
					if _, err := f.db.Compact(ctx, end); err != nil {
						t.Fatal(err)
					}
				}
				for i, b := range batches {
					mustIngest(t, hot.db, cloneBatch(b))
					want := mustIngest(t, merged.db, cloneBatch(b))
					got, err := loaded.db.LoadDays(ctx, cloneBatch(b))
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("batch %d: LoadDays = %+v, Ingest = %+v", i, got, want)
					}
				}
				// Compact also drops the stored hours of packed days (they are
				// served from the series): all three end in that state.
				for _, f := range []*readingsFixture{hot, merged, loaded} {
					if _, err := f.db.Compact(ctx, end); err != nil {
						t.Fatal(err)
					}
				}
				want := storedReadings(t, merged, start, end)
				for name, f := range map[string]*readingsFixture{"Ingest then Compact": hot, "LoadDays": loaded} {
					got := storedReadings(t, f, start, end)
					if len(got) != len(want) {
						t.Errorf("%s: %d stored rows, Ingest after the watermark %d", name, len(got), len(want))
					}
					for i := range min(len(got), len(want)) {
						if got[i] != want[i] {
							t.Errorf("%s: %s\n  Ingest after the watermark: %s", name, got[i], want[i])
							break
						}
					}
				}
			})
		}
	}
}

func TestLoadDaysRefuses(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	at := day0.Add(8 * time.Hour)
	if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    store.Batch
	}{
		{"sample after the watermark", store.Batch{Samples: []store.Sample{sample(f.points[0], at.AddDate(0, 0, 1), 1, 1)}}},
		{"packet after the watermark", store.Batch{Packets: []store.RawPacket{f.packet(at.AddDate(0, 0, 1), "d20401-Rtd=1")}}},
		{"outbox item", store.Batch{Packets: []store.RawPacket{f.packet(at, "d20401-Rtd=1")},
			Outbox: []store.OutboxItem{{Target: "city:9212", Kind: "hj212", Packet: 1, Payload: []byte("x")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.db.LoadDays(ctx, &tt.b); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("LoadDays = %v, want store.ErrInvalid", err)
			}
		})
	}
	stored := queryText(t, f.db, `SELECT (SELECT count(*) FROM series_days) + (SELECT count(*) FROM raw_days) +
		(SELECT count(*) FROM samples) + (SELECT count(*) FROM raw_packets) + (SELECT count(*) FROM agg_hour) +
		(SELECT count(*) FROM latest_samples) + (SELECT count(*) FROM raw_seen)`)
	if stored[0] != "[0]" {
		t.Errorf("refused batches stored %s rows", stored[0])
	}
}

// bulkBatches returns days of 5-minute data of f's points and terminal, one
// batch per day, with lost slots, re-sends within a batch, counter resets and
// missing values.
func bulkBatches(rng *rand.Rand, f *readingsFixture, start time.Time, days int, late bool) []*store.Batch {
	round := func(v, scale float64) float64 {
		if late {
			return math.Round(v*scale) / scale
		}
		return v
	}
	counters := make([]float64, len(f.points))
	for i := range counters {
		counters[i] = 1000 * float64(i+1)
	}
	var out []*store.Batch
	var held store.Batch
	for d := range days {
		b := &store.Batch{}
		for k := range 288 {
			at := start.AddDate(0, 0, d).Add(time.Duration(k) * 5 * time.Minute)
			if rng.IntN(25) == 0 { // the terminal lost this slot
				continue
			}
			var body []string
			var ss []store.Sample
			for i, p := range f.points {
				s := store.NewSample(p, at.Add(time.Duration(rng.IntN(900))*time.Millisecond))
				s.P = round(rng.Float64()*60, 1000)
				s.I, s.U, s.PF = round(s.P*1.6, 1000), round(380+rng.Float64()*10, 10), round(0.8+rng.Float64()/5, 1000)
				counters[i] += rng.Float64() * 5
				if rng.IntN(300) == 0 { // meter replaced
					counters[i] = rng.Float64() * 10
				}
				s.E = round(counters[i], 100)
				switch rng.IntN(40) {
				case 0:
					s.E = math.NaN()
				case 1:
					s.P = math.NaN()
				}
				ss = append(ss, s)
				body = append(body, fmt.Sprintf("d2040%d-Rtd=%.3f", i+1, s.P))
			}
			pk := f.packet(at, fmt.Sprint(body))
			to := b
			if late && d == 1 && rng.IntN(5) == 0 {
				to = &held
			}
			to.Samples = append(to.Samples, ss...)
			to.Packets = append(to.Packets, pk)
			if rng.IntN(30) == 0 { // sent again within the batch with a revised value: the newest counts
				again := ss[0]
				again.P = round(again.P+1, 1000)
				to.Samples = append(to.Samples, again)
				pk2 := pk
				pk2.ReceivedAt = pk.ReceivedAt.Add(time.Minute)
				to.Packets = append(to.Packets, pk2)
			}
		}
		out = append(out, b)
	}
	if late {
		again := &store.Batch{Samples: slices.Clone(out[0].Samples[:200]), Packets: slices.Clone(out[0].Packets[:60])}
		for i := range again.Samples {
			again.Samples[i].P = round(again.Samples[i].P+2, 1000)
		}
		out = append(out, &held, again)
	}
	return out
}

// cloneBatch copies b's slices: Ingest may reorder what it is given.
func cloneBatch(b *store.Batch) *store.Batch {
	return &store.Batch{Samples: slices.Clone(b.Samples), Packets: slices.Clone(b.Packets), Outbox: slices.Clone(b.Outbox)}
}

// storedReadings describes everything the readings tables hold for f in
// [from, to): series and packets as read back, the packed blobs byte for
// byte, the aggregate rows, latest samples and last-seen rows.
func storedReadings(t *testing.T, f *readingsFixture, from, to time.Time) []string {
	t.Helper()
	ctx := t.Context()
	var out []string
	for _, p := range f.points {
		ss, err := f.db.Samples(ctx, p, from, to)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			out = append(out, fmt.Sprintf("sample %d %s %v %v %v %v %v %d", s.PointID, s.At.Format(time.RFC3339), s.P, s.I, s.U, s.E, s.PF, s.Flags))
		}
	}
	ps, err := f.db.RawPackets(ctx, f.mn, from, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("packet %+v", p))
	}
	for _, q := range []string{
		`SELECT 'series_days', point_id, day, n, hex(blob) FROM series_days ORDER BY point_id, day`,
		`SELECT 'raw_days', mn, day, part, n, hex(blob) FROM raw_days ORDER BY mn, day, part`,
		`SELECT 'samples', count(*) FROM samples`,
		`SELECT 'raw_packets', count(*) FROM raw_packets`,
		`SELECT 'latest', point_id, at, p, i, u, e, pf, flags FROM latest_samples ORDER BY point_id`,
		`SELECT 'seen', mn, received_at, datatime, packets FROM raw_seen ORDER BY mn`,
		`SELECT 'agg_hour last', point_id, start, last_at, last_e, last_p FROM agg_hour ORDER BY point_id, start`,
	} {
		out = append(out, queryText(t, f.db, q)...)
	}
	if n := queryText(t, f.db, `SELECT count(*) FROM samples`); n[0] != "[0]" {
		out = append(out, "samples left in the live tier: "+n[0])
	}
	out = append(out, hourlyRows(t, f, from, to)...)
	return append(out, aggRows(t, f, "agg_hour", "agg_day", "agg_month")...)
}

// queryText returns each row of q formatted with %v.
func queryText(t *testing.T, db *sqlite.DB, q string) []string {
	t.Helper()
	var out []string
	for _, vals := range queryRows(t, db, q) {
		out = append(out, fmt.Sprint(vals))
	}
	return out
}

// queryRows returns the rows of q, each as its column values.
func queryRows(t *testing.T, db *sqlite.DB, q string) [][]any {
	t.Helper()
	rows, err := db.SQL().QueryContext(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
