package store

import "time"

// TerminalState is what the listener knows about a terminal's connection,
// kept across restarts so that offline detection and the gap detector still
// know when the terminal was last heard.
type TerminalState struct {
	MN          string
	Online      bool
	LastSeen    time.Time // receive time of the last packet
	LastData    time.Time // newest DataTime of an upload
	RemoteAddr  string
	Protocol    string        // 2005, 2017, 2025 as last seen
	Drift       time.Duration // DataTime of a real-time upload − receive time
	Interval    time.Duration // observed spacing of real-time uploads
	ConnectedAt time.Time
	// OutageFrom is the last DataTime before the terminal went offline; zero
	// when there is no outage whose gaps are still to be asked for.
	OutageFrom time.Time
	// Rejected counts frames naming this MN that the listener rejected (bad
	// CRC, a segment it cannot read); RejectReason is the newest reason, in
	// words, and RejectedAt when it came.
	Rejected     int64
	RejectReason string
	RejectedAt   time.Time
	// Incomplete is how many split uploads of the terminal wait for parts.
	Incomplete int
}

// Terminal event kinds.
const (
	EventConnect    = "connect"
	EventDisconnect = "disconnect"
	EventOnline     = "online"
	EventOffline    = "offline"
	EventDrift      = "drift"
	EventInterval   = "interval"
	EventCommand    = "command"
	EventGapRequest = "gap_request"
	EventRejected   = "rejected"         // a frame naming the MN was rejected; Detail says why
	EventSplit      = "split_incomplete" // a split upload still misses parts, or expired without them
)

// TerminalEventFilter selects terminal events; zero fields match everything.
type TerminalEventFilter struct {
	MN       string
	Kinds    []string
	From, To time.Time // [From, To)
	Limit    int
}

// A ServiceRun is a span during which the receiving service (serve or the
// desktop app) ran and listened: from Start to its last heartbeat Alive. The
// run of the service now running has a zero Alive when handed to the rules
// (it is still listening).
type ServiceRun struct {
	ID           int64
	Start, Alive time.Time
}
