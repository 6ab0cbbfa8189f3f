package store

import "time"

// A Batch is what the listener's group commit hands to the store: written in
// one transaction, durable when Ingest returns nil.
type Batch struct {
	Packets []RawPacket
	Samples []Sample
	Outbox  []OutboxItem
}

// IngestResult says what a Batch changed. Duplicate[i] is true when
// Batch.Packets[i] was already stored (same MN, ST, CN and DataTime and an
// identical CP): a terminal's re-send or a backfill of something already
// received. A frame with the same MN, ST, CN and DataTime but another CP is
// not a duplicate: it is stored beside the first (Revision[i] true) and its
// values are merged into the reading.
type IngestResult struct {
	Duplicate  []bool
	Revision   []bool // stored beside an earlier frame of the same MN, ST, CN and DataTime
	NewPackets int
	NewSamples int // samples of a slot (point, At) not stored before
	DupSamples int // samples ignored because their slot was already stored with the same values
	OutboxIDs  []int64

	// Revised lists slots already stored whose values a later frame of the
	// same time changed (or completed): the newest values are now stored.
	Revised []SampleRevision
}

// An OutboxStat summarises one upstream target's queue.
type OutboxStat struct {
	Target     string
	Pending    int
	Failing    int       // pending items with at least one failed attempt
	OldestAt   time.Time // creation time of the oldest pending item; zero when none
	LastError  string    // of the newest failed pending item
	SentLast24 int       // delivered in the 24 hours before the call
}

// Seen is when a terminal's last packet arrived, for online status.
type Seen struct {
	MN         string
	ReceivedAt time.Time // receive time of the newest packet
	DataTime   time.Time // newest DataTime received
	Packets    int64     // packets stored since the database was created
}

// A SampleRevision is a stored slot whose values a later frame changed.
type SampleRevision struct {
	Before, After Sample
}

// A SplitPart is one part of a split upload (HJ212-2017 Table 3, PNUM/PNO)
// kept until its message is whole.
type SplitPart struct {
	MN, ST, CN string
	DataTime   time.Time
	PNUM, PNO  int
	ReceivedAt time.Time
	Frame      []byte // as received, without CR LF
}
