package proc

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// A Clock records when each phase of a start ended, in wall and CPU time.
type Clock struct {
	Title string // the first line Print writes
	mu    sync.Mutex
	start time.Time
	cpu0  time.Duration
	marks []mark
}

type mark struct {
	name string
	wall time.Time
	cpu  time.Duration
}

// NewClock starts now, or at the process's start when fromExec is set
// and that is known (with the CPU time counted from 0).
func NewClock(fromExec bool) *Clock {
	c := &Clock{Title: "desktop start-up, from the process's start"}
	if start, ok := Started(); fromExec && ok {
		c.start = start
		return c
	}
	if fromExec {
		c.Title = "desktop start-up, from the command (the process's start is not known here)"
	}
	c.start = time.Now()
	c.cpu0, _ = CPU()
	return c
}

// Mark records that the phase name ended now.
func (c *Clock) Mark(name string) {
	cpu, _ := CPU()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.marks = append(c.marks, mark{name, time.Now(), cpu})
}

// Print writes one line per phase: its wall and CPU time, and the totals so far.
func (c *Clock) Print(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, haveCPU := CPU()
	fmt.Fprintf(w, "%s\n%-10s %-10s %-10s %-10s  %s\n", c.Title, "wall", "cpu", "wall Σ", "cpu Σ", "phase")
	prevWall, prevCPU := c.start, c.cpu0
	for _, m := range c.marks {
		cpu, cpuSum := "—", "—"
		if haveCPU {
			cpu, cpuSum = ms(m.cpu-prevCPU), ms(m.cpu-c.cpu0)
		}
		fmt.Fprintf(w, "%-10s %-10s %-10s %-10s  %s\n", ms(m.wall.Sub(prevWall)), cpu, ms(m.wall.Sub(c.start)), cpuSum, m.name)
		prevWall, prevCPU = m.wall, m.cpu
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
