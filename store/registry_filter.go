package store

import "time"

// EnterpriseFilter selects enterprises; zero fields match everything.
type EnterpriseFilter struct {
	Name       string // substring of the name
	USCC       string // exact
	RegionID   int64
	IndustryID int64
	Limit      int
	Offset     int
}

// FacilityFilter selects facilities; zero fields match everything.
type FacilityFilter struct {
	EnterpriseID int64
	Kinds        []FacilityKind
	Name         string // substring of the name
}

// TerminalFilter selects terminals; zero fields match everything.
type TerminalFilter struct {
	EnterpriseID int64
	MN           string // substring of the MN
}

// PointFilter selects monitoring points; zero fields match everything.
type PointFilter struct {
	TerminalID   int64
	FacilityID   int64
	EnterpriseID int64 // of the point's facility
}

// OrderFilter selects control orders; zero fields match everything.
type OrderFilter struct {
	EnterpriseID int64
	FacilityID   int64     // orders of the whole enterprise of this facility, or listing it
	From, To     time.Time // orders overlapping [From, To); a zero bound is open
	Kinds        []OrderKind
	Levels       []Level
}

// FilingFilter selects 报备 filings; zero fields match everything.
type FilingFilter struct {
	EnterpriseID int64
	FacilityID   int64     // filings of the whole enterprise of this facility, or listing it
	From, To     time.Time // filings overlapping [From, To); a zero bound is open
	Kinds        []FilingKind
}

// AuditFilter selects audit entries, newest first; zero fields match everything.
type AuditFilter struct {
	Who      string
	Action   string
	Entity   string
	EntityID int64
	From, To time.Time // At in [From, To)
	Limit    int
	Offset   int
}
