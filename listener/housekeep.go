package listener

import (
	"context"
	"errors"
	"fmt"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// housekeep runs the periodic work until stop ends: command timeouts and
// retries, the offline sweep, the gap detector and journal flushes. work is
// the context of the work it starts (gap queries); it ends with the service.
func (s *Server) housekeep(work, stop context.Context) {
	tick := time.NewTicker(s.tim.Tick)
	defer tick.Stop()
	lastFlush, lastReload, lastLog := s.Now(), s.Now(), s.Now()
	var logged Stats
	for {
		select {
		case <-stop.Done():
			return
		case <-tick.C:
		}
		now := s.Now()
		s.cmds.tick(now)
		for _, job := range s.state.sweep(now) {
			s.checkGap(work, job)
		}
		for _, p := range s.splits.tick(now) {
			s.askAgain(work, p)
		}
		if now.Sub(lastReload) >= s.tim.RegistryTTL {
			lastReload = now
			if err := s.dir.reload(work); err != nil {
				s.log.Error("reload registry", "err", err)
			}
		}
		if now.Sub(lastLog) >= statsLogEvery {
			lastLog = now
			logged = s.logStats(logged)
		}
		if now.Sub(lastFlush) >= s.tim.FlushEvery {
			lastFlush = now
			s.flush(work)
		}
	}
}

// flush writes terminal states, events, quarantine and command changes to
// the Journal. What fails to be written is logged; state is written again on
// its next change, events and quarantine counts of a failed flush are lost.
func (s *Server) flush(ctx context.Context) {
	if err := s.Flush(ctx); err != nil {
		s.log.Error("write listener journal", "err", err)
	}
}

// maxGapPulls bounds the history pulls one outage produces; more gaps than
// this are asked for as one pull over their whole span.
const maxGapPulls = 8

// checkGap is the gap detector: once per outage, after the terminal had
// GapDelay to re-send its cache, it asks for the slots still missing.
func (s *Server) checkGap(ctx context.Context, job gapJob) {
	from := job.from.Add(job.step)
	to := job.to.Add(-job.step).Truncate(time.Second)
	if !to.After(from) {
		return
	}
	ranges := [][2]time.Time{{from, to}}
	if s.Gaps != nil {
		slots, err := s.Gaps.MissingSlots(ctx, job.mn, from, to, job.step)
		if err != nil {
			s.log.Error("gap detector", "mn", job.mn, "err", err)
			return
		}
		ranges = slotRanges(slots, job.step)
	}
	if len(ranges) == 0 {
		s.state.record(job.mn, store.EventGapRequest, s.Now(), "no slot missing between %s and %s", n14(from), n14(to))
		return
	}
	if len(ranges) > maxGapPulls {
		ranges = [][2]time.Time{{ranges[0][0], ranges[len(ranges)-1][1]}}
	}
	for _, r := range ranges {
		c, err := HistoryPull(job.mn, job.cn, r[0], r[1].Add(time.Second))
		if err != nil {
			s.log.Error("gap detector", "mn", job.mn, "err", err)
			return
		}
		c.Origin = "gap"
		if job.cn == hj212.CNRealtime {
			c.ST = "44"
		}
		c, err = s.EnqueueCommand(ctx, c)
		if err != nil {
			s.log.Error("gap detector", "mn", job.mn, "err", err)
			return
		}
		s.state.record(job.mn, store.EventGapRequest, s.Now(), "asked for %s–%s (CN %s, command #%d)", n14(r[0]), n14(r[1]), job.cn, c.ID)
	}
}

// slotRanges joins consecutive slots (step apart) into [first, last] ranges.
func slotRanges(slots []time.Time, step time.Duration) [][2]time.Time {
	var out [][2]time.Time
	for _, t := range slots {
		if n := len(out); n > 0 && t.Sub(out[n-1][1]) <= step {
			out[n-1][1] = t
			continue
		}
		out = append(out, [2]time.Time{t, t})
	}
	return out
}

func n14(t time.Time) string { return hj212.FormatN14(t) }

// record adds an event for mn.
func (t *tracker) record(mn, kind string, at time.Time, format string, a ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.event(mn, kind, at, format, a...)
}

// Flush writes what the listener holds in memory (terminal states, events,
// quarantine, command changes) to the Journal now.
func (s *Server) Flush(ctx context.Context) error {
	s.init()
	states, events := s.state.take()
	if err := errors.Join(
		s.Journal.SaveTerminalStates(ctx, states),
		s.Journal.AddTerminalEvents(ctx, events),
		s.Journal.AddQuarantined(ctx, s.quar.take()),
		s.flushCommands(ctx),
		s.flushSplits(ctx),
	); err != nil {
		return fmt.Errorf("flush listener journal: %w", err)
	}
	return nil
}

// flushSplits tells the SplitJournal which messages are done, at a few
// flushes in a row, since the parts of a message may reach the tables after
// it was assembled (the store moves its inbox in later). A part that reaches
// them later still is joined again after a restart: its values are the same,
// so nothing changes, and it is forgotten then.
func (s *Server) flushSplits(ctx context.Context) error {
	sj, ok := s.Journal.(SplitJournal)
	if !ok {
		return nil
	}
	return sj.DoneSplitParts(ctx, s.splits.doneKeys())
}

// statsLogEvery is how often the counters are logged (when they changed), so
// refusals and rejected packets are visible in the log file too.
const statsLogEvery = 5 * time.Minute

func (s *Server) logStats(prev Stats) Stats {
	st := s.Stats()
	cur, old := st, prev
	cur.Open, cur.Identified, cur.CommitTime = 0, 0, 0
	old.Open, old.Identified, old.CommitTime = 0, 0, 0
	if cur == old {
		return st
	}
	s.log.Info("listener stats", "open", st.Open, "identified", st.Identified, "uploads", st.Uploads, "acked", st.Acked,
		"record_errors", st.RecordErrs, "bad_frames", st.BadFrames, "quarantined", st.Quarantined,
		"unknown_cn", st.UnknownCN, "refused_max_conns", st.RefusedMaxConns, "evicted_unidentified", st.EvictedUnidentified,
		"closed_idle", st.ClosedIdle, "closed_frame_timeout", st.ClosedFrameTimeout, "closed_slow_reader", st.ClosedSlowReader,
		"closed_bad_data", st.ClosedBadData, "closed_write_error", st.ClosedWriteError, "panics", st.Panics)
	return st
}
