package alarms

import "time"

// HeartbeatEvery is how often the receiving service records that it still
// runs (store.ServiceRun.Alive); a run is taken to have lasted until its last
// heartbeat plus this, so a crash between two heartbeats costs no offline time.
const HeartbeatEvery = time.Minute

// listening reports per slot whether the receiving service was running in it,
// or nil when in.RunsKnown is false (a database filled only by imports and the
// CLI: offline is judged on the data alone). A terminal cannot be heard while
// nobody listens, so offline time counts only inside runs, and a run's first
// OfflineAfter gives every terminal time to reconnect.
func (ev *evaluator) listening() []bool {
	if !ev.in.RunsKnown {
		return nil
	}
	on := make([]bool, ev.g.n)
	for _, r := range ev.in.Runs {
		first := max(ev.g.index(r.Start), 0)
		last := ev.g.n - 1
		if !r.Alive.IsZero() {
			last = min(ev.g.index(r.Alive.Add(HeartbeatEvery)), last)
		}
		for i := first; i <= last; i++ {
			on[i] = true
		}
	}
	return on
}
