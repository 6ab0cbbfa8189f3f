package sim

import (
	"fmt"
	"strconv"
	"time"

	"powerwatch/listener/hj212"
)

// Upload commands.
const (
	cnRealtime = hj212.CNRealtime      // 2011: HJ 212-2025 ST=44 electricity data (peers)
	cnMinute   = hj212.CNMinuteHistory // 2051: HJ 212-2017 minute data
	cnHour     = hj212.CNHourHistory   // 2061: HJ 212-2017 hour data
)

// System codes the simulated terminals send under.
const (
	st2025 = hj212.STElectricity // 44
	st2017 = "31"                // HJ212-2017 Table 5: air pollution source
)

// cpBudget is how many bytes of CP fields one frame carries before the
// upload is split (HJ212-2017 Table 2: a data segment is at most 1024 bytes,
// of which the header takes about 120).
const cpBudget = 800

// encoder writes a terminal's uploads in its protocol edition.
type encoder struct {
	t       *Terminal
	version hj212.Version
	key     []byte // SM4 key when the CP is encrypted (2025)
}

func newEncoder(t *Terminal, v hj212.Version) (*encoder, error) {
	e := &encoder{t: t, version: v}
	if t.SM4Key != "" && v == hj212.Version2025 {
		k, err := hj212.ParseKey(t.SM4Key)
		if err != nil {
			return nil, fmt.Errorf("terminal %s: SM4 key: %w", t.MN, err)
		}
		e.key = k
	}
	return e, nil
}

// uploadCN is the command a terminal of version v sends its 5-minute data with.
func uploadCN(v hj212.Version) string {
	if v == hj212.Version2025 {
		return cnRealtime
	}
	return cnMinute
}

func (e *encoder) st() string {
	if e.version == hj212.Version2025 {
		return st2025
	}
	return st2017
}

// period summarises a point's readings over an upload period.
type period struct {
	pMin, pAvg, pMax, i, u, pf float64
	eEnd, eCou                 float64
}

// summarise returns point i's period over recs, which are step apart and
// whose counters include each record's own step.
func summarise(recs []*record, i int, prevE float64) period {
	var s period
	s.pMin = recs[0].vals[i].P
	for _, r := range recs {
		v := r.vals[i]
		s.pMin, s.pMax = min(s.pMin, v.P), max(s.pMax, v.P)
		s.pAvg += v.P
		s.i += v.I
		s.u += v.U
		s.pf += v.PF
	}
	n := float64(len(recs))
	s.pAvg, s.i, s.u, s.pf = s.pAvg/n, s.i/n, s.u/n, s.pf/n
	s.eEnd = recs[len(recs)-1].vals[i].E
	s.eCou = s.eEnd - prevE
	return s
}

func ff(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// pointFields are one point's CP pairs: real-time values (2011, HJ212-2017
// Table 4 -Rtd) or a period's -Min/-Avg/-Max, the energy counter at the
// period's end as -Max and its increase as -Cou (2051, 2061).
func (e *encoder) pointFields(cn string, p Point, s period) []hj212.Field {
	var fs []hj212.Field
	add := func(code, suffix, v string) {
		if code != "" {
			fs = append(fs, hj212.Field{Key: code + "-" + suffix, Value: v, Grouped: len(fs) > 0 && fs[len(fs)-1].Code() == code})
		}
	}
	if cn == cnRealtime {
		add(p.PowerCode, "Rtd", ff(s.pAvg, 3))
		add(p.PowerCode, "Flag", "N")
		add(p.CurrentCode, "Rtd", ff(s.i, 2))
		add(p.VoltageCode, "Rtd", ff(s.u, 1))
		add(p.EnergyCode, "Rtd", ff(s.eEnd, 2))
		add(p.PFCode, "Rtd", ff(s.pf, 3))
		return fs
	}
	add(p.PowerCode, "Min", ff(s.pMin, 3))
	add(p.PowerCode, "Avg", ff(s.pAvg, 3))
	add(p.PowerCode, "Max", ff(s.pMax, 3))
	add(p.PowerCode, "Flag", "N")
	add(p.CurrentCode, "Avg", ff(s.i, 2))
	add(p.VoltageCode, "Avg", ff(s.u, 1))
	add(p.EnergyCode, "Cou", ff(s.eCou, 2))
	add(p.EnergyCode, "Max", ff(s.eEnd, 2))
	add(p.PFCode, "Avg", ff(s.pf, 3))
	return fs
}

// packets builds the upload of cn for the period starting (or, for 2011,
// sampled) at `at`, split into parts when it would not fit one frame
// (HJ212-2017 Table 3: Flag bit D, PNUM, PNO). QNs are set when sent.
func (e *encoder) packets(cn string, at time.Time, recs []*record, prevE []float64) []*hj212.Packet {
	budget := cpBudget
	if e.key != nil {
		budget /= 2 // hex ciphertext is twice the plaintext
	}
	var groups [][]hj212.Field
	var cur []hj212.Field
	size := 0
	for i, p := range e.t.Points {
		fs := e.pointFields(cn, p, summarise(recs, i, prevE[i]))
		n := 0
		for _, f := range fs {
			n += len(f.Key) + len(f.Value) + 2
		}
		if size+n > budget && len(cur) > 0 {
			groups, cur, size = append(groups, cur), nil, 0
		}
		cur, size = append(cur, fs...), size+n
	}
	groups = append(groups, cur)
	st := e.st()
	out := make([]*hj212.Packet, len(groups))
	for k, g := range groups {
		p := &hj212.Packet{ST: st, CN: cn, PW: e.t.PW, MN: e.t.MN, Flag: hj212.FlagFor(e.version, true, len(groups) > 1)}
		if len(groups) > 1 {
			p.PNUM, p.PNO = len(groups), k+1
		}
		p.SetFields(append([]hj212.Field{{Key: "DataTime", Value: hj212.FormatN14(at)}}, g...))
		out[k] = p
	}
	return out
}

// frame encodes p with QN qn, encrypting its CP when the terminal has a key.
func (e *encoder) frame(p *hj212.Packet, qn string) ([]byte, error) {
	q := *p
	q.QN = qn
	pk := &q
	if e.key != nil {
		var err error
		if pk, err = q.Encrypt(e.key, hj212.CipherOptions{}); err != nil {
			return nil, fmt.Errorf("encrypt CN %s of %s: %w", p.CN, p.MN, err)
		}
	}
	b, err := pk.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode CN %s of %s: %w", p.CN, p.MN, err)
	}
	return b, nil
}

