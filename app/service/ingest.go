package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"powerwatch/listener"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// ingest is the listener's Recorder: one group-commit batch of uploads
// becomes one store.Batch (raw packets, point samples, outbox rows) appended
// durably to the database's inbox. The listener acknowledges the uploads when
// Record returns nil; the indexer moves the batch into the tables soon after.
type ingest struct {
	db interface {
		Append(ctx context.Context, b *store.Batch) error
	}
	uplink   func() []string // the HJ 212 upstream targets now: each upload is queued for each
	appended func()          // when set, called after each append (wakes the indexer; never blocks)
	// values decides which values are impossible (config, factor
	// dictionary, rated power); they are stored only in the raw frame.
	values store.ValuePolicy
	limits sync.Map // limitKey → store.SampleLimits: the dictionary's pattern scan once per point
	// rejected, when set, hears of each upload with values rejected at the
	// door (logged by the service); it must not block.
	rejected func(mn string, reasons []string)
}

// lateBy is how long after its slot a value may arrive and still count as
// live (the Beijing guideline: within 5 minutes).
const lateBy = 5 * time.Minute

// Record makes batch durable.
func (in *ingest) Record(ctx context.Context, batch []*listener.Upload) error {
	b := &store.Batch{Packets: make([]store.RawPacket, 0, len(batch))}
	var targets []string
	if in.uplink != nil {
		targets = in.uplink()
	}
	for _, u := range batch {
		p := u.Packet
		dt, _ := p.DataTime()
		if !u.Part { // a part's values come with its whole message (Assembled)
			samples := listener.Readings(p, u.Terminal.Points)
			in.check(u, samples)
			var flags uint8
			if late(u, dt) {
				flags |= store.FlagBackfill
			}
			if u.Incomplete {
				flags |= store.FlagIncomplete
			}
			for i := range samples {
				samples[i].Flags |= flags
			}
			b.Samples = append(b.Samples, samples...)
		}
		if u.Assembled {
			continue // its frames are its parts', stored (and relayed) as they came
		}
		frame := trimEOL([]byte(p.Raw()))
		b.Packets = append(b.Packets, store.RawPacket{MN: p.MN, ST: p.ST, CN: p.CN, QN: p.QN, DataTime: dt,
			ReceivedAt: u.ReceivedAt, CRCOK: listener.FrameCRCOK(frame), Frame: frame})
		for _, t := range targets {
			b.Outbox = append(b.Outbox, store.OutboxItem{Target: t, Kind: "hj212", Key: p.MN, Payload: frame, CreatedAt: u.ReceivedAt,
				Packet: len(b.Packets)}) // a re-send of a stored packet is not relayed again
		}
	}
	if err := in.db.Append(ctx, b); err != nil {
		return err
	}
	if in.appended != nil {
		in.appended()
	}
	return nil
}

// check applies the value limits of each sample's point: an impossible
// value becomes Missing with store.FlagRejected and never reaches arithmetic;
// the raw frame keeps it as sent.
func (in *ingest) check(u *listener.Upload, samples []store.Sample) {
	var reasons []string
	for i := range samples {
		s := &samples[i]
		pt, ok := pointByID(u.Terminal.Points, s.PointID)
		if !ok {
			continue
		}
		why := in.limitsOf(pt, u.Terminal.RatedKW[pt.FacilityID]).Check(s)
		if s.Flags&store.FlagRejected != 0 && len(why) == 0 {
			why = []string{"a value that is not a finite number (Inf, NaN)"}
		}
		for _, w := range why {
			reasons = append(reasons, pt.Name+": "+w)
		}
	}
	if len(reasons) > 0 && in.rejected != nil {
		in.rejected(u.Packet.MN, reasons)
	}
}

// limitKey is what a point's limits depend on: an edited point or rating is a new key.
type limitKey struct {
	pt    store.Point
	rated float64
}

func (in *ingest) limitsOf(pt store.Point, rated float64) store.SampleLimits {
	k := limitKey{pt, rated}
	if l, ok := in.limits.Load(k); ok {
		return l.(store.SampleLimits)
	}
	l := in.values.Limits(pt, rated)
	in.limits.Store(k, l)
	return l
}

func pointByID(pts []store.Point, id int64) (store.Point, bool) {
	for _, p := range pts {
		if p.ID == id {
			return p, true
		}
	}
	return store.Point{}, false
}

