package alarms

import (
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

// offline: no sample from any point of a terminal for OfflineAfter. The gap
// counts from the first slot without data after data was seen (or after the
// terminal's LastSeen when the input has none of its data).
func (ev *evaluator) offline(tid int64) {
	present := make([]bool, ev.g.n)
	seen := -1
	for _, pid := range ev.x.termPoints[tid] {
		for i, ok := range ev.point(pid).seen {
			if ok {
				present[i] = true
				if seen < 0 || i < seen {
					seen = i
				}
			}
		}
	}
	if seen < 0 {
		t := ev.x.terminal[tid]
		if t == nil || t.LastSeen.IsZero() || !t.LastSeen.Before(ev.in.To) {
			return
		}
		seen = max(ev.g.index(t.LastSeen), -1)
	}
	cond := make([]uint8, ev.g.n)
	on := ev.listening()
	for i := seen + 1; i < ev.g.n; i++ {
		if i >= 0 && !present[i] && (on == nil || on[i]) {
			cond[i] = cTrue
		}
	}
	for _, ep := range findEpisodes(cond, 0) {
		a := store.Alarm{Type: store.Offline, TerminalID: tid,
			Detail: fmt.Sprintf("终端 %s 离线 / terminal %s sent no data", ev.terminalName(tid), ev.terminalName(tid))}
		ev.emit(a, ep, ev.rs.OfflineAfter, "", &evidence{Values: map[string]float64{"offline_after_min": ev.rs.OfflineAfter.Minutes()}})
	}
}

func (ev *evaluator) terminalName(id int64) string {
	if t := ev.x.terminal[id]; t != nil && t.MN != "" {
		return t.MN
	}
	return fmt.Sprintf("#%d", id)
}

// clockDrift: the terminal's clock differs from the receiver's by more than
// ClockTolerance.
func (ev *evaluator) clockDrift(tid int64) {
	var cond []uint8
	worst := time.Duration(0)
	if ev.clocks == nil { // once per evaluator: an enterprise with many terminals is not quadratic
		ev.clocks = map[int64][]ClockOffset{}
		cs := ev.in.Clock
		for i := 0; i < len(cs); { // the engine passes each terminal's observations together: take runs whole
			j := i + 1
			for j < len(cs) && cs[j].TerminalID == cs[i].TerminalID {
				j++
			}
			if prev, ok := ev.clocks[cs[i].TerminalID]; ok {
				ev.clocks[cs[i].TerminalID] = append(prev[:len(prev):len(prev)], cs[i:j]...)
			} else {
				ev.clocks[cs[i].TerminalID] = cs[i:j:j]
			}
			i = j
		}
	}
	for _, c := range ev.clocks[tid] {
		i := ev.g.index(c.At)
		if i < 0 || i >= ev.g.n {
			continue
		}
		if cond == nil {
			cond = make([]uint8, ev.g.n)
			for k := range cond {
				cond[k] = cUnknown
			}
		}
		d := c.Offset.Abs()
		// an observation speaks for its whole rule slot, however fine the grid
		per := ev.slots(ev.rs.Slot)
		b := int(floorDiv(int64(i)+ev.g.base/ev.g.slot, int64(per))*int64(per) - ev.g.base/ev.g.slot)
		for k := max(b, 0); k < b+per && k < ev.g.n; k++ {
			if d > ev.rs.ClockTolerance {
				cond[k] = cTrue
				worst = max(worst, d)
			} else if cond[k] != cTrue {
				cond[k] = cFalse
			}
		}
	}
	for _, ep := range findEpisodes(cond, ev.gapSlots()) {
		a := store.Alarm{Type: store.ClockDrift, TerminalID: tid,
			Detail: fmt.Sprintf("终端 %s 时钟偏差超过 %s / terminal clock off by more than %s", ev.terminalName(tid), ev.rs.ClockTolerance, ev.rs.ClockTolerance)}
		ev.emit(a, ep, 0, "", &evidence{Values: map[string]float64{"tolerance_s": ev.rs.ClockTolerance.Seconds(), "worst_s": worst.Seconds()}})
	}
}

// submeterExcess: per hour, the sub-meters' consumption exceeds the
// total-supply point's by more than the tolerance. Hours in which the total
// point misses a slot are unknown; missing sub-meter slots count as zero.
func (ev *evaluator) submeterExcess() {
	var total, subs []int64
	for _, fid := range ev.x.byEnterprise[ev.ent] {
		if ev.x.facility[fid].Kind == store.Total {
			total = append(total, ev.x.pointsOf[fid]...)
		} else {
			subs = append(subs, ev.x.pointsOf[fid]...)
		}
	}
	if len(total) == 0 || len(subs) == 0 {
		return
	}
	tg, sg := ev.grids(total), ev.grids(subs)
	perHour := ev.slots(time.Hour)
	// slots before the first whole hour of the grid
	lead := int((3600000 - ev.g.base%3600000) % 3600000 / ev.g.slot)
	cond := make([]uint8, ev.g.n)
	for i := 0; i < ev.g.n; {
		j := min(i+perHour, ev.g.n)
		if i == 0 && lead > 0 {
			j = min(lead, ev.g.n)
		}
		tot, sub, complete := 0.0, 0.0, true
		for k := i; k < j; k++ {
			for _, pg := range tg {
				v := pg.p[k]
				if math.IsNaN(v) {
					complete = false
				}
				tot += v * ev.g.hours()
			}
			for _, pg := range sg {
				if v := pg.p[k]; !math.IsNaN(v) {
					sub += v * ev.g.hours()
				}
			}
		}
		c := cFalse
		switch {
		case !complete || j-i < perHour:
			c = cUnknown
		case sub > tot*(1+ev.rs.SubmeterTolerance) && sub-tot > ev.rs.SubmeterMinKWh:
			c = cTrue
		}
		for k := i; k < j; k++ {
			cond[k] = c
		}
		i = j
	}
	for _, ep := range findEpisodes(cond, 0) {
		a := store.Alarm{Type: store.SubmeterExcess, ProductionID: ev.x.points[total[0]].FacilityID,
			Detail: "分表用电之和超过总表 / sum of sub-meters above the total-supply point"}
		ev.emit(a, ep, 0, "", &evidence{Values: map[string]float64{"tolerance": ev.rs.SubmeterTolerance, "min_kwh": ev.rs.SubmeterMinKWh}})
	}
}

func (ev *evaluator) grids(pids []int64) []*pointGrid {
	out := make([]*pointGrid, len(pids))
	for k, pid := range pids {
		out[k] = ev.point(pid)
	}
	return out
}

// transmission raises low_transmission for each complete Beijing calendar
// month inside [From, To) whose rate in in.Rates — the store's monthly rate,
// 报备 windows excluded, the same numbers as the monthly maintenance list —
// is below TransmissionMin. Graded by the shortfall: below the minimum minor,
// below 75 % major, below 50 % severe. A month the input has no rate for is
// not judged.
func (ev *evaluator) transmission(fid, pid int64) {
	if !ev.in.wants(store.LowTransmission) {
		return
	}
	for _, r := range ev.in.Rates {
		if r.PointID != pid || r.Period != store.Month || r.Expected == 0 || math.IsNaN(r.Rate) {
			continue
		}
		m := r.Start.In(store.Beijing)
		end := m.AddDate(0, 1, 0)
		if m.Before(ev.in.From) || end.After(ev.in.To) || r.Rate >= ev.rs.TransmissionMin {
			continue
		}
		g := store.Minor
		switch {
		case r.Rate < 0.5:
			g = store.Severe
		case r.Rate < 0.75:
			g = store.Major
		}
		b := []byte(fmt.Sprintf(`{"rule_version":%d,"rule":"low_transmission","rate":%.4f,"min":%.2f,"received":%d,"expected":%d}`,
			ev.rs.Version, r.Rate, ev.rs.TransmissionMin, r.Received, r.Expected))
		a := ev.pointAlarm(store.LowTransmission, fid, pid, fmt.Sprintf("%s 月传输率 %.1f %% < %.0f %% / monthly transmission rate below minimum",
			m.Format("2006-01"), r.Rate*100, ev.rs.TransmissionMin*100))
		a.EnterpriseID, a.Start, a.End, a.Status, a.Grade = ev.ent, m.UTC(), end.UTC(), store.Ended, g
		a.RuleVersion, a.Thresholds = ev.rs.Version, string(b)
		ev.out = append(ev.out, a)
	}
}
