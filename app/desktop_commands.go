package main

import (
	"context"
	"fmt"
	"time"

	"powerwatch/listener"
	"powerwatch/store"
)

// listenerCommands gives the terminal page the listener's commands, built
// with the listener's own builders (which check HJ 212's ranges), queued as
// the operator.
type listenerCommands struct {
	srv *listener.Server
}

func (l listenerCommands) enqueue(ctx context.Context, who string, c store.Command) (store.Command, error) {
	c.Origin = who
	return l.srv.EnqueueCommand(ctx, c)
}

// SetIntervals queues CN 1062 (real-time interval) and CN 1064 (minute-data
// interval) and returns the second.
func (l listenerCommands) SetIntervals(ctx context.Context, who, mn string, rtd, min time.Duration) (store.Command, error) {
	c, err := listener.SetRealtimeInterval(mn, rtd)
	if err != nil {
		return store.Command{}, err
	}
	if _, err := l.enqueue(ctx, who, c); err != nil {
		return store.Command{}, err
	}
	if c, err = listener.SetMinuteInterval(mn, min); err != nil {
		return store.Command{}, err
	}
	return l.enqueue(ctx, who, c)
}

// SyncTime queues CN 1012 with the centre's time.
func (l listenerCommands) SyncTime(ctx context.Context, who, mn string) (store.Command, error) {
	return l.enqueue(ctx, who, listener.SetTime(mn))
}

// PullHistory asks for the data of [from, to] again: CN 2011 with ST=44 from
// an HJ 212-2025 terminal, minute data (CN 2051) from older ones.
func (l listenerCommands) PullHistory(ctx context.Context, who, mn string, from, to time.Time) (store.Command, error) {
	cn := "2051"
	for _, t := range l.srv.Terminals() {
		if t.MN == mn && t.Protocol == "2025" {
			cn = "2011"
		}
	}
	c, err := listener.HistoryPull(mn, cn, from, to)
	if err != nil {
		return store.Command{}, fmt.Errorf("pull history of %s: %w", mn, err)
	}
	return l.enqueue(ctx, who, c)
}
