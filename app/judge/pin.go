package judge

import (
	"context"
	"time"

	"powerwatch/store"
)

// evidenceMargin is how much raw data around a violation is kept with it.
const evidenceMargin = time.Hour

// pin keeps for good the raw packets of every terminal that watches the
// facilities of a violation alarm, from an hour before it to an hour after it
// (to now while it is open): they are its evidence, and the raw-packet
// retention must not purge them.
func (w *Worker) pin(ctx context.Context, as []store.Alarm) {
	if w.reg == nil {
		return
	}
	for _, a := range as {
		if !a.Type.IsViolation() || a.Status == store.Withdrawn {
			continue
		}
		end := a.End
		if end.IsZero() {
			end = w.now()
		}
		for _, mn := range w.terminalsOf(a) {
			if err := w.db.KeepRaw(ctx, mn, a.Start.Add(-evidenceMargin), end.Add(evidenceMargin)); err != nil && ctx.Err() == nil {
				w.logger.Error("keep evidence packets", "alarm", a.ID, "mn", mn, "err", err)
			}
		}
	}
}

// terminalsOf returns the MNs of the terminals watching a's facilities, or all
// of its enterprise's when the alarm names none.
func (w *Worker) terminalsOf(a store.Alarm) []string {
	facilities := map[int64]bool{a.ProductionID: a.ProductionID != 0, a.TreatmentID: a.TreatmentID != 0}
	whole := a.ProductionID == 0 && a.TreatmentID == 0
	terminals := map[int64]bool{}
	for _, p := range w.reg.Points {
		f, ok := w.reg.Facility(p.FacilityID)
		if ok && (facilities[p.FacilityID] || whole && f.EnterpriseID == a.EnterpriseID) {
			terminals[p.TerminalID] = true
		}
	}
	var mns []string
	for _, t := range w.reg.Terminals {
		if terminals[t.ID] {
			mns = append(mns, t.MN)
		}
	}
	return mns
}
