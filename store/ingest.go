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
// Batch.Packets[i] was already stored (same MN, ST, CN and DataTime): a
// terminal's re-send or a backfill of something already received.
type IngestResult struct {
	Duplicate  []bool
	NewPackets int
	NewSamples int // samples of a slot (point, At) not stored before
	DupSamples int // samples ignored because their slot was already stored
	OutboxIDs  []int64
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
