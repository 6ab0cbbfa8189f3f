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
