package store

import (
	"strconv"
	"time"
)

// A Registry is a consistent snapshot of the whole registry, read in one
// transaction, for code that evaluates many facilities at once (the alarm
// engine, the UI's tree). It is a plain value: change the database, then load
// a new one. Call Index after building one by hand; LoadRegistry does.
type Registry struct {
	LoadedAt    time.Time
	Regions     []Region
	Industries  []Industry
	Enterprises []Enterprise
	Facilities  []Facility
	Links       []Link
	Terminals   []Terminal
	Points      []Point
	Thresholds  []Threshold // every facility's history, by facility then EffectiveFrom
	Orders      []Order
	Filings     []Filing
	// Tests are the maintenance records that document an on/off test window
	// (TestFrom/TestTo set), oldest first: the alarm rules skip those windows.
	Tests []MaintenanceRecord

	enterprise map[int64]int   // id → index in Enterprises
	facility   map[int64]int   // id → index in Facilities
	terminal   map[string]int  // MN → index in Terminals
	links      map[int64][]int // production id → indexes in Links
	points     map[int64][]int // facility id → indexes in Points
	thresholds map[int64][]Threshold
}

// Index builds the lookup maps used by the methods below.
func (r *Registry) Index() {
	r.enterprise = make(map[int64]int, len(r.Enterprises))
	for i, e := range r.Enterprises {
		r.enterprise[e.ID] = i
	}
	r.facility = make(map[int64]int, len(r.Facilities))
	for i, f := range r.Facilities {
		r.facility[f.ID] = i
	}
	r.terminal = make(map[string]int, len(r.Terminals))
	for i, t := range r.Terminals {
		r.terminal[t.MN] = i
	}
	r.links = make(map[int64][]int)
	for i, l := range r.Links {
		r.links[l.ProductionID] = append(r.links[l.ProductionID], i)
	}
	r.points = make(map[int64][]int)
	for i, p := range r.Points {
		r.points[p.FacilityID] = append(r.points[p.FacilityID], i)
	}
	r.thresholds = make(map[int64][]Threshold)
	for _, t := range r.Thresholds {
		r.thresholds[t.FacilityID] = append(r.thresholds[t.FacilityID], t)
	}
}

// Enterprise returns the enterprise with id.
func (r *Registry) Enterprise(id int64) (Enterprise, bool) {
	i, ok := r.enterprise[id]
	if !ok {
		return Enterprise{}, false
	}
	return r.Enterprises[i], true
}

// EnterpriseByNameOrID returns the id of the enterprise s names, as typed
// on a command line: its id, else its exact name.
func (r *Registry) EnterpriseByNameOrID(s string) (int64, bool) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if _, ok := r.Enterprise(id); ok {
			return id, true
		}
	}
	for _, en := range r.Enterprises {
		if en.Name == s {
			return en.ID, true
		}
	}
	return 0, false
}

// Facility returns the facility with id.
func (r *Registry) Facility(id int64) (Facility, bool) {
	i, ok := r.facility[id]
	if !ok {
		return Facility{}, false
	}
	return r.Facilities[i], true
}

// Terminal returns the terminal with the MN.
func (r *Registry) Terminal(mn string) (Terminal, bool) {
	i, ok := r.terminal[mn]
	if !ok {
		return Terminal{}, false
	}
	return r.Terminals[i], true
}

// LinksOf returns the links of production facility id to its treatment facilities.
func (r *Registry) LinksOf(productionID int64) []Link {
	var out []Link
	for _, i := range r.links[productionID] {
		out = append(out, r.Links[i])
	}
	return out
}

// PointsOf returns the monitoring points that watch facility id.
func (r *Registry) PointsOf(facilityID int64) []Point {
	var out []Point
	for _, i := range r.points[facilityID] {
		out = append(out, r.Points[i])
	}
	return out
}

// ThresholdsOf returns facility id's threshold history, oldest first.
func (r *Registry) ThresholdsOf(facilityID int64) []Threshold {
	return r.thresholds[facilityID]
}

// ThresholdAt returns the threshold of facility id in force at t.
func (r *Registry) ThresholdAt(facilityID int64, t time.Time) (Threshold, bool) {
	return ThresholdAt(r.thresholds[facilityID], t)
}

// OrdersAt returns the orders that apply to facility id at t.
func (r *Registry) OrdersAt(facilityID int64, t time.Time) []Order {
	f, ok := r.Facility(facilityID)
	if !ok {
		return nil
	}
	var out []Order
	for _, o := range r.Orders {
		if o.EnterpriseID == f.EnterpriseID && o.Covers(facilityID, t) {
			out = append(out, o)
		}
	}
	return out
}

// FilingsAt returns the 报备 filings that cover facility id at t.
func (r *Registry) FilingsAt(facilityID int64, t time.Time) []Filing {
	f, ok := r.Facility(facilityID)
	if !ok {
		return nil
	}
	var out []Filing
	for _, x := range r.Filings {
		if x.EnterpriseID == f.EnterpriseID && x.Covers(facilityID, t) {
			out = append(out, x)
		}
	}
	return out
}

// UnconfirmedLinks returns the facilities whose treatment links hold several
// ungrouped units and were never confirmed: they keep the old meaning (any
// one unit suffices) until an officer says what must run (LinksAmbiguous).
func (r *Registry) UnconfirmedLinks() []Facility {
	var out []Facility
	for _, f := range r.Facilities {
		if !f.LinksConfirmed && LinksAmbiguous(r.LinksOf(f.ID)) {
			out = append(out, f)
		}
	}
	return out
}

// TreatedBy is f's treatment links in the cell syntax of the registry file
// (FormatTreatedBy), the facilities named as this registry names them.
func (r *Registry) TreatedBy(f Facility) string {
	return FormatTreatedBy(r.LinksOf(f.ID), f.LinksConfirmed, func(id int64) string {
		tf, _ := r.Facility(id)
		return tf.Name
	})
}
