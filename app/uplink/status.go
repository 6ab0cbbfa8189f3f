package uplink

import "time"

// Status is what the 设置 and 总览 views show of one upstream.
type Status struct {
	Target string // host:port, URL, or folder
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
}
