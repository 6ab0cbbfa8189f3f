package listener

import (
	"time"

	"powerwatch/listener/hj212"
)

// Limits bound what one client, or all of them, may cost. Zero fields take the
// defaults documented on each; a negative value disables a limit where noted.
type Limits struct {
	// MaxConns is the most connections open at once; 0 means 10,000. Only
	// when all of them are identified terminals is a new one refused.
	MaxConns int
	// MaxConnsPerIP is the most connections from one address that have not yet
	// identified themselves with a registered MN; 0 means 1,000. Mobile carriers
	// put many terminals behind one NAT address, so a connection stops counting
	// as soon as its first valid packet identifies a registered terminal.
	MaxConnsPerIP int
	// MaxUnidentified is the most connections from all addresses that have
	// not yet identified themselves; 0 means 2,000. At this limit, as at
	// MaxConnsPerIP and at MaxConns, the oldest unidentified connection is
	// dropped to admit a new one, so a flood of idle connections never locks
	// terminals out (admit.go).
	MaxUnidentified int
	// MaxFrame is the longest frame accepted, in bytes; 0 means hj212.DefaultMaxFrame.
	MaxFrame int
	// IdleTimeout closes a connection silent that long; 0 means 15 minutes.
	IdleTimeout time.Duration
	// FrameTimeout is how long a frame may take to arrive once its first byte
	// did; 0 means 30 s. It is a deadline per frame, not per read, so a
	// client that trickles one byte at a time is still cut off.
	FrameTimeout time.Duration
	// WriteTimeout bounds each write to a client; 0 means 30 s.
	WriteTimeout time.Duration
	// MaxInFlight is how many uploads of one connection may wait for their
	// commit; the connection is not read further until one is done. 0 means 256.
	MaxInFlight int
	// WriteQueue is how many replies may wait for a slow reader before its
	// connection is closed; 0 means 512.
	WriteQueue int
	// MaxBadFrames is how many bad frames in a row close a connection; 0 means 1,000.
	MaxBadFrames int
	// MaxQuarantine is how many distinct (MN, reason) entries are kept in memory
	// between flushes; further ones are only counted. 0 means 10,000.
	MaxQuarantine int

	// Incomplete split uploads (their parts are stored, acknowledged and
	// never purged) are bounded per terminal, in total and in bytes; at a cap
	// a part that would start another one is not acknowledged, so the
	// terminal sends it again later. MaxSplitPerTerminal: 0 means 16.
	MaxSplitPerTerminal int
	// MaxSplitTotal: 0 means 10,000.
	MaxSplitTotal int
	// MaxSplitBytes is the most bytes of parts held; 0 means 64 MiB.
	MaxSplitBytes int
	// SplitMaxAge is how long a split upload may wait for its missing parts;
	// then it is closed and the values of the parts received go to the
	// readings marked incomplete. 0 means 24 hours.
	SplitMaxAge time.Duration
}

