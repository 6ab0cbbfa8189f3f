package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

type fakeUplink struct {
	statusFn func(ctx context.Context) ([]store.UpstreamStatus, error)
}

func (f fakeUplink) UplinkStatus(ctx context.Context) ([]store.UpstreamStatus, error) {
	return f.statusFn(ctx)
}

// TestSettingsUplink ensures 设置 shows each upstream's state, queue, oldest
// undelivered item, last success and last error, warns about a queue over
// its limit, and says so when nothing is configured or the status fails.
func TestSettingsUplink(t *testing.T) {
	for _, tt := range []struct {
		name  string
		deps  Deps
		wants []string
	}{
		{"no uplink in Deps", Deps{}, []string{"未配置上传目标"}},
		{"status fails", Deps{Uplink: fakeUplink{func(context.Context) ([]store.UpstreamStatus, error) {
			return nil, errors.New("database is locked")
		}}}, []string{"市级平台上传: "}},
		{"two upstreams", Deps{Uplink: fakeUplink{func(context.Context) ([]store.UpstreamStatus, error) {
			return []store.UpstreamStatus{
				{Target: "10.1.1.1:9212", Kind: "hj212", Connected: false, Pending: 120001, Oldest: demoNow.Add(-3e12),
					LastOK: demoNow.Add(-4e12), LastError: "connect to 10.1.1.1:9212: connection refused", LastErrorAt: demoNow, Resent: 4, OverLimit: true},
				{Target: "https://city.example/api", Kind: "json", Connected: true, LastOK: demoNow},
			}, nil
		}}}, []string{"[HJ 212 转发]  10.1.1.1:9212  —  未连接", "待发送 120001 条", "重发 4 条", "队列超过上限", "connection refused",
			"[共享数据 JSON]  https://city.example/api  —  已连接", "最近成功 2026-03-18 16:30:00"}},
		{"write-and-count, requests refused", Deps{Uplink: fakeUplink{func(context.Context) ([]store.UpstreamStatus, error) {
			return []store.UpstreamStatus{{Target: "a:1", Kind: "hj212", Connected: true, Conns: 12, WriteOnly: true, Requests: 2}}, nil
		}}}, []string{"a:1  —  已连接  12 个连接", "写出即计", "下发请求 2 条，已以 9011 拒绝"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustShell(t, tt.deps)
			s.Show(ViewSettings)
			s.Wait()
			got := texts(s.screens[ViewSettings].content())
			for _, w := range tt.wants {
				if !strings.Contains(got, w) {
					t.Errorf("settings view lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// fakeUplinkConfig is an UplinkStatus that can also be edited.
type fakeUplinkConfig struct {
	fakeUplink
	cur   UplinkSettings
	saved chan UplinkSettings
	err   error
}

func (f *fakeUplinkConfig) UplinkSettings() UplinkSettings { return f.cur }

func (f *fakeUplinkConfig) SetUplinkSettings(_ context.Context, s UplinkSettings) error {
	f.saved <- s
	return f.err
}

// TestSettingsUplinkEdit ensures the edit dialog shows the current
// upstreams, one a line, and saves what was typed, blank lines dropped.
func TestSettingsUplinkEdit(t *testing.T) {
	f := &fakeUplinkConfig{
		fakeUplink: fakeUplink{func(context.Context) ([]store.UpstreamStatus, error) { return nil, nil }},
		cur:        UplinkSettings{HJ212: []string{"a:1"}, Folder: "/x"},
		saved:      make(chan UplinkSettings, 1),
	}
	s, w := mustShell(t, Deps{Uplink: f})
	s.Show(ViewSettings)
	s.Wait()
	test.Tap(button(t, s.screens[ViewSettings].content(), "设置上传目标"))
	dlg := topDialog(t, w)
	var entries []*widget.Entry
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	if len(entries) != 3 || entries[0].Text != "a:1" || entries[2].Text != "/x" {
		t.Fatalf("dialog entries = %d, first %q; want 3 with the current upstreams", len(entries), entries[0].Text)
	}
	entries[0].SetText("a:1\n\n  city.example:9212 \n")
	entries[1].SetText("https://city.example/api")
	test.Tap(button(t, dlg, "保存"))
	got := <-f.saved
	s.Wait()
	want := UplinkSettings{HJ212: []string{"a:1", "city.example:9212"}, HTTP: []string{"https://city.example/api"}, Folder: "/x"}
	if strings.Join(got.HJ212, ",") != strings.Join(want.HJ212, ",") || strings.Join(got.HTTP, ",") != want.HTTP[0] || got.Folder != want.Folder {
		t.Errorf("saved %+v, want %+v", got, want)
	}
	if !strings.Contains(texts(topDialog(t, w)), "立即生效") {
		t.Errorf("after saving, dialog shows:\n%s", texts(topDialog(t, w)))
	}
}

// TestDashboardUplinkTile ensures 总览 shows how many upstreams are
// connected, what waits, and the over-limit warning.
func TestDashboardUplinkTile(t *testing.T) {
	for _, tt := range []struct {
		name  string
		sts   []store.UpstreamStatus
		wants []string
	}{
		{"none configured", nil, []string{"市级平台上传", "未配置上传目标"}},
		{"one of two connected", []store.UpstreamStatus{
			{Target: "a:1", Kind: "hj212", Connected: true, Pending: 3, Oldest: demoNow},
			{Target: "https://x", Kind: "json", Pending: 4},
		}, []string{"1 / 2", "待发送 7 条，最早 2026-03-18 16:30:00"}},
		{"over the limit", []store.UpstreamStatus{{Target: "a:1", Kind: "hj212", Pending: 9, OverLimit: true}},
			[]string{"0 / 1", "队列超过上限"}},
		{"write-and-count", []store.UpstreamStatus{{Target: "a:1", Kind: "hj212", Connected: true, WriteOnly: true}},
			[]string{"1 / 1", "写出即计"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustShell(t, Deps{Uplink: fakeUplink{func(context.Context) ([]store.UpstreamStatus, error) { return tt.sts, nil }}})
			s.Show(ViewDashboard)
			s.Wait()
			got := texts(s.screens[ViewDashboard].content())
			for _, w := range tt.wants {
				if !strings.Contains(got, w) {
					t.Errorf("dashboard lacks %q:\n%s", w, got)
				}
			}
			warn := len(tt.sts) > 0 && (tt.sts[0].OverLimit || tt.sts[0].WriteOnly)
			if red := s.screens[ViewDashboard].(*dashboardScreen).tiles["uplink"].detail.Importance == widget.DangerImportance; red != warn {
				t.Errorf("uplink tile red = %v, want %v", red, warn)
			}
		})
	}
}
