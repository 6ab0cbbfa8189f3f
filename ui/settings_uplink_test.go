package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"powerwatch/store"
)

type fakeUplink struct {
	statusFn func(ctx context.Context) ([]store.UpstreamStatus, error)
}

func (f fakeUplink) UplinkStatus(ctx context.Context) ([]store.UpstreamStatus, error) { return f.statusFn(ctx) }

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
