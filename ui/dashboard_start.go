package ui

import (
	"errors"
	"net"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// errNoHourly: the store keeps daily totals only.
var errNoHourly = errors.New("the store keeps no hourly totals")

// startCard is what an empty database shows above the tiles: the three next
// steps (import the registry, point the terminals at this PC, try the demo).
func (d *dashboardScreen) startCard() *widget.Card {
	tr := d.s.tr
	step := func(text string, action fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		if action == nil {
			return l
		}
		return container.NewBorder(nil, nil, nil, action, l)
	}
	addr := tr.T("dash.start.nolistener")
	if hosts, port, ok := listenAddresses(d.s.deps.ListenOn); ok {
		addr = tr.T("dash.start.address", strings.Join(hosts, tr.T("sched.sep")), port)
	}
	return widget.NewCard(tr.T("dash.start"), tr.T("dash.start.sub"), container.NewVBox(
		step(tr.T("dash.start.import"), widget.NewButton(tr.T("dash.goto", tr.T("nav.enterprises")), func() { d.s.Show(ViewEnterprises) })),
		step(tr.T("dash.start.terminals", addr), nil),
		step(tr.T("dash.start.demo"), nil)))
}

// listenAddresses are the addresses terminals reach the listener at: for a
// listener on every interface (0.0.0.0:9212) this PC's IPv4 addresses on
// the LAN, otherwise the one it listens on; and the port.
func listenAddresses(listenOn string) (hosts []string, port string, ok bool) {
	host, port, err := net.SplitHostPort(listenOn)
	if err != nil || port == "" {
		return nil, "", false
	}
	if host != "" && host != "0.0.0.0" && host != "::" {
		return []string{host}, port, true
	}
	hosts = lanAddresses()
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1"}
	}
	return hosts, port, true
}

// lanAddresses are the IPv4 addresses of this PC's interfaces that are up,
// loopback and link-local left out.
func lanAddresses() []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := i.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
				out = append(out, n.IP.String())
			}
		}
	}
	sort.Strings(out)
	return out
}

// openAlarm shows alarm id under review in 报警: at once when the queue
// lists it, else when its reload (started by showing the view) does.
func (s *Shell) openAlarm(id int64) {
	as := s.alarms
	as.curID, as.shown = id, store.Alarm{}
	s.Show(ViewAlarms)
	for i, r := range as.rows {
		if r.a.ID == id {
			as.open(i)
			return
		}
	}
}
