package store

import "time"

// A Change is one entity of the shared-data export that changed since a
// sync cursor: the uplink sends Data (the entity as a JSON object, field names
// as in the README's schema) or, when Deleted, only its kind and id.
type Change struct {
	Seq     int64  // position in the change log; increases with every change
	Entity  string // enterprise, facility, relation, terminal, point, threshold, order, filing, alarm, alarm_review, maintenance_record
	ID      int64
	At      time.Time // when it last changed
	Deleted bool
	Data    []byte // JSON object; nil when Deleted
}

// A SyncCursor is how far one export target (URL or folder) has been
// delivered, and how its last attempt went.
type SyncCursor struct {
	Target      string
	Seq         int64 // last change delivered; 0 before the first sync
	LastOK      time.Time
	LastError   string
	LastErrorAt time.Time
	Sent        int64 // records delivered so far
}

// UpstreamStatus is what the 设置 and 总览 views show of one city upstream:
// an HJ 212 relay target or a shared-data export target.
type UpstreamStatus struct {
	Target string // host:port, URL, or "folder:" and a folder
	Kind   string // "hj212" or "json"
	// Connected is, for HJ 212, whether a connection is open now; for JSON,
	// whether the last attempt succeeded.
	Connected   bool
	Pending     int       // queue length: frames not yet delivered, or changes not yet exported
	Oldest      time.Time // creation of the oldest undelivered item; zero when none
	LastOK      time.Time // last delivery
	LastError   string
	LastErrorAt time.Time
	Resent      int64 // HJ 212 frames sent again since start (the upstream may count them twice)
	// OverLimit is set when Pending exceeds the configured limit: nothing is
	// dropped, but the city is falling behind and someone should look.
	OverLimit bool
	// Conns is how many HJ 212 connections are open now: one per terminal
	// with frames to send, or one when multiplexed.
	Conns int
	// WriteOnly is set when the HJ 212 upstream answered no 9014, or none
	// that matched a frame, for several frames in a row: the relay no longer
	// waits for answers and counts a frame as delivered once written, so
	// frames keep flowing, but the city's receipt is no longer confirmed.
	WriteOnly bool
	Unmatched int64 // 9014 answers that matched no frame sent
	Requests  int64 // requests the upstream sent, refused with 9011 (the relay only uploads)
}
