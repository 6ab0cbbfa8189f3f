package alarms

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"powerwatch/store"
)

// Reasons a value is bad, for the alarm's detail.
const (
	badNegative uint8 = 1 << iota
	badOverRated
	badSpike
	badZero
	badConstant
)

var badNames = []string{"负值 negative", "超额定 above rated", "突变 sudden jump", "零值不一致 inconsistent zero", "恒定值 constant"}

// quality raises the data-quality and device alarms of one enterprise. They
// are kept apart from violations (store.AlarmType.IsViolation) and graded by
// duration like them, except low_transmission (see transmission).
func (ev *evaluator) quality() {
	for _, fid := range ev.x.byEnterprise[ev.ent] {
		for _, pid := range ev.x.pointsOf[fid] {
			raw := ev.in.Series[pid]
			ss := sortedSamples(raw)
			at := ev.point(pid).at
			if len(ss) > 0 && &ss[0] != &raw[0] {
				at = ev.slotsOf(ss) // sorted copy: its own slots
			}
			ev.badValues(fid, pid, ss, at)
			ev.counterReset(fid, pid, ss, at)
			ev.powerMismatch(fid, pid, ss, at)
			ev.transmission(fid, pid)
		}
	}
	for _, tid := range ev.terminals() {
		ev.offline(tid)
		ev.clockDrift(tid)
	}
	ev.submeterExcess()
}

func sortedSamples(ss []store.Sample) []store.Sample {
	sorted := true
	for k := 1; k < len(ss) && sorted; k++ {
		sorted = !ss[k].At.Before(ss[k-1].At)
	}
	if sorted {
		return ss
	}
	c := append([]store.Sample(nil), ss...)
	sort.SliceStable(c, func(i, j int) bool { return c[i].At.Before(c[j].At) })
	return c
}

