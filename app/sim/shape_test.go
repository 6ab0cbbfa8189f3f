package sim

import (
	"math"
	"testing"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// monday is a Monday midnight in Beijing.
var monday = time.Date(2026, 11, 16, 0, 0, 0, 0, store.Beijing)

func TestReadingsAreElectricallyConsistent(t *testing.T) {
	for _, term := range District(20, 7) {
		m := &model{t: &term, seed: 7}
		c := newCounters(&term, 7)
		prev := c.snapshot()
		for at := monday; at.Before(monday.AddDate(0, 0, 7)); at = at.Add(defaultInterval) {
			vals := c.advance(m.sample(at), defaultInterval)
			for i, v := range vals {
				// Rounding of I to 0.01 A allows a few W of difference.
				if p := math.Sqrt(3) * v.U * v.I * v.PF / 1000; math.Abs(p-v.P) > 0.01*max(1, v.P) {
					t.Fatalf("%s point %d at %s: P = %.3f kW but √3·U·I·PF = %.3f kW (U %.1f, I %.2f, PF %.3f)",
						term.MN, i, at, v.P, p, v.U, v.I, v.PF)
				}
				if v.E < prev[i] || math.Abs(v.E-prev[i]-v.P/12) > 0.011 {
					t.Fatalf("%s point %d at %s: counter %.2f after %.2f at %.3f kW, want +P·5min", term.MN, i, at, v.E, prev[i], v.P)
				}
				if v.U < 370 || v.U > 390 || v.PF <= 0 || v.PF > 1 {
					t.Fatalf("%s point %d at %s: U %.1f V, PF %.3f out of range", term.MN, i, at, v.U, v.PF)
				}
			}
			prev = c.snapshot()
		}
	}
}

func TestLoadShapes(t *testing.T) {
	prod := Point{Kind: store.Production, RatedKW: 200, Load: 0.8, Treats: -1}
	treat := Point{Kind: store.Treatment, RatedKW: 50, Load: 0.7, Treats: 0}
	running := func(s Schedule, at time.Time) (bool, bool) {
		term := &Terminal{MN: MN(0), Schedule: s, Points: []Point{prod, treat}}
		m := &model{t: term, seed: 1}
		v := m.sample(at)
		// Running means above the 20 % of rated power a derived threshold asks.
		return v[0].P > 0.2*prod.RatedKW, v[1].P > 0.2*treat.RatedKW
	}
	tests := []struct {
		name        string
		s           Schedule
		at          time.Time
		prod, treat bool
	}{
		{"day shift runs on a weekday morning", DayShift, monday.Add(10 * time.Hour), true, true},
		{"day shift stops at night", DayShift, monday.Add(2 * time.Hour), false, false},
		{"day shift stops on Saturday", DayShift, monday.AddDate(0, 0, 5).Add(10 * time.Hour), false, false},
		{"two shifts run in the evening", TwoShifts, monday.Add(22 * time.Hour), true, true},
		{"two shifts stop on Sunday", TwoShifts, monday.AddDate(0, 0, 6).Add(10 * time.Hour), false, false},
		{"continuous work runs at night", Continuous, monday.Add(3 * time.Hour), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, tr := running(tt.s, tt.at)
			if p != tt.prod || tr != tt.treat {
				t.Errorf("at %s: production running %v, treatment %v; want %v, %v", tt.at.Format("Mon 15:04"), p, tr, tt.prod, tt.treat)
			}
		})
	}
}

func TestTreatmentLeadsAndLagsProduction(t *testing.T) {
	term := &Terminal{MN: MN(3), Schedule: DayShift, Points: []Point{
		{Kind: store.Production, RatedKW: 200, Treats: -1}, {Kind: store.Treatment, RatedKW: 50, Treats: 0}}}
	m := &model{t: term, seed: 1}
	var start, stop time.Time
	for at := monday; at.Before(monday.AddDate(0, 0, 1)); at = at.Add(defaultInterval) {
		on, was := m.running(0, at), m.running(0, at.Add(-defaultInterval))
		switch {
		case on && !was:
			start = at
		case !on && was:
			stop = at
		}
	}
	if start.IsZero() || stop.IsZero() {
		t.Fatalf("production never started or stopped on a Monday (start %v, stop %v)", start, stop)
	}
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"treatment runs 15 min before production starts", start.Add(-15 * time.Minute), true},
		{"but not 20 min before", start.Add(-20 * time.Minute), false},
		{"treatment runs on 5 min after production stops", stop.Add(5 * time.Minute), true},
		{"and stops 10 min after", stop.Add(10 * time.Minute), false},
	}
	for _, tt := range tests {
		if got := m.running(1, tt.at); got != tt.want {
			t.Errorf("%s: treatment running at %s = %v (production %s–%s)", tt.name, tt.at.Format("15:04"), got,
				start.Format("15:04"), stop.Format("15:04"))
		}
	}
}

