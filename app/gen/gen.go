// Package gen generates a realistic district — registry rows and 5-minute
// readings of its points — directly into a database, for the benchmarks and
// the desktop app's demo, instead of checking big files in.
//
// Enterprises work in one of three schedules (continuous, two shifts with
// Sundays off, day shift with weekends off and a lunch dip); each production
// facility is followed by a treatment unit that starts before it and stops
// after it; a few enterprises switch treatment off for an hour or three while
// producing (the violations, listed in the Summary); some terminals lose many
// slots for a month; now and then an energy meter is replaced (counter reset).
// The same Seed gives the same district.
package gen

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// Config describes the district to generate.
type Config struct {
	Points int // monitoring points; 0 means 2,000 (the district scale)
	Days   int // days of readings; 0 means 365
	// End: readings stop before this Beijing day; zero means today. They
	// never go past the database's clock (DB.Now), and the days the nightly
	// compaction would not have packed yet by then (yesterday and today) stay
	// in the live tier, so that a district generated up to tomorrow looks like
	// a database in use today.
	End  time.Time
	Seed uint64
	Raw  bool // also generate and store the raw HJ 212 frames (slower)
	// Hot leaves the readings in the live tier instead of packing them per day.
	Hot bool
	// DayStride > 1 generates readings only for every DayStride-th day, as if
	// the terminals were off in between: a long range with the same number of
	// aggregate rows per point and month, quickly (benchmarks of statistics).
	DayStride int
	// Progress, when set, is called after each day with the number done.
	Progress func(done, total int)
}

// A Violation is a generated episode of treatment off while production ran.
type Violation struct {
	Enterprise string
	Production string
	Treatment  string
	Start, End time.Time
}

// Summary says what Generate wrote.
type Summary struct {
	Enterprises, Terminals, Points int
	From, To                       time.Time
	Samples, Packets               int
	Violations                     []Violation
}

// batchDays is how many days of a chunk of enterprises go into one batch.
const batchDays = 7

// chunkPoints is about how many points go into one batch.
const chunkPoints = 100

// Generate writes a district into db, which should be empty of registry rows.
func Generate(ctx context.Context, db *sqlite.DB, cfg Config) (Summary, error) {
	if cfg.Points <= 0 {
		cfg.Points = 2000
	}
	if cfg.Days <= 0 {
		cfg.Days = 365
	}
	now := db.Now()
	if cfg.End.IsZero() {
		cfg.End = now
	}
	end := store.Day.Start(cfg.End)
	start := end.AddDate(0, 0, -cfg.Days)
	packed := store.Day.Start(now).AddDate(0, 0, -1) // what Compact(now − 1 day) leaves
	if end.Before(packed) {
		packed = end
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	ents := buildDistrict(rng, cfg.Points, cfg.Days)
	if err := writeRegistry(ctx, db.SQL(), ents, start); err != nil {
		return Summary{}, fmt.Errorf("generate registry: %w", err)
	}
	packedDays := 0
	if !cfg.Hot {
		// The days before packed are stored as day blobs at once, as the
		// nightly compaction leaves a year of history.
		if _, err := db.Compact(ctx, packed); err != nil {
			return Summary{}, fmt.Errorf("generate: %w", err)
		}
		packedDays = min(max(int(packed.Sub(start)/(24*time.Hour)), 0), cfg.Days)
	}
	sum := Summary{Enterprises: len(ents), Points: cfg.Points, From: start, To: end}
	for _, e := range ents {
		sum.Terminals += len(e.mns)
	}
	g := &generator{cfg: cfg, ents: ents, start: start, until: now, packedDays: packedDays, counters: map[int64]float64{}}
	for i := range ents {
		for _, f := range ents[i].facilities {
			g.counters[f.point] = float64(1000 + rng.IntN(90000))
		}
	}
	// Packed days are written as whole blobs (LoadDays) instead of being
	// merged into the packed tier one late slot at a time (Ingest); live days
	// go through Ingest. The next batch is generated while the store writes
	// this one.
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan genBatch, 1)
	var genErr error
	go func() {
		defer close(batches)
		genErr = g.produce(gctx, batches, &sum)
	}()
	var err error
	for gb := range batches {
		if err != nil {
			continue // draining after a failure
		}
		load := db.Ingest
		if gb.packed {
			load = db.LoadDays
		}
		if len(gb.b.Samples)+len(gb.b.Packets) > 0 {
			if _, err = load(ctx, &gb.b); err != nil {
				err = fmt.Errorf("generate days %d–%d: %w", gb.from, gb.to-1, err)
				cancel()
				continue
			}
		}
		if gb.done > 0 && cfg.Progress != nil {
			cfg.Progress(gb.done, cfg.Days)
		}
	}
	if err == nil {
		err = genErr
	}
	if err == nil && !cfg.Hot {
		// LoadDays keeps the packed days' hour rows until a compaction drops
		// them (their hours are folded from the series on demand), as the
		// nightly job does on a file in use.
		if _, err = db.Compact(ctx, packed); err != nil {
			err = fmt.Errorf("generate: drop the hour rows of packed days: %w", err)
		}
	}
	return sum, err
}

