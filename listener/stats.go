package listener

import (
	"sync/atomic"
	"syscall"
	"time"
)

var errTooManyFiles = syscall.EMFILE

// counters are the server's monotonic counts, updated without locks.
type counters struct {
	accepted, refusedMaxConns, refusedPerIP                         atomic.Uint64
	closedIdle, closedFrameTimeout, closedSlowReader, closedBadData atomic.Uint64
	closedWriteError, panics                                        atomic.Uint64
	frames, badFrames, oversize                                     atomic.Uint64
	uploads, acked, recordErrors, batches                           atomic.Uint64
	quarantined, quarantineDropped, unknownCN                       atomic.Uint64
	commandsSent, commandReplies                                    atomic.Uint64
	splitRefused, rejectedRegistered                                atomic.Uint64
	commitNanos                                                     atomic.Int64
	evictedUnidentified                                             atomic.Uint64
}

// Stats is a snapshot of what the server has done since it started. Every
// refused connection, closed connection and rejected packet is counted.
type Stats struct {
	Open       int // connections open now
	Identified int // of which a registered terminal identified itself

	Accepted        uint64 // connections admitted
	RefusedMaxConns uint64 // refused: Limits.MaxConns reached with every connection identified
	RefusedPerIP    uint64 // no longer happens: see EvictedUnidentified
	// EvictedUnidentified counts unidentified connections dropped, oldest
	// first, to admit new ones at MaxConnsPerIP, MaxUnidentified or MaxConns.
	EvictedUnidentified uint64
	ClosedIdle          uint64 // closed: silent for Limits.IdleTimeout
	ClosedFrameTimeout  uint64 // closed: a frame did not arrive whole within Limits.FrameTimeout (slowloris)
	ClosedSlowReader    uint64 // closed: replies piled up past Limits.WriteQueue
	ClosedBadData       uint64 // closed: Limits.MaxBadFrames bad frames in a row
	ClosedWriteError    uint64 // closed: a write failed or timed out
	Panics              uint64 // connections ended by a recovered panic

	Frames     uint64        // frames that parsed
	BadFrames  uint64        // byte runs or frames rejected by the codec (CRC, length, framing, syntax)
	Oversize   uint64        // of BadFrames: over Limits.MaxFrame
	Uploads    uint64        // uploads handed to the Recorder
	Acked      uint64        // 9014 sent after a durable commit
	Batches    uint64        // transactions committed
	CommitTime time.Duration // total time spent in Recorder.Record: the single writer's load
	RecordErrs uint64        // batches the Recorder failed (nothing acknowledged)

	Quarantined       uint64 // packets of unregistered MNs or with a wrong password
	QuarantineDropped uint64 // quarantined packets not kept because the in-memory list was full
	UnknownCN         uint64 // packets with a CN the listener does not handle (connection kept)
	CommandsSent      uint64 // command frames written, retries included
	CommandReplies    uint64 // 9011/9012 received for a known command

	// SplitRefused counts parts of split uploads not acknowledged because
	// the incomplete split uploads were at a cap (Limits.MaxSplit…).
	SplitRefused uint64
	// RejectedRegistered counts rejected frames naming a registered MN
	// (shown on the terminal's page with the reason).
	RejectedRegistered uint64
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.init()
	s.mu.Lock()
	open, ident := len(s.conns), 0
	for c := range s.conns {
		if c.ident.Load() {
			ident++
		}
	}
	s.mu.Unlock()
	k := &s.stats
	return Stats{
		Open: open, Identified: ident,
		Accepted: k.accepted.Load(), RefusedMaxConns: k.refusedMaxConns.Load(), RefusedPerIP: k.refusedPerIP.Load(),
		ClosedIdle: k.closedIdle.Load(), ClosedFrameTimeout: k.closedFrameTimeout.Load(),
		ClosedSlowReader: k.closedSlowReader.Load(), ClosedBadData: k.closedBadData.Load(),
		ClosedWriteError: k.closedWriteError.Load(), Panics: k.panics.Load(),
		Frames: k.frames.Load(), BadFrames: k.badFrames.Load(), Oversize: k.oversize.Load(),
		Uploads: k.uploads.Load(), Acked: k.acked.Load(),
		Batches: k.batches.Load(), RecordErrs: k.recordErrors.Load(), CommitTime: time.Duration(k.commitNanos.Load()),
		Quarantined: k.quarantined.Load(), QuarantineDropped: k.quarantineDropped.Load(), UnknownCN: k.unknownCN.Load(),
		CommandsSent: k.commandsSent.Load(), CommandReplies: k.commandReplies.Load(),
		SplitRefused: k.splitRefused.Load(), RejectedRegistered: k.rejectedRegistered.Load(),
		EvictedUnidentified: k.evictedUnidentified.Load(),
	}
}
