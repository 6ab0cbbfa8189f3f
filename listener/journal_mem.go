package listener

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"powerwatch/store"
)

// memJournal is the Journal of a Server without one: everything is kept in
// memory and lost at exit.
type memJournal struct {
	mu       sync.Mutex
	states   map[string]store.TerminalState
	events   []store.TerminalEvent
	quar     []store.QuarantinedPacket
	commands []store.Command
}

func (j *memJournal) SaveTerminalStates(_ context.Context, ss []store.TerminalState) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.states == nil {
		j.states = map[string]store.TerminalState{}
	}
	for _, s := range ss {
		j.states[s.MN] = s
	}
	return nil
}

func (j *memJournal) TerminalStates(context.Context) ([]store.TerminalState, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]store.TerminalState, 0, len(j.states))
	for _, s := range j.states {
		out = append(out, s)
	}
	return out, nil
}

func (j *memJournal) AddTerminalEvents(_ context.Context, es []store.TerminalEvent) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, es...)
	return nil
}

func (j *memJournal) AddQuarantined(_ context.Context, ps []store.QuarantinedPacket) error {
	j.mu.Lock()
	defer j.mu.Unlock()
next:
	for _, p := range ps {
		for i, q := range j.quar {
			if q.MN == p.MN && q.Reason == p.Reason {
				p.Count += q.Count
				p.FirstSeen = q.FirstSeen
				j.quar[i] = p
				continue next
			}
		}
		j.quar = append(j.quar, p)
	}
	return nil
}

func (j *memJournal) Quarantined(context.Context) ([]store.QuarantinedPacket, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := slices.Clone(j.quar)
	slices.SortFunc(out, func(a, b store.QuarantinedPacket) int { return b.LastSeen.Compare(a.LastSeen) })
	return out, nil
}

func (j *memJournal) DeleteQuarantined(_ context.Context, mn string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.quar)
	j.quar = slices.DeleteFunc(j.quar, func(q store.QuarantinedPacket) bool { return q.MN == mn })
	if len(j.quar) == n {
		return fmt.Errorf("release %s from quarantine: %w", mn, store.ErrNotFound)
	}
	return nil
}

func (j *memJournal) SaveCommand(_ context.Context, c store.Command) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if c.ID == 0 {
		c.ID = int64(len(j.commands) + 1)
		j.commands = append(j.commands, c)
		return c.ID, nil
	}
	if c.ID > int64(len(j.commands)) {
		return 0, fmt.Errorf("update command %d: %w", c.ID, store.ErrNotFound)
	}
	j.commands[c.ID-1] = c
	return c.ID, nil
}

func (j *memJournal) Commands(_ context.Context, mn string, limit int) ([]store.Command, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []store.Command
	for i := len(j.commands) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if mn == "" || j.commands[i].MN == mn {
			out = append(out, j.commands[i])
		}
	}
	return out, nil
}

func (j *memJournal) OpenCommands(context.Context) ([]store.Command, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []store.Command
	for _, c := range j.commands {
		if !c.Status.Final() {
			out = append(out, c)
		}
	}
	return out, nil
}