// A genBatch is a chunk of enterprises over days [from, to), packed days
// or live ones. done, when not 0, is the number of days complete once it is
// stored.
type genBatch struct {
	b        store.Batch
	from, to int
	packed   bool
	done     int
}

// produce generates the readings batch by batch into out.
func (g *generator) produce(ctx context.Context, out chan<- genBatch, sum *Summary) error {
	for d := 0; d < g.cfg.Days; {
		n := min(batchDays, g.cfg.Days-d)
		if d < g.packedDays {
			n = min(n, g.packedDays-d) // a batch is all packed days or all live ones
		}
		if err := g.days(ctx, out, d, n, sum); err != nil {
			return err
		}
		d += n
	}
	return nil
}

type generator struct {
	cfg        Config
	ents       []enterprise
	start      time.Time
	until      time.Time // no readings from here on: the database's now
	packedDays int       // days [0, packedDays) go into the packed tier
	counters   map[int64]float64
}

// days generates days [d, d+n) chunk by chunk of enterprises.
func (g *generator) days(ctx context.Context, out chan<- genBatch, d, n int, sum *Summary) error {
	var last *genBatch // held back to carry the progress of the days
	for lo := 0; lo < len(g.ents); {
		hi, pts := lo, 0
		for hi < len(g.ents) && pts < chunkPoints {
			pts += len(g.ents[hi].facilities)
			hi++
		}
		gb := genBatch{from: d, to: d + n, packed: d < g.packedDays}
		for day := d; day < d+n; day++ {
			if g.cfg.DayStride > 1 && day%g.cfg.DayStride != 0 {
				continue
			}
			for i := lo; i < hi; i++ {
				if err := g.enterpriseDay(&g.ents[i], day, &gb.b, sum); err != nil {
					return err
				}
			}
		}
		lo = hi
		if len(gb.b.Samples) == 0 && len(gb.b.Packets) == 0 {
			continue
		}
		sum.Samples += len(gb.b.Samples)
		sum.Packets += len(gb.b.Packets)
		if last != nil {
			if err := send(ctx, out, *last); err != nil {
				return err
			}
		}
		last = &gb
	}
	if last == nil { // nothing generated (DayStride): report the days all the same
		last = &genBatch{from: d, to: d + n, packed: d < g.packedDays}
	}
	last.done = d + n
	return send(ctx, out, *last)
}

