package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"powerwatch/store"
)

// fakeBackups lists backups and records what was restored.
type fakeBackups struct {
	list     []BackupInfo
	restored []string
	err      error
}

func (f *fakeBackups) ListBackups(context.Context) ([]BackupInfo, error) { return f.list, nil }

func (f *fakeBackups) RestoreBackup(_ context.Context, name string) (string, error) {
	if f.err != nil {
		return "", f.err
	}
	f.restored = append(f.restored, name)
	return "/data/powerwatch.db.before-restore-20261203-093000", nil
}

// TestSettingsRestoreBackup: 设置 lists the retained nights with date and
// size; 恢复备份 stays disabled until one is chosen; it asks first, in
// Chinese, saying what is replaced and that the current file is kept aside;
// cancelling restores nothing; confirming restores the chosen backup and
// says where the replaced database went. A refused restore (the service
// could not be stopped) is shown and nothing is claimed.
func TestSettingsRestoreBackup(t *testing.T) {
	night := func(d int) time.Time { return time.Date(2026, 12, d, 2, 0, 0, 0, store.Beijing) }
	f := &fakeBackups{list: []BackupInfo{
		{Name: "powerwatch-20261202-020000.pwbk", Taken: night(2), Size: 41_200_000},
		{Name: "powerwatch-20261201-020000.pwbk", Taken: night(1), Size: 39_900_000},
	}}
	s, w := mustShell(t, Deps{Backups: f})
	s.Show(ViewSettings)
	s.Wait()
	p := s.screens[ViewSettings].(*settingsScreen).backup
	got := texts(s.screens[ViewSettings].content())
	if !strings.Contains(got, "备份与恢复") || !strings.Contains(got, "保留的备份 2 个") {
		t.Errorf("settings lacks the backup panel:\n%s", got)
	}
	want := []string{"2026-12-02 02:00  ·  41.2 MB  ·  powerwatch-20261202-020000.pwbk", "2026-12-01 02:00  ·  39.9 MB  ·  powerwatch-20261201-020000.pwbk"}
	if strings.Join(p.list.Options, "|") != strings.Join(want, "|") {
		t.Errorf("backups listed as %q, want %q", p.list.Options, want)
	}
	restore := button(t, s.screens[ViewSettings].content(), "恢复备份")
	if !restore.Disabled() {
		t.Error("恢复备份 is enabled with no backup chosen")
	}
	p.list.SetSelected(want[1])
	if restore.Disabled() {
		t.Fatal("恢复备份 stays disabled with a backup chosen")
	}
	test.Tap(restore)
	msg := texts(topDialog(t, w))
	for _, s := range []string{"将用 2026-12-01 02:00 的备份替换当前数据库", "接收服务先停止", "另存", "不会删除"} {
		if !strings.Contains(msg, s) {
			t.Errorf("confirmation lacks %q:\n%s", s, msg)
		}
	}
	test.Tap(button(t, topDialog(t, w), "取消"))
	s.Wait()
	if len(f.restored) != 0 {
		t.Fatalf("cancel restored %v", f.restored)
	}
	test.Tap(restore)
	test.Tap(button(t, topDialog(t, w), "恢复备份"))
	s.Wait()
	if len(f.restored) != 1 || f.restored[0] != "powerwatch-20261201-020000.pwbk" {
		t.Fatalf("restored %v, want the night of 12-01", f.restored)
	}
	if msg := texts(topDialog(t, w)); !strings.Contains(msg, "已恢复 2026-12-01 02:00 的备份") || !strings.Contains(msg, "before-restore-20261203-093000") {
		t.Errorf("after the restore the dialog says:\n%s", msg)
	}

	f2 := &fakeBackups{list: f.list[:1], err: errors.New("a powerwatch service is using this database")}
	s, w = mustShell(t, Deps{Backups: f2})
	s.Show(ViewSettings)
	s.Wait()
	p = s.screens[ViewSettings].(*settingsScreen).backup
	p.list.SetSelected(p.list.Options[0])
	test.Tap(button(t, s.screens[ViewSettings].content(), "恢复备份"))
	test.Tap(button(t, topDialog(t, w), "恢复备份"))
	s.Wait()
	if got := p.note.Text; !strings.Contains(got, "service is using this database") || strings.Contains(got, "已恢复") {
		t.Errorf("a refused restore shows %q", got)
	}
}
