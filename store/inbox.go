package store

import "time"

// An InboxFailure is one terminal's uploads of one acknowledged group commit
// that the tables refused (or an inbox entry too damaged to read): set aside
// so that the other terminals' uploads went in, kept until an officer
// retries or exports it.
type InboxFailure struct {
	ID       int64
	Seq      int64  // the inbox entry (group commit) it came from
	MN       string // its terminal; "" for a damaged entry
	Packets  int
	FailedAt time.Time
	Error    string
	Bytes    int // size of what is kept
}
