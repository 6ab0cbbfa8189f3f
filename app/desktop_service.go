package main

import (
	"context"
	"fmt"
	"time"

	"powerwatch/store"
	"powerwatch/ui"
)

// statusEvery is how often the window's status bar is told the online count
// and the newest packet.
const statusEvery = 5 * time.Second

// Start runs the service for the desktop app: the same Run as `serve`.
func (m *Main) Start(ctx context.Context) error { return m.Run(ctx) }

// UIDeps hands the screens the store, the running listener (commands,
// quarantine), maintenance, the uplink status and the holiday calendar.
func (m *Main) UIDeps() ui.Deps {
	db := m.DB
	d := m.withHolidays(withReview(db, ui.Deps{Registry: db, Editor: db, Readings: db, Stats: db, Alarms: db, Terminals: db,
		Transfer: registryTransfer{st: db, lim: m.Config.Import.limits()}, Commands: listenerCommands{srv: m.Listener}, Quarantine: m.Listener,
		Maintenance: m.MaintenanceUI(), Uplink: m, Inbox: m, ListenOn: m.Addr().String(), Operator: operatorName()}))
	d.Orders = orderDesk{DB: db, lim: m.Config.Import.limits(), district: m.Config.Uplink.District}
	// The map highlights the bureau's district: the name it sends the city
	// under (uplink.district), else the district most enterprises are in.
	d.Map, d.District = db, m.Config.Uplink.District
	return d
}

// Subscribe tells n, from the service's goroutines, of every new violation
// alarm and, every few seconds, of the terminals online and the newest packet.
func (m *Main) Subscribe(n ui.Notifier) {
	if m.alarms != nil {
		m.alarms.SetNotify(func(a store.Alarm) {
			name := fmt.Sprintf("#%d", a.EnterpriseID)
			if e, err := m.DB.EnterpriseByID(context.Background(), a.EnterpriseID); err == nil {
				name = e.Name
			}
			n.AlarmRaised(a, name)
		})
	}
	if m.Listener == nil || m.served == nil {
		return
	}
	go func() {
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			m.reportStatus(n)
			select {
			case <-m.served: // the listener stopped: the service is closing
				return
			case <-t.C:
			}
		}
	}()
}

func (m *Main) reportStatus(n ui.Notifier) {
	states := m.Listener.Terminals()
	online := 0
	var newest store.TerminalState
	for _, s := range states {
		if s.Online {
			online++
		}
		if s.LastSeen.After(newest.LastSeen) {
			newest = s
		}
	}
	registered, err := m.DB.FindTerminals(context.Background(), store.TerminalFilter{})
	if err != nil {
		return
	}
	n.SetOnline(online, len(registered))
	if !newest.LastSeen.IsZero() {
		n.PacketReceived(newest.MN, newest.LastSeen)
	}
}
