package store

import "time"

// CommandStatus is where a command to a terminal is in the HJ 212 request flow
// (HJ 212-2017 §6.5: request → 9011 QnRtn → data → 9012 ExeRtn).
type CommandStatus string

// Command statuses.
const (
	CommandQueued   CommandStatus = "queued"   // waiting for the terminal to be connected
	CommandSent     CommandStatus = "sent"     // written, no 9011 yet
	CommandAccepted CommandStatus = "accepted" // 9011 QnRtn=1, waiting for 9012
	CommandDone     CommandStatus = "done"     // 9012 ExeRtn=1 (or the notify was answered)
	CommandFailed   CommandStatus = "failed"   // refused (QnRtn≠1), ExeRtn≠1, or timed out after every retry
	CommandCanceled CommandStatus = "canceled"
)

// Final reports whether s is an end state.
func (s CommandStatus) Final() bool {
	return s == CommandDone || s == CommandFailed || s == CommandCanceled
}

// A Command is one request the centre sends to a terminal, with its outcome.
type Command struct {
	ID        int64
	MN        string
	CN        string // 1000, 1011, 1012, 1062, 1064, 2051, 2061, 2011 …
	ST        string // system code of the request; empty means the terminal's
	QN        string // assigned when first sent; replies echo it
	CP        string // the CP pairs sent, "k=v;k=v"
	Status    CommandStatus
	Tries     int
	QnRtn     int    // from 9011, 0 until answered
	ExeRtn    int    // from 9012, 0 until answered
	Result    string // CP of the data the terminal sent back (1011, 1061 …), or why it failed
	Packets   int    // data packets received for it (history pulls)
	Origin    string // who asked: an operator name, "gap", "time-calibration"
	CreatedAt time.Time
	SentAt    time.Time
	DoneAt    time.Time
}
