package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"powerwatch/store"
)

// TestAlarmNotification ensures a violation alarm becomes a desktop
// notification and a device alarm does not.
func TestAlarmNotification(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	violation := store.Alarm{Type: store.TreatmentOff, Grade: store.Severe, Start: demoNow.Add(-time.Hour)}
	test.AssertNotificationSent(t, fyne.NewNotification("违法报警：治污设施未同步运行", "华北建材有限公司，03-18 15:30 起，严重"),
		func() { s.AlarmRaised(violation, "华北建材有限公司") })
	test.AssertNotificationSent(t, nil, func() {
		s.AlarmRaised(store.Alarm{Type: store.Offline, Grade: store.Minor, Start: demoNow}, "华北建材有限公司")
	})
}

func TestStatusBar(t *testing.T) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.SetOnline(3, 4)
	s.PacketReceived("330100000000000000000001", demoNow)
	got := texts(w.Content())
	for _, want := range []string{"监听 0.0.0.0:9212", "在线终端 3 / 4", "最后数据 2026-03-18 16:30:00（330100000000000000000001）"} {
		if !containsLine(got, want) {
			t.Errorf("status bar lacks %q", want)
		}
	}
}

func containsLine(text, line string) bool {
	for _, l := range splitLines(text) {
		if l == line {
			return true
		}
	}
	return false
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// TestDiagramMarkup keeps the 产治排 diagram of the demo enterprise in a
// master file (ui/testdata/diagram.xml): boxes per column, active links blue,
// the standby link marked 备.
func TestDiagramMarkup(t *testing.T) {
	s, _ := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	p := openEnterprise(t, s, 1)
	p.tabs.SelectIndex(2)
	test.AssertObjectRendersToMarkup(t, "diagram.xml", p.diagram)
}
