package service

import (
	"context"
	"fmt"

	"powerwatch/store"
)

// A Status is what the window's status bar shows of the running service:
// the terminals online out of those registered, and the one heard last.
type Status struct {
	Online, Registered int
	Newest             store.TerminalState // zero when no terminal was heard yet
}

// Status counts the terminals the listener has online, the terminals
// registered, and finds the one heard last.
func (m *Main) Status(ctx context.Context) (Status, error) {
	var s Status
	if m.Listener != nil {
		for _, t := range m.Listener.Terminals() {
			if t.Online {
				s.Online++
			}
			if t.LastSeen.After(s.Newest.LastSeen) {
				s.Newest = t
			}
		}
	}
	registered, err := m.DB.FindTerminals(ctx, store.TerminalFilter{})
	if err != nil {
		return s, fmt.Errorf("status: registered terminals: %w", err)
	}
	s.Registered = len(registered)
	return s, nil
}
