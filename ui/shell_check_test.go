package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestDatabaseCheckFailed: a damaged file found by the check after the start
// is shown to the officer, in the interface's language.
func TestDatabaseCheckFailed(t *testing.T) {
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog is open before the check failed")
	}
	s.DatabaseCheckFailed(fmt.Errorf("database check: %w: page 7 is never used", store.ErrCorrupt))
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog after the check failed")
	}
	if got, want := texts(top), s.tr.T("err.corrupt"); !strings.Contains(got, want) {
		t.Errorf("dialog says %q, want %q", got, want)
	}
}

// TestDatabaseNotices: what opening the database worked around reaches the
// officer in one dialog; nothing to say opens none.
func TestDatabaseNotices(t *testing.T) {
	s, w := mustShell(t, Deps{Now: func() time.Time { return demoNow }})
	s.DatabaseNotices(nil)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog opened with nothing to say")
	}
	note := "收件箱文件损坏，已移至 powerwatch.db.inbox.damaged / the inbox was damaged and moved aside"
	s.DatabaseNotices([]string{note})
	top := w.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), note) {
		t.Fatalf("dialog = %v, want one saying %q", top, note)
	}
}
