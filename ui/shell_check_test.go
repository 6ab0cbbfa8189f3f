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
