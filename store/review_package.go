package store

import "time"

// A ReviewPackage describes a file of alarms exported for offline review: a
// copy of the registry, the alarms of a scope with their reviews, series and
// raw packets, opened on a laptop as an ordinary database.
type ReviewPackage struct {
	ID        string // random, so that importing the same package twice is recognised
	CreatedAt time.Time
	CreatedBy string
	Source    string // the database it was exported from
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
}