func send(ctx context.Context, out chan<- genBatch, gb genBatch) error {
	select {
	case out <- gb:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// enterpriseDay appends one enterprise-day of samples (and frames) to b.
func (g *generator) enterpriseDay(e *enterprise, day int, b *store.Batch, sum *Summary) error {
	date := g.start.AddDate(0, 0, day)
	h := fnv.New64a()
	h.Write([]byte(e.name + strconv.Itoa(day)))
	rng := rand.New(rand.NewPCG(g.cfg.Seed, h.Sum64()))
	// About one enterprise in 17. (len(e.name)%17 picked none: the names'
	// byte lengths are 24 plus a multiple of 3.)
	vh := fnv.New32a()
	vh.Write([]byte(e.name))
	violator := vh.Sum32()%17 == 0
	p := planDay(rng, e, day, date, violator)
	for _, w := range p.illegal {
		f := e.facilities[w.facility]
		sum.Violations = append(sum.Violations, Violation{Enterprise: e.name, Production: e.facilities[f.treats].name,
			Treatment: f.name, Start: date.Add(time.Duration(w.start) * 5 * time.Minute), End: date.Add(time.Duration(w.end) * 5 * time.Minute)})
	}
	for i := range e.facilities {
		if e.facilities[i].meterSwapAt == day {
			g.counters[e.facilities[i].point] = 0
		}
	}
	vals := make([]reading, len(e.facilities))
	for k := range slotsPerDay {
		at := date.Add(time.Duration(k) * 5 * time.Minute)
		if !at.Before(g.until) {
			break
		}
		for i := range e.facilities {
			f := &e.facilities[i]
			c := g.counters[f.point]
			vals[i] = sampleAt(rng, f, e.schedule, k, p.on[i][k], &c)
			g.counters[f.point] = c
		}
		for t := range e.mns {
			if p.lost[t][k] {
				continue
			}
			for i, v := range vals {
				if e.facilities[i].term == t {
					s := store.Sample{PointID: e.facilities[i].point, At: at, P: v.p, I: v.i, U: v.u, E: v.e, PF: v.pf}
					b.Samples = append(b.Samples, s)
				}
			}
			if g.cfg.Raw {
				pk, err := frame(rng, e, t, at, vals)
				if err != nil {
					return err
				}
				b.Packets = append(b.Packets, pk)
			}
		}
	}
	return nil
}

// frame builds the HJ 212-2025 ST=44 real-time upload terminal t of e sends
// for slot at.
func frame(rng *rand.Rand, e *enterprise, t int, at time.Time, vals []reading) (store.RawPacket, error) {
	recv := at.Add(time.Duration(2000+rng.IntN(15000)) * time.Millisecond)
	mn := e.mns[t]
	pk := &hj212.Packet{QN: hj212.NewQN(recv.Add(-time.Second)), ST: "44", CN: "2011", PW: e.pw, MN: mn,
		Flag: hj212.FlagFor(hj212.Version2025, true, false)}
	pk.Add("DataTime", hj212.FormatN14(at))
	for i, v := range vals {
		if e.facilities[i].term != t {
			continue
		}
		c := e.facilities[i].codes
		pk.Add(c[0]+"-Rtd", strconv.FormatFloat(v.p, 'f', 3, 64)).Add(c[0]+"-Flag", "N")
		pk.Add(c[1]+"-Rtd", strconv.FormatFloat(v.i, 'f', 2, 64))
		pk.Add(c[2]+"-Rtd", strconv.FormatFloat(v.u, 'f', 1, 64))
		pk.Add(c[3]+"-Rtd", strconv.FormatFloat(v.e, 'f', 2, 64))
		pk.Add(c[4]+"-Rtd", strconv.FormatFloat(v.pf, 'f', 3, 64))
	}
	raw, err := pk.Encode()
	if err != nil {
		return store.RawPacket{}, fmt.Errorf("frame of %s at %s: %w", mn, at, err)
	}
	return store.RawPacket{MN: mn, ST: "44", CN: "2011", QN: pk.QN, DataTime: at, ReceivedAt: recv, CRCOK: true,
		Frame: raw[:len(raw)-2]}, nil
}
