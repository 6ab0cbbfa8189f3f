package alarms

import (
	"sort"
	"time"

	"powerwatch/store"
)

// Facts is the part of the registry the rules read. The app fills it from the
// store's registry snapshot; tests build it by hand.
type Facts struct {
	Facilities []store.Facility
	Links      []store.Link
	Points     []store.Point
	Thresholds []store.Threshold // every facility's history
	Orders     []store.Order
	Filings    []store.Filing
	Terminals  []store.Terminal
	// TestWindows are the recorded acceptance and inspection tests, whose
	// windows the violation rules do not judge (history.go).
	TestWindows []TestWindow
}

// A ClockOffset is one observation of a terminal's clock against the
// receiver's: DataTime − received time of a real-time packet.
type ClockOffset struct {
	TerminalID int64
	At         time.Time
	Offset     time.Duration
}

// Input is everything one evaluation reads. Series may begin before From (a
// lead-in, so that an episode running at From is seen whole); only alarms that
// start in [From, To) are returned.
type Input struct {
	From, To  time.Time
	Facts     *Facts
	Series    map[int64][]store.Sample // by point, any order
	Baselines []Baseline
	Clock     []ClockOffset
	// Runs are the spans in which the receiving service ran (a zero Alive:
	// still running); offline time counts only inside them. RunsKnown is
	// false for a database no service ever ran on.
	// Rates are the stored monthly transmission rates (store.Month rows,
	// 报备 windows excluded) that low_transmission judges.
	Rates       []store.Rate
	Runs        []store.ServiceRun
	RunsKnown   bool
	Enterprises []int64           // evaluate only these; all when empty
	Types       []store.AlarmType // raise only these; all when empty
	// Prior are alarms already stored that the rules reaching back over
	// days read: the treatment_unknown and treatment_cut alarms starting in
	// the SilenceWindow before From (PriorTypes). Those starting at or after
	// From are ignored: this evaluation judges them again.
	Prior []store.Alarm
}

// PriorTypes are the alarm types Input.Prior is read for.
func PriorTypes() []store.AlarmType {
	return []store.AlarmType{store.TreatmentUnknown, store.TreatmentCut}
}

// Scope is the part of the alarm table the result of Evaluate(rs, in) speaks
// for, to hand to the store's reconciliation along with the alarms.
func (in Input) Scope() store.AlarmScope {
	return store.AlarmScope{From: in.From, To: in.To, Types: in.Types}
}

func (in Input) wants(t store.AlarmType) bool {
	if len(in.Types) == 0 {
		return true
	}
	for _, x := range in.Types {
		if x == t {
			return true
		}
	}
	return false
}

// index is Facts arranged for lookups, built once per evaluation or per engine.
type index struct {
	facility      map[int64]*store.Facility
	byEnterprise  map[int64][]int64 // facility ids, ascending
	points        map[int64]*store.Point
	pointsOf      map[int64][]int64 // facility → point ids
	thresholds    map[int64][]store.Threshold
	links         map[int64][]store.Link // production → links
	orders        map[int64][]store.Order
	filings       map[int64][]store.Filing
	terminal      map[int64]*store.Terminal
	termPoints    map[int64][]int64 // terminal → point ids
	enterprises   []int64
	termEnterpris map[int64]int64
	tests         map[int64][]TestWindow // enterprise → test windows (history.go)
}

func newIndex(f *Facts) *index {
	x := &index{
		facility: map[int64]*store.Facility{}, byEnterprise: map[int64][]int64{},
		points: map[int64]*store.Point{}, pointsOf: map[int64][]int64{},
		thresholds: map[int64][]store.Threshold{}, links: map[int64][]store.Link{},
		orders: map[int64][]store.Order{}, filings: map[int64][]store.Filing{},
		terminal: map[int64]*store.Terminal{}, termPoints: map[int64][]int64{},
		termEnterpris: map[int64]int64{},
	}
	if f == nil {
		return x
	}
	x.indexTests(f)
	for i := range f.Facilities {
		fc := &f.Facilities[i]
		x.facility[fc.ID] = fc
		x.byEnterprise[fc.EnterpriseID] = append(x.byEnterprise[fc.EnterpriseID], fc.ID)
	}
	for i := range f.Terminals {
		x.terminal[f.Terminals[i].ID] = &f.Terminals[i]
	}
	for i := range f.Points {
		p := &f.Points[i]
		x.points[p.ID] = p
		x.pointsOf[p.FacilityID] = append(x.pointsOf[p.FacilityID], p.ID)
		x.termPoints[p.TerminalID] = append(x.termPoints[p.TerminalID], p.ID)
		if fc, ok := x.facility[p.FacilityID]; ok {
			x.termEnterpris[p.TerminalID] = fc.EnterpriseID
		}
	}
	for _, t := range f.Thresholds {
		x.thresholds[t.FacilityID] = append(x.thresholds[t.FacilityID], t)
	}
	for id := range x.thresholds {
		store.SortThresholds(x.thresholds[id])
	}
	for _, l := range f.Links {
		x.links[l.ProductionID] = append(x.links[l.ProductionID], l)
	}
	for _, o := range f.Orders {
		x.orders[o.EnterpriseID] = append(x.orders[o.EnterpriseID], o)
	}
	for _, fl := range f.Filings {
		x.filings[fl.EnterpriseID] = append(x.filings[fl.EnterpriseID], fl)
	}
	for e, ids := range x.byEnterprise {
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		x.enterprises = append(x.enterprises, e)
	}
	for t, e := range x.termEnterpris {
		if tm, ok := x.terminal[t]; ok && tm.EnterpriseID != 0 {
			x.termEnterpris[t] = tm.EnterpriseID
		} else {
			x.termEnterpris[t] = e
		}
	}
	sort.Slice(x.enterprises, func(i, j int) bool { return x.enterprises[i] < x.enterprises[j] })
	return x
}

// enterpriseOfPoint returns the enterprise a point's facility belongs to.
func (x *index) enterpriseOfPoint(id int64) (int64, bool) {
	p, ok := x.points[id]
	if !ok {
		return 0, false
	}
	f, ok := x.facility[p.FacilityID]
	if !ok {
		return 0, false
	}
	return f.EnterpriseID, true
}

// thresholdsOf returns a facility's thresholds, or the one derived from its
// rated power when none is set.
func (x *index) thresholdsOf(id int64) (ts []store.Threshold, derived bool) {
	if ts := x.thresholds[id]; len(ts) > 0 {
		return ts, false
	}
	f := x.facility[id]
	if f == nil {
		return nil, false
	}
	t, ok := store.DefaultThreshold(f.RatedKW)
	if !ok {
		return nil, false
	}
	t.FacilityID = id
	return []store.Threshold{t}, true
}
