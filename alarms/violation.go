package alarms

import (
	"fmt"
	"sort"

	"powerwatch/store"
)

// treatmentOff raises 治污设施未同步运行: a production facility above its shutdown
// threshold while its linked treatment is not running. Links of a production
// facility with the same Group form one requirement (ungrouped links are one
// group): at least Need (default 1) of the group, active or standby, must run.
// A 产治一体 facility has no treatment link to itself, so it never raises this
// against itself; it counts as treatment where another facility links to it.
func (ev *evaluator) treatmentOff() {
	for _, pid := range ev.x.byEnterprise[ev.ent] {
		f := ev.x.facility[pid]
		links := ev.x.links[pid]
		if len(links) == 0 || (f.Kind != store.Production && f.Kind != store.Integrated) {
			continue
		}
		groups := linkGroups(links)
		for g := range groups {
			for _, l := range groups[g].links {
				groups[g].states = append(groups[g].states, ev.stateOf(l.TreatmentID))
			}
		}
		prod := ev.stateOf(pid)
		cond := make([]uint8, ev.g.n)
		for i := range cond {
			cond[i] = coverage(prod[i], groups, i)
		}
		for _, ep := range findEpisodes(cond, ev.gapSlots()) {
			ev.emitTreatmentOff(pid, groups, ep)
		}
	}
}

// A linkGroup is one requirement of a production facility: Need of Links run.
type linkGroup struct {
	name   string
	need   int
	links  []store.Link
	states [][]State // of each link's treatment, filled by treatmentOff
}

func linkGroups(links []store.Link) []linkGroup {
	by := map[string]*linkGroup{}
	var names []string
	for _, l := range links {
		g, ok := by[l.Group]
		if !ok {
			g = &linkGroup{name: l.Group, need: 1}
			by[l.Group] = g
			names = append(names, l.Group)
		}
		if l.Need > g.need {
			g.need = l.Need
		}
		g.links = append(g.links, l)
	}
	sort.Strings(names)
	out := make([]linkGroup, 0, len(names))
	for _, n := range names {
		g := by[n]
		if g.need > len(g.links) {
			g.need = len(g.links)
		}
		// active units first, so the alarm names an active unit when one is off
		sort.SliceStable(g.links, func(i, j int) bool { return g.links[i].Role == store.Active && g.links[j].Role != store.Active })
		out = append(out, *g)
	}
	return out
}

// coverage is the condition in slot i: true when production is above its
// shutdown threshold and some group is short of running treatment units even
// if every unit without data were running; unknown when it depends on them.
func coverage(prod State, groups []linkGroup, i int) uint8 {
	if prod == Unknown {
		return cUnknown
	}
	if !prod.aboveStop() {
		return cFalse
	}
	res := cFalse
	for _, g := range groups {
		run, unk := 0, 0
		for _, st := range g.states {
			switch st[i] {
			case Running:
				run++
			case Unknown:
				unk++
			}
		}
		switch {
		case run >= g.need:
		case run+unk >= g.need:
			res = cUnknown
		default:
			return cTrue
		}
	}
	return res
}

func (ev *evaluator) emitTreatmentOff(pid int64, groups []linkGroup, ep episode) {
	i := ep.first
	evid := &evidence{Facilities: []facilityEvidence{ev.facilityEv(pid, "production", i)}}
	var off int64
	for _, g := range groups {
		run := 0
		for _, l := range g.links {
			if ev.stateOf(l.TreatmentID)[i] == Running {
				run++
			}
		}
		for _, l := range g.links {
			fe := ev.facilityEv(l.TreatmentID, "treatment", i)
			if l.Role == store.Standby {
				fe.Role = "standby"
			}
			fe.Group, fe.Need = g.name, g.need
			evid.Facilities = append(evid.Facilities, fe)
			if off == 0 && run < g.need && ev.stateOf(l.TreatmentID)[i] != Running {
				off = l.TreatmentID
			}
		}
	}
	a := store.Alarm{Type: store.TreatmentOff, ProductionID: pid, TreatmentID: off,
		Detail: fmt.Sprintf("生产设施 %s 运行而治污设施 %s 未运行 / production %s above its shutdown threshold while treatment %s is not running",
			ev.facilityName(pid), ev.facilityName(off), ev.facilityName(pid), ev.facilityName(off))}
	ev.emit(a, ep, ev.rs.TreatmentOffMin, "", evid)
}

// shutdownIgnored raises 停产未落实: during a 停产 order, a listed facility — or
// for a whole-enterprise order any production or 产治一体 facility or the
// total-supply point — above its shutdown threshold for the minimum duration.
// The condition is false outside the order, so an order that starts while a
// facility runs opens the episode at the order's start.
func (ev *evaluator) shutdownIgnored() {
	for _, o := range ev.x.orders[ev.ent] {
		if o.Kind != store.Shutdown {
			continue
		}
		first, last := ev.g.index(o.Start), ev.g.index(o.End.Add(-1))
		for _, fid := range ev.orderScope(o, true) {
			st := ev.stateOf(fid)
			cond := make([]uint8, ev.g.n)
			for i := max(first, 0); i <= last && i < ev.g.n; i++ {
				switch {
				case st[i] == Unknown:
					cond[i] = cUnknown
				case st[i].aboveStop():
					cond[i] = cTrue
				}
			}
			for _, ep := range findEpisodes(cond, ev.gapSlots()) {
				evid := &evidence{Facilities: []facilityEvidence{ev.facilityEv(fid, "production", ep.first)}, Order: orderEv(o)}
				a := store.Alarm{Type: store.ShutdownIgnored, ProductionID: fid, OrderID: o.ID,
					Detail: fmt.Sprintf("停产令 #%d 期间 %s 高于停机阈值 / %s above its shutdown threshold during shutdown order #%d",
						o.ID, ev.facilityName(fid), ev.facilityName(fid), o.ID)}
				ev.emit(a, ep, ev.rs.ShutdownIgnoredMin, o.Level, evid)
			}
		}
	}
}

// orderScope returns the facilities an order covers: the listed ones, or for a
// whole-enterprise order the production and 产治一体 facilities and, for a
// shutdown, also the total-supply point.
func (ev *evaluator) orderScope(o store.Order, withTotal bool) []int64 {
	if len(o.FacilityIDs) > 0 {
		return o.FacilityIDs
	}
	var ids []int64
	for _, fid := range ev.x.byEnterprise[ev.ent] {
		switch ev.x.facility[fid].Kind {
		case store.Production, store.Integrated:
			ids = append(ids, fid)
		case store.Total:
			if withTotal {
				ids = append(ids, fid)
			}
		}
	}
	return ids
}
