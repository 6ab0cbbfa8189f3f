package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"powerwatch/app/service"

	"powerwatch/store"
	"powerwatch/ui"
)

// statusEvery is how often the window's status bar is told the online count
// and the newest packet.
const statusEvery = 5 * time.Second

// desk is the running service as the desktop sees it: service.Main with the
// adapters that speak the screens' types (ui.Deps, ui.Notifier,
// ui.UplinkSettings). It is the only place where the two meet.
type desk struct{ *service.Main }

// Start runs the service for the desktop app: the same Run as `serve`.
func (m desk) Start(ctx context.Context) error { return m.Run(ctx) }

// UIDeps hands the screens the store, the running listener (commands,
// quarantine), maintenance, the uplink status and the holiday calendar.
func (m desk) UIDeps() ui.Deps {
	db := m.DB
	d := withHolidays(m.Main, withReview(db, ui.Deps{Registry: db, Editor: db, Readings: db, Stats: db, Alarms: db, Terminals: db,
		Transfer: registryTransfer{st: db, lim: m.Config.Import.Limits()}, Commands: listenerCommands{srv: m.Listener}, Quarantine: m.Listener,
		Maintenance: m.MaintenanceUI(), Uplink: m, Inbox: m, ListenOn: m.Addr().String(), Operator: service.OperatorName()}))
	d.Orders = orderDesk{DB: db, lim: m.Config.Import.Limits(), district: m.Config.Uplink.District}
	// The map highlights the bureau's district: the name it sends the city
	// under (uplink.district), else the district most enterprises are in.
	d.Map, d.District = db, m.Config.Uplink.District
	return d
}

// Subscribe tells n, from the service's goroutines, of every new violation
// alarm and, every few seconds, of the terminals online and the newest packet.
func (m desk) Subscribe(n ui.Notifier) {
	m.OnViolation(func(a store.Alarm) {
		name := fmt.Sprintf("#%d", a.EnterpriseID)
		if e, err := m.DB.EnterpriseByID(context.Background(), a.EnterpriseID); err == nil {
			name = e.Name
		}
		n.AlarmRaised(a, name)
	})
	served := m.Served()
	if m.Listener == nil || served == nil {
		return
	}
	go func() {
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			m.reportStatus(n)
			select {
			case <-served: // the listener stopped: the service is closing
				return
			case <-t.C:
			}
		}
	}()
}

func (m desk) reportStatus(n ui.Notifier) {
	st, err := m.Status(context.Background())
	if err != nil {
		return
	}
	n.SetOnline(st.Online, st.Registered)
	if !st.Newest.LastSeen.IsZero() {
		n.PacketReceived(st.Newest.MN, st.Newest.LastSeen)
	}
}

// withHolidays gives the screens the working calendar of the data folder
// and, for the curves to show, what is wrong in its holidays.csv.
func withHolidays(m *service.Main, d ui.Deps) ui.Deps {
	d.Holidays, d.HolidaysErr = service.LoadHolidays(m.FS, filepath.Dir(m.Config.DB))
	if d.HolidaysErr != nil {
		m.Logger.Warn("holiday calendar", "err", d.HolidaysErr)
	}
	return d
}

// UplinkSettings returns the upstreams as 设置 edits them.
func (m desk) UplinkSettings() ui.UplinkSettings {
	u := m.Upstreams()
	return ui.UplinkSettings{HJ212: u.HJ212, HTTP: u.HTTP, Folder: u.Folder}
}

// SetUplinkSettings saves the upstreams edited in 设置 and puts them to work
// at once (service.Main.SetUpstreams).
func (m desk) SetUplinkSettings(_ context.Context, s ui.UplinkSettings) error {
	return m.SetUpstreams(service.Upstreams{HJ212: s.HJ212, HTTP: s.HTTP, Folder: s.Folder})
}

// MaintenanceUI is 运维 on the service's database and config.
func (m desk) MaintenanceUI() ui.Maintenance { return newMaintenanceUI(m.DB, m.FS, m.Config) }
