package store

import (
	"fmt"
	"strings"
	"time"
)

// The rules for a valid registry entity, wherever it comes from: typed in a
// form, imported from a spreadsheet or stored. The store adapter normalises
// first (trims names, fills defaults such as a link's role or a point's CT
// ratio) and then calls these; the importer and the forms call them too, so
// that what one accepts the others accept.

// MaxRatedKW bounds a facility's rated power: no facility of a district
// enterprise draws a gigawatt; a bigger figure is a typing mistake.
const MaxRatedKW = 1e6

// MaxPersist bounds a threshold's minimum persistence: a state that must
// last more than a day before it counts would never be judged.
const MaxPersist = 24 * time.Hour

// Validate checks an enterprise: it has a name.
func (e Enterprise) Validate() error {
	if strings.TrimSpace(e.Name) == "" {
		return fmt.Errorf("%w: enterprise without a name", ErrInvalid)
	}
	return nil
}

// Valid reports whether k is a facility kind the rules know.
func (k FacilityKind) Valid() bool {
	switch k {
	case Production, Treatment, Integrated, Total, Indirect:
		return true
	}
	return false
}

// Validate checks a facility: a name, a known kind and a rated power from 0
// (unknown) to MaxRatedKW.
func (f Facility) Validate() error {
	switch {
	case strings.TrimSpace(f.Name) == "":
		return fmt.Errorf("%w: facility without a name", ErrInvalid)
	case !f.Kind.Valid():
		return fmt.Errorf("%w: facility %q: unknown kind %q", ErrInvalid, f.Name, f.Kind)
	case !(f.RatedKW >= 0 && f.RatedKW <= MaxRatedKW): // NaN too
		return fmt.Errorf("%w: facility %q: rated power %g kW: want 0 to %g", ErrInvalid, f.Name, f.RatedKW, float64(MaxRatedKW))
	}
	return nil
}

// Validate checks a treatment link: a known role ("" is active), two
// different facilities and a need that is not negative.
func (l Link) Validate() error {
	switch {
	case l.Role != "" && l.Role != Active && l.Role != Standby:
		return fmt.Errorf("%w: link role %q", ErrInvalid, l.Role)
	case l.ProductionID == l.TreatmentID:
		return fmt.Errorf("%w: facility %d linked to itself", ErrInvalid, l.ProductionID)
	case l.Need < 0:
		return fmt.Errorf("%w: link need %d", ErrInvalid, l.Need)
	}
	return nil
}

// Validate checks a terminal: it has an MN.
func (t Terminal) Validate() error {
	if strings.TrimSpace(t.MN) == "" {
		return fmt.Errorf("%w: terminal without an MN", ErrInvalid)
	}
	return nil
}

// An MNKind is the form of a terminal's MN (数采仪编号).
type MNKind int

// The forms of MN.
const (
	MNInvalid   MNKind = iota // neither form below: refused
	MNGuideline               // 24 hex digits, as the Beijing guideline asks
	MN2005                    // 14 digits or capital letters, an HJ/T 212-2005 device: registrable, with a warning
)

// KindOfMN tells the form of mn, as stored: upper case (callers upper-case
// what people type). The importer, the quarantine's register dialog and
// anything else that takes an MN from a person ask here.
func KindOfMN(mn string) MNKind {
	in := func(c rune, sets ...string) bool {
		for _, set := range sets {
			if strings.ContainsRune(set, c) {
				return true
			}
		}
		return false
	}
	const digits, hex, upper = "0123456789", "ABCDEF", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	form := func(n int, sets ...string) bool {
		if len(mn) != n {
			return false
		}
		for _, c := range mn {
			if !in(c, sets...) {
				return false
			}
		}
		return true
	}
	switch {
	case form(24, digits, hex):
		return MNGuideline
	case form(14, digits, upper):
		return MN2005
	}
	return MNInvalid
}

// Validate checks a monitoring point: at least one factor code, no code for
// two quantities, and a CT ratio that is not negative (0 means 1).
func (p Point) Validate() error {
	seen := map[string]string{}
	for _, c := range []struct{ name, code string }{{"power", p.PowerCode}, {"current", p.CurrentCode},
		{"voltage", p.VoltageCode}, {"energy", p.EnergyCode}, {"pf", p.PFCode}, {"state", p.StateCode}} {
		if c.code == "" {
			continue
		}
		if other, dup := seen[c.code]; dup {
			return fmt.Errorf("%w: point %q: code %s is both %s and %s", ErrInvalid, p.Name, c.code, other, c.name)
		}
		seen[c.code] = c.name
	}
	switch {
	case len(seen) == 0:
		return fmt.Errorf("%w: point %q has no factor code", ErrInvalid, p.Name)
	case !(p.CTRatio >= 0): // NaN too
		return fmt.Errorf("%w: point %q: CT ratio %g", ErrInvalid, p.Name, p.CTRatio)
	}
	return nil
}

// Validate checks a threshold: a known basis ("" is power), 0 ≤ stop < run
// (a facility runs above run and is stopped below stop; equal values leave
// no band between them) and a minimum persistence from 0 to MaxPersist.
func (t Threshold) Validate() error {
	switch {
	case t.Basis != "" && t.Basis != ByPower && t.Basis != ByCurrent:
		return fmt.Errorf("%w: threshold basis %q", ErrInvalid, t.Basis)
	case !(t.Stop >= 0 && t.Run > t.Stop): // NaN too
		return fmt.Errorf("%w: threshold stop %g, run %g: want 0 ≤ stop < run", ErrInvalid, t.Stop, t.Run)
	case t.MinPersist < 0 || t.MinPersist > MaxPersist:
		return fmt.Errorf("%w: threshold minimum persistence %v: want 0 to %v", ErrInvalid, t.MinPersist, MaxPersist)
	}
	return nil
}

// Valid reports whether r is a check result a record may hold ("" is not yet checked).
func (r CheckResult) Valid() bool {
	switch r {
	case "", CheckOK, CheckFault, CheckNotApply:
		return true
	}
	return false
}

// Validate checks a maintenance record: a date, the people and the
// enterprise; a test window with both ends, start before end, or none; known
// check and on/off results.
func (r MaintenanceRecord) Validate() error {
	var missing []string
	if r.Date.IsZero() {
		missing = append(missing, "日期 date")
	}
	if strings.TrimSpace(r.People) == "" {
		missing = append(missing, "运维人员 people")
	}
	if r.EnterpriseID == 0 {
		missing = append(missing, "企业 enterprise")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: maintenance record without %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if r.TestFrom.IsZero() != r.TestTo.IsZero() || r.TestFrom.After(r.TestTo) {
		return fmt.Errorf("%w: maintenance record: test window %s – %s: want both ends, start before end", ErrInvalid,
			r.TestFrom.Format(time.RFC3339), r.TestTo.Format(time.RFC3339))
	}
	for _, c := range r.Checks {
		if !c.Result.Valid() {
			return fmt.Errorf("%w: maintenance record: check %s: result %q", ErrInvalid, c.Item, c.Result)
		}
	}
	for _, o := range r.OnOff {
		if !o.Off.Valid() || !o.On.Valid() {
			return fmt.Errorf("%w: maintenance record: on/off test of %s: results %q/%q", ErrInvalid, o.Facility, o.Off, o.On)
		}
	}
	return nil
}
