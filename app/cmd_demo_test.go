package main

import (
	"os"
	"testing"
	"time"

	"powerwatch/app/sim"
)

var _ desktopService = (*demoService)(nil)

// TestDemoServiceFeedsItsDatabase runs the demo without its window: the
// district is registered, the simulator's uploads reach the database over
// loopback, and Close removes the temporary folder.
func TestDemoServiceFeedsItsDatabase(t *testing.T) {
	d := &demoService{terminals: 3, speed: 1e5}
	if err := d.Start(t.Context()); err != nil {
		d.Close()
		t.Fatal(err)
	}
	tmp := d.tmp
	deps := d.UIDeps()
	if deps.Registry == nil || deps.ListenOn == "" {
		t.Errorf("UIDeps = %+v, want the database and the listen address", deps)
	}
	// A day at 1e5× takes under a second; wait for the first terminal's day.
	for range 500 {
		if d.sim.Summary().Acked >= 3*288 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := d.m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	ps, err := d.m.DB.RawPackets(t.Context(), sim.MN(0), time.Now().Add(-25*time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 200 {
		t.Errorf("%d packets of terminal 0 stored after the catch-up, want most of a day's 288", len(ps))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("demo folder %s still there after Close (%v)", tmp, err)
	}
}
