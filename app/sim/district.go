package sim

import (
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"powerwatch/geo"
	"powerwatch/store"
)

// A Terminal is one simulated data logger (数采仪) and the points it measures.
type Terminal struct {
	MN, PW     string
	SM4Key     string // 32 hex digits: the HJ 212-2025 CP is SM4-encrypted; "" sends it plain
	Enterprise string
	Pos        geo.Point // the enterprise's position, beside a real road of 朝阳区
	Schedule   Schedule
	Points     []Point
}

// A Point is one facility circuit a terminal measures, with the factor codes
// it sends the values under; an empty code is not sent.
type Point struct {
	Facility string
	Kind     store.FacilityKind
	RatedKW  float64
	// Load is the share of rated power drawn when running; 0 means 0.7.
	Load float64
	// Treats is, for a treatment point, the index in Points of the production
	// point it serves, whose running it follows with a lag; -1 for none.
	Treats int

	PowerCode, CurrentCode, VoltageCode, EnergyCode, PFCode string
}

func (p Point) treatment() bool { return p.Kind == store.Treatment }

// MN returns the i-th simulated terminal's MN: 24 hex digits, as the Beijing
// guideline wants (HJ212-2017 Table 3: EPC-96 in hex).
func MN(i int) string { return fmt.Sprintf("0100%012X%08X", 0x5100212, i+1) }

// password is the i-th terminal's access password (HJ212-2017 Table 3: C6).
func password(i int) string { return fmt.Sprintf("%06d", (i*7919+212044)%1000000) }

var (
	streets    = []string{"酒仙桥街道", "将台地区", "东坝地区", "金盏地区", "十八里店地区", "豆各庄地区"}
	industries = []string{"水泥制造", "钢压延加工", "化学农药制造", "黑色金属铸造", "涂料制造", "金属表面处理及热处理加工", "纸和纸板容器制造", "塑料零件制造"}
	prodNames  = []string{"熔炼炉", "球磨机", "喷涂线", "烘干炉", "破碎机", "注塑机", "反应釜", "抛丸机"}
	treatNames = []string{"布袋除尘器", "RTO焚烧炉", "活性炭吸附装置", "湿法脱硫塔", "UV光解设备", "喷淋塔"}
)

// District generates n terminals, one per enterprise, each measuring one to
// three production facilities, each followed by its treatment unit. The same
// n and seed give the same district; MNs and passwords depend on the index
// only.
func District(n int, seed uint64) []Terminal {
	out := make([]Terminal, n)
	for i := range out {
		nz := &noise{s: seed*0x2545f4914f6cdd1d + uint64(i)}
		t := Terminal{
			MN: MN(i), PW: password(i),
			Enterprise: fmt.Sprintf("北京模拟%s%03d有限公司", industries[i%len(industries)], i+1),
			Schedule:   Schedule(nz.next() % 3),
		}
		pairs := 1 + int(nz.next()%3)
		for k := range pairs {
			prod := Point{Kind: store.Production, Treats: -1, Facility: fmt.Sprintf("%s%d", prodNames[nz.next()%uint64(len(prodNames))], k+1),
				RatedKW: float64(50 + nz.next()%400), Load: 0.55 + 0.35*nz.unit()}
			treat := Point{Kind: store.Treatment, Treats: len(t.Points), Facility: fmt.Sprintf("%s%d", treatNames[nz.next()%uint64(len(treatNames))], k+1),
				RatedKW: float64(15 + nz.next()%60), Load: 0.6 + 0.2*nz.unit()}
			t.Points = append(t.Points, withCodes(prod, 2, len(t.Points)+1), withCodes(treat, 3, len(t.Points)+2))
		}
		// Along one of the district's roads, 40–240 m off it on either side;
		// drawn last, so the rest of a seed's district is as it always was.
		roads := geo.ChaoyangRoads()
		side := 40 + 200*nz.unit()
		if nz.next()%2 == 0 {
			side = -side
		}
		t.Pos = roads[i%len(roads)].Along(nz.unit(), side)
		out[i] = t
	}
	return out
}

// withCodes gives p the 2025 electricity codes of peers (hj212.md §9):
// d, 2 for production or 3 for treatment, a quantity, the point number.
func withCodes(p Point, side, no int) Point {
	c := func(q int) string { return fmt.Sprintf("d%d%02d%02d", side, q, no) }
	p.PowerCode, p.CurrentCode, p.VoltageCode, p.EnergyCode, p.PFCode = c(5), c(4), c(1), c(6), c(7)
	return p
}

