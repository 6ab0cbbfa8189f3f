package store

import (
	"errors"
	"time"
)

// ErrForeignPackage means a review package was not exported from the
// database it is being imported into.
var ErrForeignPackage = errors.New("review package from another database")

// A ReviewPackage describes a file of alarms exported for offline review: a
// copy of the registry, the alarms of a scope with their reviews, series and
// raw packets, opened on a laptop as an ordinary database.
type ReviewPackage struct {
	ID        string // random, so that importing the same package twice is recognised
	CreatedAt time.Time
	CreatedBy string
	Source    string // the database file it was exported from, for people
	SourceID  string // the identity of that database (DatabaseID), checked on import
	Scope     string // the alarm filter, as JSON, for people
	Alarms    int
}

// ReviewSide says which decision wins when an alarm was reviewed both in the
// office and in a review package.
type ReviewSide string

// Sides of a review conflict.
const (
	KeepOffice  ReviewSide = "office"  // keep the office's decision; the package's is recorded as set aside
	TakePackage ReviewSide = "package" // append the package's reviews; its last decision becomes the alarm's
)

// A ReviewConflict is an alarm reviewed both in the office and in the package
// after the package was exported.
type ReviewConflict struct {
	AlarmID int64
	Office  []Review // office reviews made after the export
	Package []Review // package reviews made after the export
}

// ReviewImport is what importing a review package did.
type ReviewImport struct {
	Package   ReviewPackage
	Imported  int              // package reviews appended to the office database
	SetAside  int              // package reviews not applied because the office decision was kept
	Unchanged int              // alarms with no new review in the package
	Conflicts []ReviewConflict // unresolved: nothing applied for these alarms

	AlreadyApplied []AppliedReview // package reviews an earlier import of this package brought in
	Refused        []RefusedReview // package reviews not applied: their time or reviewer cannot be right
}

// An AppliedReview is a package review that an earlier import applied or set aside.
type AppliedReview struct {
	Review                   // as made in the package
	OfficeReviewID int64     // the office review it became; 0 when it was set aside
	ImportedAt     time.Time // when, and by whom, it was imported
	ImportedBy     string
}

// A RefusedReview is a package review an import did not apply, and why.
type RefusedReview struct {
	Review
	Reason string
}
