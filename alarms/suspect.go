package alarms

import (
	"fmt"
	"time"

	"powerwatch/store"
)

// cycleParams are the rule set's duty-cycling parameters, the defaults where
// a rule set saved before the rule existed has zeros.
func cycleParams(rs store.RuleSet) (window, offMin time.Duration, stops int) {
	d := DefaultRules()
	window, offMin, stops = rs.CycleWindow, rs.CycleOffMin, rs.CycleMinStops
	if window <= 0 {
		window = d.CycleWindow
	}
	if offMin <= 0 {
		offMin = d.CycleOffMin
	}
	if stops <= 0 {
		stops = d.CycleMinStops
	}
	return window, offMin, stops
}

// dutyCycling raises treatment_cycling (治污设施间歇启停嫌疑, 违法嫌疑, our
// rule): within some window of CycleWindow in which production was above its
// shutdown threshold throughout, a stage of its treatment was short of
// running units (cond, as treatment_off judges it) for at least CycleOffMin,
// in at least CycleMinStops separate stops, and no slot of the window lies in
// a treatment_off alarm (off, the episodes of cond). A 10-off/5-on cycle
// passes treatment_off, whose single stop never reaches 15 minutes; one stop
// of 10 minutes raises nothing. Unknown slots never count as off. The alarm
// spans the qualifying windows, graded at most 较重 until the rule has been
// validated on district data.
func (ev *evaluator) dutyCycling(pid int64, prod []State, cond []uint8, off []episode, groups []linkGroup) {
	if !ev.in.wants(store.TreatmentCycling) || ev.g.n == 0 {
		return
	}
	window, offMin, stops := cycleParams(ev.rs)
	w := int(window / ev.step)
	need := int((offMin + ev.step - 1) / ev.step)
	n := ev.g.n
	if w <= 0 || w > n {
		return
	}
	excluded := make([]bool, n)
	for _, ep := range off {
		if time.Duration(ep.observed)*ev.step >= ev.rs.TreatmentOffMin {
			for k := ep.first; k <= ep.last; k++ {
				excluded[k] = true
			}
		}
	}
	// Prefix sums make every window O(1): the whole grid in O(n).
	running, offs, excl, starts := make([]int, n+1), make([]int, n+1), make([]int, n+1), make([]int, n+1)
	for k := 0; k < n; k++ {
		running[k+1], offs[k+1], excl[k+1], starts[k+1] = running[k], offs[k], excl[k], starts[k]
		if prod[k].aboveStop() {
			running[k+1]++
		}
		if cond[k] == cTrue {
			offs[k+1]++
			if k == 0 || cond[k-1] != cTrue {
				starts[k+1]++
			}
		}
		if excluded[k] {
			excl[k+1]++
		}
	}
	// The alarm spans a qualifying window's stops, from its first off slot to
	// its last, not the running time around them.
	nextOff, prevOff := make([]int, n+1), make([]int, n)
	nextOff[n] = n
	for k := n - 1; k >= 0; k-- {
		if nextOff[k] = nextOff[k+1]; cond[k] == cTrue {
			nextOff[k] = k
		}
	}
	for k := 0; k < n; k++ {
		prevOff[k] = -1
		if k > 0 {
			prevOff[k] = prevOff[k-1]
		}
		if cond[k] == cTrue {
			prevOff[k] = k
		}
	}
	mark := make([]int, n+1) // difference array of the qualifying windows' stops
	for i := 0; i+w <= n; i++ {
		j := i + w
		if running[j]-running[i] != w || excl[j]-excl[i] > 0 || offs[j]-offs[i] < need {
			continue
		}
		runs := starts[j] - starts[i+1] // stops starting inside the window after its first slot
		if cond[i] == cTrue {
			runs++ // the one the window opens in
		}
		if runs < stops {
			continue
		}
		mark[nextOff[i]]++
		mark[prevOff[j-1]+1]--
	}
	susp := make([]uint8, n)
	for k, c := 0, 0; k < n; k++ {
		if c += mark[k]; c > 0 {
			susp[k] = cTrue
		}
	}
	for _, ep := range findEpisodes(susp, 0) {
		evid := &evidence{Facilities: []facilityEvidence{ev.facilityEv(pid, "production", ep.first)},
			Values: map[string]float64{"window_min": window.Minutes(), "off_min": offMin.Minutes(), "min_stops": float64(stops)}}
		var treat int64
		for _, g := range groups {
			for _, l := range g.links {
				evid.Facilities = append(evid.Facilities, ev.facilityEv(l.TreatmentID, "treatment", ep.first))
				if treat == 0 {
					treat = l.TreatmentID
				}
			}
		}
		a := store.Alarm{Type: store.TreatmentCycling, ProductionID: pid, TreatmentID: treat,
			Detail: fmt.Sprintf("生产设施 %s 持续运行期间，治污设施在 %.0f 分钟内停运累计 %.0f 分钟以上、至少 %d 次（间歇启停嫌疑）/ treatment off %.0f+ of %.0f minutes in %d+ stops while %s ran",
				ev.facilityName(pid), window.Minutes(), offMin.Minutes(), stops, offMin.Minutes(), window.Minutes(), stops, ev.facilityName(pid))}
		before := len(ev.out)
		ev.emit(a, ep, 0, "", evid)
		if len(ev.out) > before && ev.out[len(ev.out)-1].Grade == store.Severe {
			ev.out[len(ev.out)-1].Grade = store.Major // capped until validated on district data
		}
	}
}
