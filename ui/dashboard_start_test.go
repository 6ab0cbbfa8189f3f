package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"powerwatch/store"
)

// TestDashboardReviewList: today's violations still to review are listed,
// and one tap opens the alarm in 报警.
func TestDashboardReviewList(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	if len(s.dash.review) == 0 {
		t.Fatal("no alarm to review listed on the dashboard of the demo district")
	}
	for _, a := range s.dash.review {
		if !a.Type.NeedsReview() || a.Disposition != store.Undecided {
			t.Errorf("listed alarm %d: type %s, disposition %q", a.ID, a.Type, a.Disposition)
		}
		if a.Start.Before(dayStart(demoNow)) && (a.End.IsZero() || a.End.Before(dayStart(demoNow))) {
			t.Errorf("listed alarm %d is not of today: %v–%v", a.ID, a.Start, a.End)
		}
	}
	line := s.dash.reviewLine(s.dash.review[0])
	if !strings.Contains(line, s.alarmType(s.dash.review[0].Type)) || strings.Contains(line, "  · ") {
		t.Errorf("list line %q lacks the type or the enterprise", line)
	}
	id := s.dash.review[0].ID
	s.dash.list.Select(0)
	s.Wait()
	if s.Current() != ViewAlarms {
		t.Fatalf("tapping the list showed %s, want the alarms", s.Current())
	}
	if s.alarms.curID != id || s.alarms.shown.ID != id {
		t.Errorf("alarm under review = %d (shown %d), want %d", s.alarms.curID, s.alarms.shown.ID, id)
	}
}

// TestDashboardStartSteps: a database without terminals shows the three
// next steps with this PC's port; a district with terminals does not.
func TestDashboardStartSteps(t *testing.T) {
	empty := &fakeStore{}
	d := demoDeps(empty, demoNow)
	d.ListenOn = "0.0.0.0:9212"
	s, _ := mustShell(t, d)
	if !s.dash.start.Visible() {
		t.Fatal("the next steps are hidden on an empty database")
	}
	got := texts(s.dash.start)
	for _, want := range []string{"导入企业名录", "端口 9212", "powerwatch demo"} {
		if !strings.Contains(got, want) {
			t.Errorf("the next steps do not say %q:\n%s", want, got)
		}
	}
	test.Tap(button(t, s.dash.start, s.tr.T("dash.goto", s.tr.T("nav.enterprises"))))
	if s.Current() != ViewEnterprises {
		t.Errorf("the import step opened %s", s.Current())
	}

	s2, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	if s2.dash.start.Visible() {
		t.Error("the next steps are shown on a district with terminals")
	}
}

func TestListenAddresses(t *testing.T) {
	tests := []struct {
		in    string
		host  string // "" when the LAN's addresses are listed
		port  string
		valid bool
	}{
		{"192.168.1.20:9212", "192.168.1.20", "9212", true},
		{"0.0.0.0:9212", "", "9212", true},
		{":7000", "", "7000", true},
		{"", "", "", false},
		{"nonsense", "", "", false},
	}
	for _, tt := range tests {
		hosts, port, ok := listenAddresses(tt.in)
		if ok != tt.valid || port != tt.port {
			t.Errorf("listenAddresses(%q) = %v %q %v", tt.in, hosts, port, ok)
			continue
		}
		if ok && tt.host != "" && (len(hosts) != 1 || hosts[0] != tt.host) {
			t.Errorf("listenAddresses(%q) hosts = %v, want %s", tt.in, hosts, tt.host)
		}
		if ok && len(hosts) == 0 {
			t.Errorf("listenAddresses(%q) gives no address", tt.in)
		}
	}
}