// Rows returns the registry rows of terminals, one per point, in the form
// `powerwatch import registry` reads, so that a listener knows them.
// Thresholds are left to be derived from rated power.
func Rows(terminals []Terminal, installed time.Time) []store.RegistryRow {
	var rows []store.RegistryRow
	for i, t := range terminals {
		for _, p := range t.Points {
			r := store.RegistryRow{Row: len(rows) + 2, District: "朝阳区", Enterprise: t.Enterprise,
				USCC: fmt.Sprintf("91110105SIM%07d", i+1), Industry: industries[i%len(industries)],
				Facility: p.Facility, Kind: p.Kind, RatedKW: p.RatedKW, MN: t.MN, Password: t.PW, Installed: installed,
				PowerCode: p.PowerCode, CurrentCode: p.CurrentCode, VoltageCode: p.VoltageCode, EnergyCode: p.EnergyCode,
				Longitude: math.Round(t.Pos.Lng*1e6) / 1e6, Latitude: math.Round(t.Pos.Lat*1e6) / 1e6}
			for _, q := range t.Points {
				if q.treatment() && q.Treats >= 0 && t.Points[q.Treats].Facility == p.Facility {
					r.TreatedBy = append(r.TreatedBy, store.TreatedBy{Facility: q.Facility})
				}
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// FromRows builds the terminals of registry rows: rows with an MN are
// grouped by it, in order of appearance; a treatment point follows the
// production point of the same terminal that names it in 关联治理设施. An
// enterprise's schedule and each point's load are derived from its names.
func FromRows(rows []store.RegistryRow) []Terminal {
	var out []Terminal
	idx := map[string]int{}
	for _, r := range rows {
		if r.MN == "" {
			continue
		}
		i, ok := idx[r.MN]
		if !ok {
			i = len(out)
			idx[r.MN] = i
			out = append(out, Terminal{MN: r.MN, PW: r.Password, Enterprise: r.Enterprise, Schedule: Schedule(hash(r.Enterprise) % 3),
				Pos: geo.Point{Lng: r.Longitude, Lat: r.Latitude}})
		}
		p := Point{Facility: r.Facility, Kind: r.Kind, RatedKW: r.RatedKW, Treats: -1, PowerCode: r.PowerCode,
			CurrentCode: r.CurrentCode, VoltageCode: r.VoltageCode, EnergyCode: r.EnergyCode}
		if p.RatedKW <= 0 {
			p.RatedKW = 100
		}
		p.Load = 0.55 + 0.35*float64(hash(r.MN+r.Facility)%1000)/1000
		out[i].Points = append(out[i].Points, p)
	}
	for _, r := range rows {
		for _, tb := range r.TreatedBy {
			t := &out[idx[r.MN]]
			prod, treat := pointNamed(t, r.Facility), pointNamed(t, tb.Facility)
			if r.MN != "" && prod >= 0 && treat >= 0 && t.Points[treat].Treats < 0 {
				t.Points[treat].Treats = prod
			}
		}
	}
	return out
}

func pointNamed(t *Terminal, facility string) int {
	for i, p := range t.Points {
		if p.Facility == facility {
			return i
		}
	}
	return -1
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// An override replaces a point's normal behaviour during [from, to): the
// scripted violations.
type override struct {
	point    int
	from, to time.Time
	on       bool    // forced running (true) or stopped (false)
	scale    float64 // share of the normal running load; 0 means 1
}

// model computes a terminal's readings from its schedule and overrides.
type model struct {
	t         *Terminal
	seed      uint64
	overrides []override
}

// forced returns the override of point i at t, if any.
func (m *model) forced(i int, at time.Time) (override, bool) {
	for _, o := range m.overrides {
		if o.point == i && !at.Before(o.from) && at.Before(o.to) {
			return o, true
		}
	}
	return override{}, false
}

// running reports whether point i runs at t. A treatment unit starts 15
// minutes before its production and stops 10 minutes after it.
func (m *model) running(i int, at time.Time) bool {
	if o, ok := m.forced(i, at); ok {
		return o.on
	}
	p := m.t.Points[i]
	if !p.treatment() || p.Treats < 0 {
		day := at.In(store.Beijing).YearDay()
		jitter := time.Duration(hash(fmt.Sprint(m.t.MN, i, day))%4) * 5 * time.Minute
		return m.t.Schedule.working(at, jitter)
	}
	for d := -10 * time.Minute; d <= 15*time.Minute; d += 5 * time.Minute {
		if m.running(p.Treats, at.Add(d)) {
			return true
		}
	}
	return false
}

// sample returns the readings of every point at t, E left 0: the counters
// are the terminal's state.
func (m *model) sample(at time.Time) []Reading {
	out := make([]Reading, len(m.t.Points))
	for i, p := range m.t.Points {
		n := newNoise(m.seed^hash(m.t.MN), at, i)
		on := m.running(i, at)
		load := p.Load
		if load <= 0 {
			load = 0.7
		}
		pw := p.RatedKW * idleShare * (1 + 0.1*n.norm())
		if on {
			pw = p.RatedKW * load * m.shape(i, at) * (1 + 0.03*n.norm())
			if o, ok := m.forced(i, at); ok && o.scale > 0 {
				pw *= o.scale
			}
		}
		out[i] = electrical(math.Max(0, pw), on, n)
	}
	return out
}

// shape is the running load's daily form: a slow wave over the day, the
// lunch dip of day shifts, and for treatment a lag behind its production
// (full draw only once production has run for a slot).
func (m *model) shape(i int, at time.Time) float64 {
	p := m.t.Points[i]
	l := at.In(store.Beijing)
	frac := (float64(l.Hour()) + float64(l.Minute())/60) / 24
	w := 1 + 0.06*math.Sin(2*math.Pi*frac)
	switch {
	case p.treatment() && p.Treats >= 0:
		if !m.running(p.Treats, at.Add(-5*time.Minute)) {
			w *= 0.8
		}
	case lunch(m.t.Schedule, at):
		w *= 0.45
	}
	return w
}
