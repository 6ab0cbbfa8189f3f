package gen_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"powerwatch/app/gen"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// The store benchmarks. Sizes can be raised with environment variables for a
// longer run, e.g. BENCH_POINTS=2000 BENCH_DAYS=30; the defaults finish in a
// few minutes on the shared 2-core box. Results go into BENCHMARKS.md.

var benchEnd = time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func openBench(b *testing.B, name string) *sqlite.DB {
	b.Helper()
	db, err := sqlite.OpenWith(context.Background(), filepath.Join(b.TempDir(), name), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkIngest measures bulk ingest into the live tier: batches of one day
// of 100 points (28,800 readings) with their aggregates, one transaction each.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	src := openBench(b, "src.db")
	if _, err := gen.Generate(ctx, src, gen.Config{Points: 100, Days: 7, End: benchEnd, Seed: 3, Hot: true}); err != nil {
		b.Fatal(err)
	}
	var days [][]store.Sample
	for d := range 7 {
		from := benchEnd.AddDate(0, 0, d-7)
		var day []store.Sample
		for p := int64(1); p <= 100; p++ {
			ss, err := src.Samples(ctx, p, from, from.AddDate(0, 0, 1))
			if err != nil {
				b.Fatal(err)
			}
			day = append(day, ss...)
		}
		days = append(days, day)
	}
	dst := openBench(b, "dst.db")
	if _, err := gen.Generate(ctx, dst, gen.Config{Points: 100, Days: 1, End: benchEnd.AddDate(-1, 0, 0), Seed: 3, Hot: true}); err != nil {
		b.Fatal(err)
	}
	n, shift := 0, 0
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		day := days[n%len(days)]
		// Each round writes new slots: the week repeats one week later each time.
		batch := &store.Batch{Samples: make([]store.Sample, len(day))}
		for i, s := range day {
			s.At = s.At.AddDate(0, 0, shift)
			batch.Samples[i] = s
		}
		res, err := dst.Ingest(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		if res.NewSamples != len(day) {
			b.Fatalf("ingest stored %d of %d", res.NewSamples, len(day))
		}
		n++
		if n%len(days) == 0 {
			shift += 7
		}
	}
	var readings int
	for i := range n {
		readings += len(days[i%len(days)])
	}
	b.ReportMetric(float64(readings)/time.Since(start).Seconds(), "readings/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(readings)/used.Seconds(), "readings/cpu-s")
	}
}

// reportCPU adds the CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration, ops int) {
	if used := cpuTime() - start; used > 0 && ops > 0 {
		b.ReportMetric(float64(used)/float64(ops), "cpu-ns/op")
	}
}

// BenchmarkCurveYear reads one point's year (105,120 slots) and downsamples it to 1,600 px.
func BenchmarkCurveYear(b *testing.B) {
	ctx := context.Background()
	db := openBench(b, "curve.db")
	if _, err := gen.Generate(ctx, db, gen.Config{Points: 2, Days: 365, End: benchEnd, Seed: 4}); err != nil {
		b.Fatal(err)
	}
	from := benchEnd.AddDate(0, 0, -365)
	var cols, ops int
	cpu := cpuTime()
	for b.Loop() {
		c, err := db.Curve(ctx, 1, from, benchEnd, 1600)
		if err != nil {
			b.Fatal(err)
		}
		cols = len(c)
		ops++
	}
	reportCPU(b, cpu, ops)
	if cols < 1500 {
		b.Fatalf("curve has %d columns, want ~1600", cols)
	}
}

