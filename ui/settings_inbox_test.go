package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"powerwatch/store"
)

// fakeInbox holds set-aside uploads; retryFn decides each retry.
type fakeInbox struct {
	failed  []store.InboxFailure
	retryFn func(id int64) error
}

func (f *fakeInbox) InboxFailed(context.Context) ([]store.InboxFailure, error) { return f.failed, nil }

func (f *fakeInbox) RetryInboxFailed(_ context.Context, id int64) error {
	if err := f.retryFn(id); err != nil {
		return err
	}
	for i, x := range f.failed {
		if x.ID == id {
			f.failed = append(f.failed[:i], f.failed[i+1:]...)
			break
		}
	}
	return nil
}

func (f *fakeInbox) ExportInboxFailed(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, "#")
	return err
}

// TestSettingsInbox ensures 设置 says when nothing was set aside, counts what
// was with terminal and reason, and that 全部重试 reports what went in and
// what is still refused, leaving that listed.
func TestSettingsInbox(t *testing.T) {
	s, _ := mustShell(t, Deps{})
	s.Show(ViewSettings)
	s.Wait()
	if got := texts(s.screens[ViewSettings].content()); !strings.Contains(got, "没有搁置的上传") {
		t.Errorf("settings without an inbox lacks the all-clear:\n%s", got)
	}

	f := &fakeInbox{failed: []store.InboxFailure{
		{ID: 1, Seq: 10, MN: "010000A8900016F000169DC0", Packets: 3, FailedAt: demoNow, Error: "NOT NULL constraint failed: agg_hour.sum_p"},
		{ID: 2, Seq: 11, MN: "", Packets: 0, FailedAt: demoNow, Error: "damaged inbox entry"},
	}, retryFn: func(id int64) error {
		if id == 2 {
			return errors.New("damaged inbox entry")
		}
		return nil
	}}
	s, w := mustShell(t, Deps{Inbox: f})
	s.Show(ViewSettings)
	s.Wait()
	got := texts(s.screens[ViewSettings].content())
	for _, want := range []string{"2 组已确认的上传被数据库拒收并搁置（共 3 条报文）", "010000A8900016F000169DC0", "3 条报文", "agg_hour.sum_p", "（损坏的记录）"} {
		if !strings.Contains(got, want) {
			t.Errorf("settings lacks %q:\n%s", want, got)
		}
	}
	test.Tap(button(t, s.screens[ViewSettings].content(), "全部重试"))
	s.Wait()
	if msg := texts(topDialog(t, w)); !strings.Contains(msg, "已重试：1 / 2 组入库") {
		t.Errorf("retry dialog = %q", msg)
	}
	s.Wait()
	got = texts(s.screens[ViewSettings].content())
	if strings.Contains(got, "sum_p") || !strings.Contains(got, "1 组已确认的上传") {
		t.Errorf("after the retry the list should hold only the damaged entry:\n%s", got)
	}
}