// Timing holds the protocol's and the service's intervals. Zero fields take the
// defaults documented on each.
type Timing struct {
	// MaxBatch is the most uploads one transaction holds; 0 means 10,000.
	// Under a backlog (a backfill storm) larger batches share the per-point
	// aggregate work of the store among more packets.
	MaxBatch int
	// BatchDelay is how long the committer waits for more uploads when fewer
	// than 64 are waiting; 0 means 10 ms, negative means not at all.
	BatchDelay time.Duration
	// DefaultInterval is a terminal's upload interval when it is neither
	// configured nor observed yet; 0 means 5 minutes (the Beijing guideline).
	DefaultInterval time.Duration
	// OfflineGrace is added to two intervals before a silent terminal counts as
	// offline; 0 means 2 minutes.
	OfflineGrace time.Duration
	// DriftLimit is the clock drift (DataTime − receive time) beyond which a
	// drift event is recorded; 0 means 60 s.
	DriftLimit time.Duration
	// CommandTimeout is the standard's OverTime, how long to wait for a 9011
	// before sending again; 0 means 10 s (HJ212-2017 Table 1, GPRS/4G). A
	// terminal's own value, set with CN 1000, takes precedence.
	CommandTimeout time.Duration
	// CommandRetries is the standard's ReCount; 0 means 3.
	CommandRetries int
	// ExecTimeout is how long to wait for the 9012 after a 9011 accepted the
	// command; history pulls can take long. 0 means 10 minutes.
	ExecTimeout time.Duration
	// GapDelay is how long after a terminal comes back online the gap detector
	// waits (for the terminal's own backfill) before it asks for what is still
	// missing; 0 means 15 minutes.
	GapDelay time.Duration
	// Tick is the period of housekeeping (command timeouts, offline sweep);
	// 0 means 1 s.
	Tick time.Duration
	// FlushEvery is how often terminal state, events and quarantine are
	// written to the journal; 0 means 10 s.
	FlushEvery time.Duration
	// SplitAskAfter is how long a split upload may miss parts before they are
	// asked for again with a history pull; 0 means 10 minutes.
	SplitAskAfter time.Duration
	// RegistryTTL is how long a registry lookup is cached; 0 means 1 minute.
	// Invalidate drops entries at once when the registry changes.
	RegistryTTL time.Duration
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDur(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// withDefaults returns l with every zero field set to its default.
func (l Limits) withDefaults() Limits {
	l.MaxConns = orInt(l.MaxConns, 10000)
	l.MaxConnsPerIP = orInt(l.MaxConnsPerIP, 1000)
	l.MaxUnidentified = orInt(l.MaxUnidentified, 2000)
	l.MaxFrame = orInt(l.MaxFrame, hj212.DefaultMaxFrame)
	l.IdleTimeout = orDur(l.IdleTimeout, 15*time.Minute)
	l.FrameTimeout = orDur(l.FrameTimeout, 30*time.Second)
	l.WriteTimeout = orDur(l.WriteTimeout, 30*time.Second)
	l.MaxInFlight = orInt(l.MaxInFlight, 256)
	l.WriteQueue = orInt(l.WriteQueue, 512)
	l.MaxBadFrames = orInt(l.MaxBadFrames, 1000)
	l.MaxQuarantine = orInt(l.MaxQuarantine, 10000)
	l.MaxSplitPerTerminal = orInt(l.MaxSplitPerTerminal, 16)
	l.MaxSplitTotal = orInt(l.MaxSplitTotal, 10000)
	l.MaxSplitBytes = orInt(l.MaxSplitBytes, 64<<20)
	l.SplitMaxAge = orDur(l.SplitMaxAge, 24*time.Hour)
	return l
}

// withDefaults returns t with every zero field set to its default.
func (t Timing) withDefaults() Timing {
	t.MaxBatch = orInt(t.MaxBatch, 10000)
	t.BatchDelay = orDur(t.BatchDelay, 10*time.Millisecond)
	t.DefaultInterval = orDur(t.DefaultInterval, 5*time.Minute)
	t.OfflineGrace = orDur(t.OfflineGrace, 2*time.Minute)
	t.DriftLimit = orDur(t.DriftLimit, 60*time.Second)
	t.CommandTimeout = orDur(t.CommandTimeout, 10*time.Second)
	t.CommandRetries = orInt(t.CommandRetries, 3)
	t.ExecTimeout = orDur(t.ExecTimeout, 10*time.Minute)
	t.GapDelay = orDur(t.GapDelay, 15*time.Minute)
	t.Tick = orDur(t.Tick, time.Second)
	t.FlushEvery = orDur(t.FlushEvery, 10*time.Second)
	t.RegistryTTL = orDur(t.RegistryTTL, time.Minute)
	t.SplitAskAfter = orDur(t.SplitAskAfter, 10*time.Minute)
	return t
}