// late reports whether an upload arrived after its slot's deadline: DataTime
// plus one interval (minute and hour data are stamped with the period start)
// plus the 5 minutes the guideline allows.
func late(u *listener.Upload, dt time.Time) bool {
	if dt.IsZero() {
		return false
	}
	iv := u.Terminal.Terminal.RtdInterval
	if u.Packet.CN != "2011" || iv == 0 {
		iv = max(u.Terminal.Terminal.MinInterval, 5*time.Minute)
	}
	return u.ReceivedAt.Sub(dt) > iv+lateBy
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// directory is the listener's Directory over the registry tables.
type directory struct{ db *sqlite.DB }

// Lookup returns the terminal mn and its points; store.ErrNotFound when unregistered.
func (r directory) Lookup(ctx context.Context, mn string) (*listener.Registration, error) {
	t, err := r.db.TerminalByMN(ctx, mn)
	if err != nil {
		return nil, err
	}
	pts, err := r.db.PointsByTerminal(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("points of %s: %w", mn, err)
	}
	fs, err := r.db.FacilitiesByEnterprise(ctx, t.EnterpriseID)
	if err != nil {
		return nil, fmt.Errorf("facilities of %s: %w", mn, err)
	}
	return &listener.Registration{Terminal: t, Points: pts, RatedKW: ratedKW(fs)}, nil
}

// ratedKW maps facility IDs to their rated power, for the ingest's check.
func ratedKW(fs []store.Facility) map[int64]float64 {
	m := make(map[int64]float64, len(fs))
	for _, f := range fs {
		m[f.ID] = f.RatedKW
	}
	return m
}

// gaps is the listener's GapFinder over the raw packets.
type gaps struct{ db *sqlite.DB }

// MissingSlots returns the slots of [from, to) for which mn sent no packet.
func (g gaps) MissingSlots(ctx context.Context, mn string, from, to time.Time, step time.Duration) ([]time.Time, error) {
	ps, err := g.db.RawPackets(ctx, mn, from, to)
	if err != nil {
		return nil, err
	}
	have := map[int64]bool{}
	for _, p := range ps {
		have[p.DataTime.Truncate(step).UnixMilli()] = true
	}
	var out []time.Time
	for t := from.Truncate(step); t.Before(to); t = t.Add(step) {
		if !t.Before(from) && !have[t.UnixMilli()] {
			out = append(out, t)
		}
	}
	return out, nil
}

// All returns every registered terminal with its points, for the listener's
// registry cache.
func (r directory) All(ctx context.Context) ([]*listener.Registration, error) {
	ts, err := r.db.FindTerminals(ctx, store.TerminalFilter{})
	if err != nil {
		return nil, err
	}
	ps, err := r.db.FindPoints(ctx, store.PointFilter{})
	if err != nil {
		return nil, err
	}
	fs, err := r.db.FindFacilities(ctx, store.FacilityFilter{})
	if err != nil {
		return nil, err
	}
	rated := ratedKW(fs) // shared read-only by every registration
	byID := make(map[int64]*listener.Registration, len(ts))
	out := make([]*listener.Registration, 0, len(ts))
	for _, t := range ts {
		reg := &listener.Registration{Terminal: t, RatedKW: rated}
		byID[t.ID] = reg
		out = append(out, reg)
	}
	for _, p := range ps {
		if reg := byID[p.TerminalID]; reg != nil {
			reg.Points = append(reg.Points, p)
		}
	}
	return out, nil
}

// journal is the listener's Journal: the listener's own tables, and each
// saved terminal state also refreshes the registry's last seen, address and
// protocol (terminals table), which the registry screens show.
type journal struct{ *sqlite.DB }

// SaveTerminalStates saves states and touches the registry's terminals.
func (j journal) SaveTerminalStates(ctx context.Context, states []store.TerminalState) error {
	if err := j.DB.SaveTerminalStates(ctx, states); err != nil {
		return err
	}
	for _, s := range states {
		if s.LastSeen.IsZero() {
			continue
		}
		err := j.TouchTerminal(ctx, s.MN, s.LastSeen, s.RemoteAddr, s.Protocol)
		if err != nil && !errors.Is(err, store.ErrNotFound) { // removed from the registry meanwhile
			return err
		}
	}
	return nil
}
