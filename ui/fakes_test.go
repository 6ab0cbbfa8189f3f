package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"powerwatch/store"
	"powerwatch/ui/chart"
)

// fakeStore is a hand-written fake of every interface the shell reads: an
// in-memory district. Fn fields, when set, replace a method (to fail it or to
// record calls).
type fakeStore struct {
	mu         sync.Mutex
	regions    []store.Region
	industries []store.Industry
	ents       []store.Enterprise
	facs       []store.Facility
	links      []store.Link
	terms      []store.Terminal
	points     []store.Point
	thresholds []store.Threshold
	orders     []store.Order
	filings    []store.Filing
	alarms     []store.Alarm
	states     []store.TerminalState
	events     []store.TerminalEvent
	quarantine []store.QuarantinedPacket
	packets    []store.RawPacket
	audit      []string // "who action entity id"
	samples    func(pointID int64, at time.Time) store.Sample

	UpdateEnterpriseFn func(ctx context.Context, who string, e *store.Enterprise) error
	SamplesCalls       int
	block              chan struct{} // when set, Samples waits for it or for ctx
	entered            chan struct{} // when set, Samples sends on it before waiting
}

func (f *fakeStore) FindEnterprises(_ context.Context, fl store.EnterpriseFilter) ([]store.Enterprise, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Enterprise
	for _, e := range f.ents {
		if fl.Name == "" || strings.Contains(e.Name, fl.Name) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeStore) EnterpriseByID(_ context.Context, id int64) (store.Enterprise, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.ents {
		if e.ID == id {
			return e, nil
		}
	}
	return store.Enterprise{}, fmt.Errorf("enterprise %d: %w", id, store.ErrNotFound)
}

func (f *fakeStore) FindRegions(context.Context) ([]store.Region, error) { return f.regions, nil }
func (f *fakeStore) FindIndustries(context.Context) ([]store.Industry, error) {
	return f.industries, nil
}

func (f *fakeStore) FacilitiesByEnterprise(_ context.Context, id int64) ([]store.Facility, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Facility
	for _, x := range f.facs {
		if x.EnterpriseID == id {
			out = append(out, x)
		}
	}
	return out, nil
}

func (f *fakeStore) LinksByProduction(_ context.Context, id int64) ([]store.Link, error) {
	var out []store.Link
	for _, l := range f.links {
		if l.ProductionID == id {
			out = append(out, l)
		}
	}
	return out, nil
}

func (f *fakeStore) facility(id int64) store.Facility {
	for _, x := range f.facs {
		if x.ID == id {
			return x
		}
	}
	return store.Facility{}
}

func (f *fakeStore) FindPoints(_ context.Context, fl store.PointFilter) ([]store.Point, error) {
	var out []store.Point
	for _, p := range f.points {
		if (fl.FacilityID == 0 || p.FacilityID == fl.FacilityID) && (fl.EnterpriseID == 0 || f.facility(p.FacilityID).EnterpriseID == fl.EnterpriseID) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeStore) ThresholdsFor(_ context.Context, id int64) ([]store.Threshold, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Threshold
	for _, t := range f.thresholds {
		if t.FacilityID == id {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakeStore) FindTerminals(context.Context, store.TerminalFilter) ([]store.Terminal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Terminal(nil), f.terms...), nil
}

func (f *fakeStore) FindOrders(_ context.Context, fl store.OrderFilter) ([]store.Order, error) {
	var out []store.Order
	for _, o := range f.orders {
		if o.EnterpriseID == fl.EnterpriseID {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f *fakeStore) FindFilings(_ context.Context, fl store.FilingFilter) ([]store.Filing, error) {
	var out []store.Filing
	for _, x := range f.filings {
		if x.EnterpriseID == fl.EnterpriseID {
			out = append(out, x)
		}
	}
	return out, nil
}

func (f *fakeStore) UpdateEnterprise(ctx context.Context, who string, e *store.Enterprise) error {
	if f.UpdateEnterpriseFn != nil {
		return f.UpdateEnterpriseFn(ctx, who, e)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.ents {
		if f.ents[i].ID == e.ID {
			f.ents[i] = *e
			f.audit = append(f.audit, fmt.Sprintf("%s update enterprise %d", who, e.ID))
			return nil
		}
	}
	return fmt.Errorf("update enterprise %d: %w", e.ID, store.ErrNotFound)
}

func (f *fakeStore) SetLinks(_ context.Context, who string, id int64, tbs []store.TreatedBy) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ent int64 = -1
	for _, x := range f.facs {
		if x.ID == id {
			ent = x.EnterpriseID
		}
	}
	if ent < 0 {
		return fmt.Errorf("set links of %d: %w", id, store.ErrNotFound)
	}
	var ls []store.Link
	for _, tb := range tbs {
		var tid int64
		for _, x := range f.facs {
			if x.EnterpriseID == ent && x.Name == tb.Facility {
				tid = x.ID
			}
		}
		if tid == 0 {
			return fmt.Errorf("no facility %q: %w", tb.Facility, store.ErrNotFound)
		}
		role := store.Active
		if tb.Standby {
			role = store.Standby
		}
		ls = append(ls, store.Link{ID: int64(1000 + len(f.links) + len(ls)), ProductionID: id, TreatmentID: tid, Role: role, Group: tb.Group, Need: tb.Need})
	}
	kept := f.links[:0:0]
	for _, l := range f.links {
		if l.ProductionID != id {
			kept = append(kept, l)
		}
	}
	f.links = append(kept, ls...)
	for i := range f.facs {
		if f.facs[i].ID == id {
			f.facs[i].LinksConfirmed = true
		}
	}
	f.audit = append(f.audit, fmt.Sprintf("%s setlinks facility %d", who, id))
	return nil
}

func (f *fakeStore) UpdateFacility(_ context.Context, who string, x *store.Facility) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.facs {
		if f.facs[i].ID == x.ID {
			f.facs[i] = *x
			f.audit = append(f.audit, fmt.Sprintf("%s update facility %d", who, x.ID))
			return nil
		}
	}
	return fmt.Errorf("update facility %d: %w", x.ID, store.ErrNotFound)
}

func (f *fakeStore) CreateThreshold(_ context.Context, who string, t *store.Threshold) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.ID = int64(len(f.thresholds) + 1)
	f.thresholds = append(f.thresholds, *t)
	f.audit = append(f.audit, fmt.Sprintf("%s create threshold %d", who, t.ID))
	return nil
}

func (f *fakeStore) CreateTerminal(_ context.Context, who string, t *store.Terminal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.terms {
		if x.MN == t.MN {
			return fmt.Errorf("create terminal %s: %w", t.MN, store.ErrConflict)
		}
	}
	t.ID = int64(len(f.terms) + 100)
	f.terms = append(f.terms, *t)
	f.audit = append(f.audit, fmt.Sprintf("%s create terminal %d", who, t.ID))
	return nil
}

func (f *fakeStore) Samples(ctx context.Context, pointID int64, from, to time.Time) ([]store.Sample, error) {
	f.mu.Lock()
	f.SamplesCalls++
	f.mu.Unlock()
	if f.block != nil {
		if f.entered != nil {
			// Several points are read at once: only the first call is
			// awaited, the others give up with the drawing.
			select {
			case f.entered <- struct{}{}:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.samples == nil {
		return nil, nil
	}
	var out []store.Sample
	for at := from.Truncate(5 * time.Minute); at.Before(to); at = at.Add(5 * time.Minute) {
		if !at.Before(from) {
			out = append(out, f.samples(pointID, at))
		}
	}
	return out, nil
}

func (f *fakeStore) RawPackets(_ context.Context, mn string, from, to time.Time) ([]store.RawPacket, error) {
	var out []store.RawPacket
	for _, p := range f.packets {
		if p.MN == mn && !p.ReceivedAt.Before(from) && p.ReceivedAt.Before(to) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeStore) FindAlarms(_ context.Context, fl store.AlarmFilter) ([]store.Alarm, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Alarm
	for _, a := range f.alarms {
		if fl.EnterpriseID != 0 && a.EnterpriseID != fl.EnterpriseID {
			continue
		}
		if len(fl.Types) > 0 && !slices.Contains(fl.Types, a.Type) {
			continue
		}
		if len(fl.Dispositions) > 0 && !slices.Contains(fl.Dispositions, a.Disposition) {
			continue
		}
		if len(fl.Groups) > 0 && !slices.Contains(fl.Groups, a.Type.Group()) {
			continue
		}
		if fl.Trial == store.TrialNo && a.Trial || fl.Trial == store.TrialOnly && !a.Trial {
			continue
		}
		if len(fl.Statuses) > 0 && !slices.Contains(fl.Statuses, a.Status) {
			continue
		}
		if !fl.From.IsZero() && !a.End.IsZero() && a.End.Before(fl.From) {
			continue
		}
		if !fl.To.IsZero() && !a.Start.Before(fl.To) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// changeAlarms changes the stored alarms as the judge worker would, while
// the shell may be reading them.
func (f *fakeStore) changeAlarms(change func([]store.Alarm) []store.Alarm) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alarms = change(f.alarms)
}

// alarmsNow is a copy of the stored alarms.
func (f *fakeStore) alarmsNow() []store.Alarm {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.alarms)
}

func (f *fakeStore) TerminalStates(context.Context) ([]store.TerminalState, error) {
	return f.states, nil
}

func (f *fakeStore) TerminalEvents(_ context.Context, fl store.TerminalEventFilter) ([]store.TerminalEvent, error) {
	var out []store.TerminalEvent
	for _, e := range f.events {
		if e.MN == fl.MN {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeStore) Quarantined(context.Context) ([]store.QuarantinedPacket, error) {
	return f.quarantine, nil
}

func (f *fakeStore) Commands(context.Context, string, int) ([]store.Command, error) { return nil, nil }

// Consumption gives every group (enterprise, industry or region) a steady
// load, so a period's energy is its length in hours times the group's kW; the
// same period a year earlier used 10 % less and the period before 5 % more.
func (f *fakeStore) Consumption(_ context.Context, q store.StatsQuery) ([]store.StatsRow, error) {
	type group struct {
		id   int64
		name string
	}
	var gs []group
	switch q.By {
	case store.ByIndustry:
		for _, x := range f.industries {
			gs = append(gs, group{x.ID, x.Name})
		}
	case store.ByRegion:
		for _, x := range f.regions {
			gs = append(gs, group{x.ID, x.Name})
		}
	default:
		for _, x := range f.ents {
			gs = append(gs, group{x.ID, x.Name})
		}
	}
	var rows []store.StatsRow
	for _, g := range gs {
		for p := q.Period.Start(q.From); p.Before(q.To); p = q.Period.Add(p, 1) {
			end := q.Period.Add(p, 1)
			if end.After(q.To) {
				end = q.To
			}
			e := (300 + 90*float64(g.id)) * end.Sub(p).Hours()
			r := store.StatsRow{ID: g.id, Name: g.name, Start: p, Energy: e, LastYear: e * 0.9, Previous: e * 1.05, Points: 5}
			r.YoY, r.MoM = (r.Energy-r.LastYear)/r.LastYear, (r.Energy-r.Previous)/r.Previous
			rows = append(rows, r)
		}
	}
	withIndustryAverages(f.ents, q, rows, f.Consumption)
	return rows, nil
}

// withIndustryAverages fills rows' industry averages as the real store does
// (store.SetIndustryAverages), reading the per-enterprise rows with consumption.
func withIndustryAverages(ents []store.Enterprise, q store.StatsQuery, rows []store.StatsRow,
	consumption func(context.Context, store.StatsQuery) ([]store.StatsRow, error)) {
	industryOf := map[int64]int64{}
	for _, e := range ents {
		industryOf[e.ID] = e.IndustryID
	}
	per := rows
	if q.By != store.ByEnterprise {
		eq := q
		eq.By = store.ByEnterprise
		per, _ = consumption(context.Background(), eq)
	}
	store.SetIndustryAverages(q.By, rows, per, industryOf)
}

func (f *fakeStore) TransmissionRate(_ context.Context, _ int64, from, to time.Time, _ bool) (days, months []store.Rate, err error) {
	for _, p := range f.points {
		r := store.Rate{PointID: p.ID, Start: from, Expected: 288, Received: 288 - int(p.ID%10)*4}
		days = append(days, r)
		months = append(months, r)
	}
	return days, months, nil
}

func (f *fakeStore) Curve(ctx context.Context, pointID int64, from, to time.Time, width int) ([]store.CurvePoint, error) {
	ss, err := f.Samples(ctx, pointID, from, to)
	if err != nil {
		return nil, err
	}
	return chart.Downsample(ss, chart.Power, from, to, width), nil
}

// demoDistrict is a small district: four enterprises with production and
// treatment facilities, terminals (online, offline, never seen), an order,
// a filing, alarms, a quarantined MN and a year of 5-minute samples computed
// on demand (a working day 08–18, treatment switched off one afternoon).
func demoDistrict(now time.Time) *fakeStore {
	f := &fakeStore{
		regions:    []store.Region{{ID: 1, Name: "城关街道"}, {ID: 2, Name: "东湖镇"}},
		industries: []store.Industry{{ID: 1, Code: "3130", Name: "陶瓷制品制造"}, {ID: 2, Code: "2511", Name: "原油加工"}, {ID: 3, Code: "3311", Name: "金属结构制造"}},
	}
	names := []string{"华北建材有限公司", "东湖石化有限公司", "顺达钢结构厂", "城关包装印刷厂"}
	for i, n := range names {
		id := int64(i + 1)
		f.ents = append(f.ents, store.Enterprise{ID: id, Name: n, USCC: fmt.Sprintf("91110000MA%07dX", i+1), RegionID: int64(i%2 + 1),
			IndustryID: int64(i%3 + 1), Address: fmt.Sprintf("东湖路%d号", 10+i), Contact: "王工", Phone: "010-6123456" + fmt.Sprint(i),
			Grade: []string{"A", "B", "C", "D"}[i], Longitude: 116.4 + float64(i)/100, Latitude: 39.9, UpdatedAt: now.Add(-48 * time.Hour)})
		base := id * 10
		f.facs = append(f.facs,
			store.Facility{ID: base + 1, EnterpriseID: id, Name: "1#生产线", Kind: store.Production, RatedKW: 400, Process: "球磨", Pollutants: "颗粒物"},
			store.Facility{ID: base + 2, EnterpriseID: id, Name: "2#生产线", Kind: store.Production, RatedKW: 250},
			store.Facility{ID: base + 3, EnterpriseID: id, Name: "布袋除尘器", Kind: store.Treatment, RatedKW: 90, Outlet: "DA001"},
			store.Facility{ID: base + 4, EnterpriseID: id, Name: "备用除尘器", Kind: store.Treatment, RatedKW: 90, Outlet: "DA001"},
			store.Facility{ID: base + 5, EnterpriseID: id, Name: "总进线", Kind: store.Total, RatedKW: 1000})
		f.links = append(f.links,
			store.Link{ID: base + 1, ProductionID: base + 1, TreatmentID: base + 3, Role: store.Active},
			store.Link{ID: base + 2, ProductionID: base + 1, TreatmentID: base + 4, Role: store.Standby},
			store.Link{ID: base + 3, ProductionID: base + 2, TreatmentID: base + 3, Role: store.Active})
		mn := fmt.Sprintf("3301000000000000000000%02X", i+1)
		seen := now.Add(-time.Duration(i) * 3 * time.Hour)
		if i == 3 {
			seen = time.Time{}
		}
		f.terms = append(f.terms, store.Terminal{ID: id, MN: mn, EnterpriseID: id, Protocol: "2017", RtdInterval: 5 * time.Minute, MinInterval: 5 * time.Minute, LastSeen: seen, Firmware: "v2.3"})
		f.states = append(f.states, store.TerminalState{MN: mn, Online: i < 2, LastSeen: seen, Protocol: "2017", Drift: time.Duration(i*7) * time.Second})
		for j, fid := range []int64{base + 1, base + 2, base + 3, base + 4, base + 5} {
			f.points = append(f.points, store.Point{ID: fid, TerminalID: id, FacilityID: fid, Name: fmt.Sprintf("回路%d", j+1), PowerCode: fmt.Sprintf("i3320%d", j+1), CurrentCode: fmt.Sprintf("i3310%d", j+1), CTRatio: 100})
		}
		f.thresholds = append(f.thresholds, store.Threshold{ID: id, FacilityID: base + 3, Basis: store.ByPower, Stop: 8, Run: 30, MinPersist: 15 * time.Minute, EffectiveFrom: now.AddDate(0, -3, 0)})
		f.packets = append(f.packets, store.RawPacket{MN: mn, ST: "44", CN: "2011", QN: "20260101120000001", DataTime: now.Add(-5 * time.Minute), ReceivedAt: now.Add(-4 * time.Minute), CRCOK: i != 1,
			Frame: []byte("##0200QN=20260101120000001;ST=44;CN=2011;PW=123456;MN=" + mn + ";Flag=5;CP=&&DataTime=20260101120000;i33201-Rtd=212.5,i33201-Flag=N;i33101-Rtd=321.0,i33101-Flag=N&&")})
	}
	f.orders = []store.Order{{ID: 1, EnterpriseID: 1, Kind: store.Cut, CutPercent: 30, Level: store.Orange, Start: dayStart(now).Add(-30 * time.Hour), End: dayStart(now).Add(-6 * time.Hour)}}
	f.filings = []store.Filing{{ID: 1, EnterpriseID: 1, FacilityIDs: []int64{12}, Kind: store.Renovation, Start: dayStart(now).AddDate(0, 0, -4), End: dayStart(now).AddDate(0, 0, -3), Note: "更换电机"}}
	f.alarms = []store.Alarm{
		{ID: 1, Type: store.TreatmentOff, Grade: store.Severe, Status: store.Open, EnterpriseID: 1, ProductionID: 11, TreatmentID: 13, Start: dayStart(now).Add(13 * time.Hour), Detail: "1#生产线运行，布袋除尘器停机"},
		{ID: 2, Type: store.Offline, Grade: store.Minor, Status: store.Ended, EnterpriseID: 3, TerminalID: 3, Start: dayStart(now).Add(2 * time.Hour), End: dayStart(now).Add(3 * time.Hour)},
		{ID: 3, Type: store.CutIgnored, Grade: store.Major, Status: store.Ended, EnterpriseID: 1, ProductionID: 11, Start: dayStart(now).Add(-28 * time.Hour), End: dayStart(now).Add(-20 * time.Hour)},
	}
	f.events = []store.TerminalEvent{{MN: f.terms[0].MN, Kind: store.EventConnect, At: now.Add(-2 * time.Hour), Detail: "10.0.0.21:53211"}}
	f.quarantine = []store.QuarantinedPacket{{MN: "3301000000000000000000FF", Reason: "unregistered", RemoteAddr: "10.0.0.99:40112", FirstSeen: now.Add(-26 * time.Hour), LastSeen: now.Add(-10 * time.Minute), Count: 288}}
	treatOff := dayStart(now).Add(13 * time.Hour)
	f.samples = func(point int64, at time.Time) store.Sample {
		s := store.NewSample(point, at)
		h := at.In(store.Beijing).Hour()
		working := h >= 8 && h < 18 && at.In(store.Beijing).Weekday() != time.Sunday
		rated := f.facility(point).RatedKW
		wave := 1 + 0.08*math.Sin(float64(at.Unix())/1700)
		switch {
		case point%10 == 4: // the standby unit idles
			s.P = 0.5
		case working && !(point%10 == 3 && !at.Before(treatOff) && at.Before(treatOff.Add(3*time.Hour))):
			s.P = rated * 0.7 * wave
		default:
			s.P = rated * 0.02
		}
		s.I, s.U, s.E = s.P*1.52, 380, float64(at.Unix()-1.7e9)/3600*rated*0.3
		return s
	}
	return f
}

// demoDeps wires the demo district into every dependency the shell reads.
func demoDeps(f *fakeStore, now time.Time) Deps {
	return Deps{Registry: f, Editor: f, Readings: f, Stats: f, Alarms: f, Terminals: f, Map: mapFake{f, now},
		Now: func() time.Time { return now }, ListenOn: "0.0.0.0:9212", Operator: "张三"}
}
