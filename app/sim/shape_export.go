package sim

import "time"

// A Shape computes one terminal's readings slot by slot as the simulator
// does — schedule, treatment lag, violations, P = √3·U·I·PF, counters — for
// generators that write readings straight into a database (app/gen) and
// should look like what the simulator sends.
type Shape struct {
	m *model
	c *counters
}

// NewShape returns the shape of t's points; the same t and seed give the
// same readings.
func NewShape(t *Terminal, seed uint64) *Shape {
	return &Shape{m: &model{t: t, seed: seed}, c: newCounters(t, seed)}
}

// Apply makes the shape follow v when v is of its terminal.
func (s *Shape) Apply(v Violation) {
	if v.MN == s.m.t.MN {
		s.m.overrides = append(s.m.overrides, v.overrides(s.m.t)...)
	}
}

// Running reports whether point i runs at t.
func (s *Shape) Running(i int, t time.Time) bool { return s.m.running(i, t) }

// Next returns the readings of every point at t and advances the energy
// counters by step at those powers. Call it for consecutive slots.
func (s *Shape) Next(t time.Time, step time.Duration) []Reading {
	return s.c.advance(s.m.sample(t), step)
}