// BenchTerminal is the terminal Frames simulates: one production facility
// and its treatment unit, each with power, current, voltage and energy — the
// 8-factor ST=44 upload of the listener's benchmarks. Rows registers it.
func BenchTerminal(mn, pw string) Terminal {
	t := Terminal{MN: mn, PW: pw, Enterprise: "北京基准测试有限公司 " + mn, Schedule: Continuous}
	prod := withCodes(Point{Facility: "熔炼炉1", Kind: "production", RatedKW: 315, Load: 0.8, Treats: -1}, 2, 1)
	treat := withCodes(Point{Facility: "布袋除尘器1", Kind: "treatment", RatedKW: 55, Load: 0.7, Treats: 0}, 3, 2)
	prod.PFCode, treat.PFCode = "", ""
	t.Points = []Point{prod, treat}
	return t
}

// Frames returns the n consecutive 5-minute uploads of BenchTerminal(mn, pw)
// from start, in protocol v (hj212.Version2025: ST=44 CN=2011; 2017: ST=31
// CN=2051), each a complete frame with Flag bit A set and a distinct QN.
func Frames(mn, pw string, start time.Time, n int, v hj212.Version) [][]byte {
	t := BenchTerminal(mn, pw)
	out, err := TerminalFrames(&t, start, n, v, 1)
	if err != nil {
		panic(err) // BenchTerminal always encodes
	}
	return out
}

// TerminalFrames returns the frames of t's n consecutive 5-minute uploads
// from start (aligned down to 5 minutes), generated as the simulator does.
func TerminalFrames(t *Terminal, start time.Time, n int, v hj212.Version, seed uint64) ([][]byte, error) {
	enc, err := newEncoder(t, v)
	if err != nil {
		return nil, err
	}
	m := &model{t: t, seed: seed}
	c := newCounters(t, seed)
	cn := uploadCN(v)
	at := start.Truncate(defaultInterval)
	var out [][]byte
	for k := range n {
		r := &record{at: at, prevE: c.snapshot()}
		r.vals = c.advance(m.sample(at), defaultInterval)
		for _, p := range enc.packets(cn, at, []*record{r}, r.prevE) {
			b, err := enc.frame(p, hj212.NewQN(at.Add(time.Duration(k%1000)*time.Millisecond+2*time.Second)))
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		at = at.Add(defaultInterval)
	}
	return out, nil
}

// counters are a terminal's energy counters (kWh), one per point.
type counters struct{ e []float64 }

func newCounters(t *Terminal, seed uint64) *counters {
	c := &counters{e: make([]float64, len(t.Points))}
	for i := range c.e {
		c.e[i] = float64(1000 + hash(fmt.Sprint(t.MN, i, seed))%90000)
	}
	return c
}

func (c *counters) snapshot() []float64 { return append([]float64(nil), c.e...) }

// advance adds each point's energy over step at its power and returns vals
// with the counters filled in.
func (c *counters) advance(vals []Reading, step time.Duration) []Reading {
	for i := range vals {
		c.e[i] = round(c.e[i]+vals[i].P*step.Hours(), 100)
		vals[i].E = c.e[i]
	}
	return vals
}