// BenchmarkConsumptionMonthly asks for 12 months of consumption by
// enterprise with 同比/环比 (so two years of monthly aggregates) over
// BENCH_POINTS points (default 2,000). To keep the set-up short, readings are
// generated for one day in BENCH_STRIDE (default 30): the query reads the
// monthly aggregate table, which has one row per point and month either way.
func BenchmarkConsumptionMonthly(b *testing.B) {
	ctx := context.Background()
	db := openBench(b, "stats.db")
	points := envInt("BENCH_POINTS", 2000)
	if _, err := gen.Generate(ctx, db, gen.Config{Points: points, Days: 730, End: benchEnd, Seed: 5, DayStride: envInt("BENCH_STRIDE", 30)}); err != nil {
		b.Fatal(err)
	}
	var months int
	db.SQL().QueryRow(`SELECT count(*) FROM agg_month`).Scan(&months)
	q := store.StatsQuery{By: store.ByEnterprise, Period: store.Month, From: store.Month.Add(store.Month.Start(benchEnd), -11), To: benchEnd}
	ops, cpu := 0, cpuTime()
	for b.Loop() {
		ops++
		rows, err := db.Consumption(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if len(rows) == 0 || math.IsNaN(rows[len(rows)-1].YoY) && rows[len(rows)-1].LastYear > 0 {
			b.Fatalf("consumption rows = %d", len(rows))
		}
	}
	reportCPU(b, cpu, ops)
	b.ReportMetric(float64(months), "agg_month_rows")
}

// BenchmarkSize generates BENCH_POINTS (default 200) points × BENCH_DAYS
// (default 30) days with raw frames into the packed tier and reports bytes
// per reading and per packet as stored (pages of the tables, from dbstat).
func BenchmarkSize(b *testing.B) {
	ctx := context.Background()
	points, days := envInt("BENCH_POINTS", 200), envInt("BENCH_DAYS", 30)
	for b.Loop() {
		db := openBench(b, "size.db")
		sum, err := gen.Generate(ctx, db, gen.Config{Points: points, Days: days, End: benchEnd, Seed: 6, Raw: true})
		if err != nil {
			b.Fatal(err)
		}
		size := func(tables ...string) float64 {
			var total float64
			for _, t := range tables {
				var n int64
				if err := db.SQL().QueryRow(`SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?`, t).Scan(&n); err != nil {
					b.Fatal(err)
				}
				total += float64(n)
			}
			return total
		}
		if _, err := db.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(db.Path())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(size("series_days", "sqlite_autoindex_series_days_1")/float64(sum.Samples), "series_B/reading")
		b.ReportMetric(size("raw_days", "sqlite_autoindex_raw_days_1")/float64(sum.Packets), "raw_B/packet")
		b.ReportMetric(size("agg_hour", "agg_day", "agg_month")/float64(sum.Samples), "agg_B/reading")
		b.ReportMetric(float64(st.Size())/float64(sum.Samples), "file_B/reading")
		b.ReportMetric(float64(sum.Samples), "readings")
		b.ReportMetric(float64(sum.Packets), "packets")
	}
}

// BenchmarkIngestLive is the listener's real shape: one slot of the whole
// district, 2,000 samples and their ~1,100 raw frames and outbox rows, as one
// group commit (one transaction), onto a database already holding a week.
func BenchmarkIngestLive(b *testing.B) {
	ctx := context.Background()
	src := openBench(b, "src.db")
	const days = 2
	if _, err := gen.Generate(ctx, src, gen.Config{Points: 2000, Days: days, End: benchEnd, Seed: 7, Raw: true, Hot: true}); err != nil {
		b.Fatal(err)
	}
	// Replay the source's slots, one batch each, into a copy of its registry.
	slots := make([][]store.Sample, days*288)
	frames := make([][]store.RawPacket, days*288)
	seen, err := src.LastSeen(ctx)
	if err != nil {
		b.Fatal(err)
	}
	from := benchEnd.AddDate(0, 0, -days)
	for p := int64(1); p <= 2000; p++ {
		ss, err := src.Samples(ctx, p, from, benchEnd)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range ss {
			k := int(s.At.Sub(from) / (5 * time.Minute))
			slots[k] = append(slots[k], s)
		}
	}
	for _, t := range seen {
		ps, err := src.RawPackets(ctx, t.MN, from, benchEnd)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			k := int(p.DataTime.Sub(from) / (5 * time.Minute))
			frames[k] = append(frames[k], p)
		}
	}
	dst := openBench(b, "dst.db")
	if _, err := gen.Generate(ctx, dst, gen.Config{Points: 2000, Days: 1, End: from, Seed: 7, Hot: true}); err != nil {
		b.Fatal(err)
	}
	k, cpu := 0, cpuTime()
	for b.Loop() {
		if k == len(slots) {
			b.Fatal("out of slots: lower -benchtime")
		}
		batch := &store.Batch{Samples: slots[k], Packets: frames[k]}
		for _, p := range frames[k] {
			batch.Outbox = append(batch.Outbox, store.OutboxItem{Target: "city:9212", Kind: "hj212", Key: p.MN, Payload: p.Frame})
		}
		if _, err := dst.Ingest(ctx, batch); err != nil {
			b.Fatal(err)
		}
		k++
	}
	reportCPU(b, cpu, k)
}