func TestViolationsOverrideTheShape(t *testing.T) {
	terms := District(3, 1)
	start := monday.Add(time.Hour) // night: day-shift production would be off
	vs := PlanViolations(terms, start, 8*time.Hour)
	if len(vs) != 3 {
		t.Fatalf("PlanViolations = %d, want one of each kind", len(vs))
	}
	for _, v := range vs {
		var term *Terminal
		for i := range terms {
			if terms[i].MN == v.MN {
				term = &terms[i]
			}
		}
		m := &model{t: term, seed: 1, overrides: v.overrides(term)}
		mid := v.From.Add(v.To.Sub(v.From) / 2)
		for i, p := range term.Points {
			on := m.running(i, mid)
			switch {
			case p.Facility == v.Production && !on:
				t.Errorf("%s: %s stopped during the violation, want it running", v.Kind, p.Facility)
			case p.Facility == v.Treatment && on:
				t.Errorf("%s: %s running during the violation, want it stopped", v.Kind, p.Facility)
			}
		}
		if _, ok := v.Order(); ok == (v.Kind == TreatmentOff) {
			t.Errorf("%s: Order ok = %v", v.Kind, ok)
		}
	}
}

func TestFramesParse(t *testing.T) {
	for _, v := range []hj212.Version{hj212.Version2025, hj212.Version2017} {
		fs := Frames(MN(1), "123456", monday, 288, v)
		if len(fs) != 288 {
			t.Fatalf("%s: %d frames, want 288", v, len(fs))
		}
		qns := map[string]bool{}
		for k, f := range fs {
			p, err := hj212.Parse(f)
			if err != nil {
				t.Fatalf("%s frame %d: %v", v, k, err)
			}
			dt, _ := p.DataTime()
			if want := monday.Add(time.Duration(k) * defaultInterval); !dt.Equal(want) || !p.Flag.Answer() || p.Version() != v {
				t.Fatalf("%s frame %d: DataTime %s flag %d, want %s with A set", v, k, dt, p.Flag, want)
			}
			if qns[p.QN] {
				t.Fatalf("%s frame %d: QN %s repeats", v, k, p.QN)
			}
			qns[p.QN] = true
		}
	}
}

func TestSplitUploadsFitTheStandard(t *testing.T) {
	term := District(1, 1)[0]
	for len(term.Points) < 16 {
		term.Points = append(term.Points, withCodes(Point{Kind: store.Production, RatedKW: 90, Treats: -1}, 2, len(term.Points)+1))
	}
	fs, err := TerminalFrames(&term, monday, 1, hj212.Version2017, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) < 2 {
		t.Fatalf("%d frames for 16 points, want a split upload", len(fs))
	}
	for i, f := range fs {
		p, err := hj212.Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		// HJ212-2017 Table 2: the data segment is at most 1024 bytes.
		if p.Nonconforming || !p.Flag.Split() || p.PNUM != len(fs) || p.PNO != i+1 {
			t.Errorf("part %d: %d bytes, Flag %d, PNUM %d, PNO %d", i+1, len(f), p.Flag, p.PNUM, p.PNO)
		}
	}
}

func TestFromRowsKeepsTheRegistry(t *testing.T) {
	want := District(4, 9)
	got := FromRows(Rows(want, monday))
	if len(got) != len(want) {
		t.Fatalf("FromRows: %d terminals, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].MN != want[i].MN || got[i].PW != want[i].PW || len(got[i].Points) != len(want[i].Points) {
			t.Fatalf("terminal %d: %s/%s with %d points, want %s/%s with %d", i, got[i].MN, got[i].PW, len(got[i].Points),
				want[i].MN, want[i].PW, len(want[i].Points))
		}
		for j, p := range want[i].Points {
			g := got[i].Points[j]
			if g.Treats != p.Treats || g.PowerCode != p.PowerCode || g.EnergyCode != p.EnergyCode || g.Kind != p.Kind {
				t.Errorf("terminal %d point %d: %+v, want %+v", i, j, g, p)
			}
		}
	}
}

// BenchmarkFrames measures how fast the listener's benchmarks can get a
// day of one terminal's uploads (288 frames).
func BenchmarkFrames(b *testing.B) {
	for b.Loop() {
		Frames(MN(0), "123456", monday, 288, hj212.Version2025)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*288), "ns/frame")
}

func TestShapeIsWhatTheSimulatorSends(t *testing.T) {
	term := BenchTerminal(MN(5), "123456")
	s := NewShape(&term, 1)
	frames := Frames(term.MN, term.PW, monday, 3, hj212.Version2025)
	for k, f := range frames {
		p, err := hj212.Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		vals := s.Next(monday.Add(time.Duration(k)*defaultInterval), defaultInterval)
		for i, pt := range term.Points {
			got, _ := p.Float(pt.PowerCode, "Rtd")
			e, _ := p.Float(pt.EnergyCode, "Rtd")
			if got != vals[i].P || e != vals[i].E || !s.Running(i, monday) {
				t.Errorf("slot %d point %d: frame P %v E %v, Shape P %v E %v", k, i, got, e, vals[i].P, vals[i].E)
			}
		}
	}
}
