package service

import (
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
)

// TestStatus: before any upload, nobody online out of the registered
// terminals and no newest; after one terminal's upload is acknowledged, it
// is online and the one heard last.
func TestStatus(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "status.db"), nil)
	fixture.Register(t, m.DB, 3)
	st, err := m.Status(t.Context())
	if err != nil || st.Online != 0 || st.Registered != 3 || !st.Newest.LastSeen.IsZero() {
		t.Fatalf("Status before any upload = %+v, %v; want 0 of 3 online, no newest", st, err)
	}
	c := fixture.Dial(t, m.Addr().String())
	c.Write(fixture.Frame(fixture.MN(1), fixture.QN(1, 0), fixture.T0, 10))
	if p, err := c.Read(10 * time.Second); err != nil || p.CN != "9014" {
		t.Fatalf("no 9014: %v", err)
	}
	st, err = m.Status(t.Context())
	if err != nil || st.Online != 1 || st.Registered != 3 || st.Newest.MN != fixture.MN(1) {
		t.Errorf("Status after an upload = %+v, %v; want 1 of 3 online, %s the newest", st, err, fixture.MN(1))
	}
}