// terminals returns the terminals of the enterprise's points, ascending.
func (ev *evaluator) terminals() []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, fid := range ev.x.byEnterprise[ev.ent] {
		for _, pid := range ev.x.pointsOf[fid] {
			if t := ev.x.points[pid].TerminalID; !seen[t] {
				seen[t] = true
				ids = append(ids, t)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// pointAlarm is an alarm about one point, naming its facility.
func (ev *evaluator) pointAlarm(typ store.AlarmType, fid, pid int64, detail string) store.Alarm {
	a := store.Alarm{Type: typ, PointID: pid, TerminalID: ev.x.points[pid].TerminalID, Detail: detail}
	if ev.x.facility[fid].Kind == store.Treatment {
		a.TreatmentID = fid
	} else {
		a.ProductionID = fid
	}
	return a
}

// slotsOf returns the grid slot of each sample, -1 outside the grid.
func (ev *evaluator) slotsOf(ss []store.Sample) []int {
	at := make([]int, len(ss))
	for k, s := range ss {
		at[k] = ev.g.index(s.At)
		if at[k] >= ev.g.n {
			at[k] = -1
		}
	}
	return at
}

// slotCond returns a condition array that is false where the point reported
// and unknown elsewhere.
func (ev *evaluator) slotCond(at []int) []uint8 {
	c := make([]uint8, ev.g.n)
	for i := range c {
		c[i] = cUnknown
	}
	for _, i := range at {
		if i >= 0 {
			c[i] = cFalse
		}
	}
	return c
}

// badValues: negative values, power above OverRatedFactor × rated, a one-slot
// spike of more than JumpRatedFactor × rated, zero power with current flowing,
// and the same non-zero power repeated for ConstantFor (a frozen meter).
func (ev *evaluator) badValues(fid, pid int64, ss []store.Sample, at []int) {
	rated := ev.x.facility[fid].RatedKW
	cond := ev.slotCond(at)
	why := make([]uint8, ev.g.n)
	mark := func(k int, r uint8) {
		if i := at[k]; i >= 0 {
			cond[i], why[i] = cTrue, why[i]|r
		}
	}
	run, minRun := 0, ev.slots(ev.rs.ConstantFor)
	for k, s := range ss {
		if s.P < 0 || s.I < 0 || s.U < 0 {
			mark(k, badNegative)
		}
		if rated > 0 && s.P > ev.rs.OverRatedFactor*rated {
			mark(k, badOverRated)
		}
		if rated > 0 && k > 0 && k+1 < len(ss) && s.P-math.Max(ss[k-1].P, ss[k+1].P) > ev.rs.JumpRatedFactor*rated {
			mark(k, badSpike)
		}
		if (s.P == 0 || s.U == 0) && s.I > 0.5 && s.Flags&store.FlagPowerOff == 0 {
			mark(k, badZero)
		}
		if k > 0 && s.P != 0 && s.P == ss[k-1].P && at[k]-at[k-1] == 1 {
			run++
		} else {
			run = 0
		}
		switch {
		case minRun <= 0 || run < minRun:
		case run == minRun: // the run just became long enough: mark it from its start
			for j := k - run; j <= k; j++ {
				mark(j, badConstant)
			}
		default:
			mark(k, badConstant)
		}
	}
	for _, ep := range findEpisodes(cond, ev.gapSlots()) {
		var r uint8
		for i := ep.first; i <= ep.last; i++ {
			r |= why[i]
		}
		var names []string
		for b, n := range badNames {
			if r&(1<<b) != 0 {
				names = append(names, n)
			}
		}
		a := ev.pointAlarm(store.BadValues, fid, pid, fmt.Sprintf("监测点 %d 数值异常 / bad values at point %d: %s", pid, pid, strings.Join(names, ", ")))
		ev.emit(a, ep, 0, "", &evidence{Values: map[string]float64{"rated_kw": rated, "over_rated_factor": ev.rs.OverRatedFactor,
			"jump_rated_factor": ev.rs.JumpRatedFactor, "constant_min": ev.rs.ConstantFor.Minutes()}})
	}
}

// counterJitterKWh is how far an energy counter may read below its highest
// reading before that counts as going backwards: meters jitter by a digit
// or two of their last decimal (0.01 kWh), a reset or a new meter drops by
// far more.
const counterJitterKWh = 0.1

// counterReset: the energy counter went backwards (reset or meter change),
// below the highest reading since the last reset by more than the jitter.
// Drops in the same or adjacent slots are one episode, one alarm: a meter
// read every 30 s must not raise one alarm per reading.
func (ev *evaluator) counterReset(fid, pid int64, ss []store.Sample, at []int) {
	high := math.NaN() // highest reading since the last reset
	var ep *episode
	var before, after float64
	flush := func() {
		if ep == nil {
			return
		}
		a := ev.pointAlarm(store.CounterReset, fid, pid, fmt.Sprintf("电能表读数倒退 %.2f → %.2f kWh / energy counter went backwards", before, after))
		ev.emit(a, *ep, 0, "", &evidence{Values: map[string]float64{"before_kwh": before, "after_kwh": after, "jitter_kwh": counterJitterKWh}})
		ep = nil
	}
	for k, s := range ss {
		if math.IsNaN(s.E) {
			continue
		}
		if math.IsNaN(high) || s.E >= high-counterJitterKWh {
			high = math.Max(high, s.E) // Max of NaN is NaN: the first reading
			if math.IsNaN(high) {
				high = s.E
			}
			continue
		}
		if i := at[k]; ep != nil && i <= ep.last+1 {
			ep.last = max(ep.last, i)
		} else {
			flush()
			ep, before = &episode{first: i, last: i}, high
		}
		after, high = s.E, s.E
	}
	flush()
}

// powerMismatch: reported P differs from √3·U·I·PF by more than the tolerance
// (a wrong CT ratio, a reversed CT or a phase lost), for MismatchMin.
func (ev *evaluator) powerMismatch(fid, pid int64, ss []store.Sample, at []int) {
	cond := make([]uint8, ev.g.n)
	for i := range cond {
		cond[i] = cUnknown
	}
	for k, s := range ss {
		i := at[k]
		if i < 0 || math.IsNaN(s.P) || math.IsNaN(s.U) || math.IsNaN(s.I) || math.IsNaN(s.PF) {
			continue
		}
		est := math.Sqrt(3) * s.U * s.I * s.PF / 1000
		big := math.Max(math.Abs(s.P), math.Abs(est))
		cond[i] = cFalse
		if big >= ev.rs.MismatchMinKW && math.Abs(s.P-est)/big > ev.rs.MismatchTolerance {
			cond[i] = cTrue
		}
	}
	for _, ep := range findEpisodes(cond, ev.gapSlots()) {
		a := ev.pointAlarm(store.PowerMismatch, fid, pid, fmt.Sprintf("监测点 %d 功率与 √3·U·I·PF 不符 / P inconsistent with √3·U·I·PF at point %d", pid, pid))
		ev.emit(a, ep, ev.rs.MismatchMin, "", &evidence{Values: map[string]float64{"tolerance": ev.rs.MismatchTolerance, "min_kw": ev.rs.MismatchMinKW}})
	}
}
