// Package store is the district's vocabulary: every persisted noun (regions,
// enterprises, facilities and their 产治排 links, terminals, monitoring points,
// thresholds, control orders, 报备 filings, readings, alarms and reviews,
// maintenance, audit, outbox), the filters used to find them, and the sentinel
// errors. It holds no storage code: see store/sqlite.
//
// Times are time.Time values; the implementation stores them as UTC Unix
// milliseconds. People see and type them in Beijing time (see Beijing).
package store

import (
	"errors"
	"time"
)

// Beijing is the fixed +08:00 zone in which times are shown and parsed. China has
// no daylight saving time, so a fixed zone is exact and needs no tz database on
// Windows.
var Beijing = time.FixedZone("CST", 8*60*60)

// Sentinel errors. Implementations wrap them with what was being done.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change would break a uniqueness or reference rule.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means a value is outside what the model accepts.
	ErrInvalid = errors.New("invalid")
	// ErrCorrupt means the database file failed its integrity check.
	ErrCorrupt = errors.New("database corrupt")
	// ErrReadOnly means the database cannot be written (read-only file or full disk).
	ErrReadOnly = errors.New("database not writable")
)
