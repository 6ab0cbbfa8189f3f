package maintenance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"powerwatch/store"
)

// A Design is an enterprise's point design with the facts it is checked against.
type Design struct {
	Facilities []store.Facility
	Links      []store.Link
	Orders     []store.Order // 停产/限产 requirements of the 一厂一策 plan
	Points     []store.PointPlan
	// SwitchTogether lists production–treatment pairs whose circuits must be
	// switched on and off together: they need one 产治一体 point.
	SwitchTogether [][2]int64
}

// A DesignWarning is one finding of CheckDesign.
type DesignWarning struct {
	Rule        string // own-point, integrated, shared-aux, standby-bus
	PointName   string
	FacilityIDs []int64
	Message     string // Chinese with English, naming the facilities
}

// AuxLimitKW is the guideline's limit: a facility fed together with an
// auxiliary load above 350 kW cannot be told apart from it.
const AuxLimitKW = 350

// CheckDesign applies the point-design rules of the guideline's §6.7.1 and
// returns the warnings, in the order of the rules and then of the facilities
// or points. It does not stop a design from being saved: the surveyor decides.
//
//   - own-point: a production facility under a 停产/限产 requirement needs a
//     point of its own (not shared with another production facility);
//   - integrated: production and treatment that must switch together need one
//     产治一体 point measuring both;
//   - shared-aux: a point on a circuit shared with auxiliary loads over 350 kW;
//   - standby-bus: with multiple or standby supplies the point belongs at the
//     facility's main line, before the bus, not after it.
func CheckDesign(d Design) []DesignWarning {
	name := map[int64]string{}
	kind := map[int64]store.FacilityKind{}
	for _, f := range d.Facilities {
		name[f.ID], kind[f.ID] = f.Name, f.Kind
	}
	label := func(id int64) string {
		if n, ok := name[id]; ok {
			return n
		}
		return fmt.Sprintf("设施 facility #%d", id)
	}
	var out []DesignWarning

	// own-point
	controlled := map[int64]bool{}
	for _, o := range d.Orders {
		if len(o.FacilityIDs) == 0 {
			for _, f := range d.Facilities {
				if f.EnterpriseID == o.EnterpriseID && (f.Kind == store.Production || f.Kind == store.Integrated) {
					controlled[f.ID] = true
				}
			}
		}
		for _, id := range o.FacilityIDs {
			controlled[id] = true
		}
	}
	var ids []int64
	for id := range controlled {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		own, seen := false, false
		for _, p := range d.Points {
			if !slices.Contains(p.Facilities, id) {
				continue
			}
			seen = true
			shared := false
			for _, other := range p.Facilities {
				if other != id && (kind[other] == store.Production || kind[other] == store.Integrated) {
					shared = true
				}
			}
			own = own || !shared
		}
		switch {
		case !seen:
			out = append(out, DesignWarning{Rule: "own-point", FacilityIDs: []int64{id},
				Message: fmt.Sprintf("%s 有停产/限产要求，但没有监测点位 — a facility under a shutdown/cut requirement has no point", label(id))})
		case !own:
			out = append(out, DesignWarning{Rule: "own-point", FacilityIDs: []int64{id},
				Message: fmt.Sprintf("%s 有停产/限产要求，应单独监测，目前与其他生产设施共用点位 — it shares its point with other production", label(id))})
		}
	}

	// integrated
	for _, pair := range d.SwitchTogether {
		ok := false
		for _, p := range d.Points {
			ok = ok || (slices.Contains(p.Facilities, pair[0]) && slices.Contains(p.Facilities, pair[1]))
		}
		if !ok {
			out = append(out, DesignWarning{Rule: "integrated", FacilityIDs: []int64{pair[0], pair[1]},
				Message: fmt.Sprintf("%s 与 %s 必须同时开关，应布设一个产治一体点位 — production and treatment switch together but are not one integrated point",
					label(pair[0]), label(pair[1]))})
		}
	}

	// shared-aux and standby-bus, point by point
	points := slices.Clone(d.Points)
	sort.SliceStable(points, func(i, j int) bool { return points[i].Name < points[j].Name })
	for _, p := range points {
		fs := make([]string, 0, len(p.Facilities))
		for _, id := range p.Facilities {
			fs = append(fs, label(id))
		}
		watched := strings.Join(fs, "、")
		if p.SharedAuxKW > AuxLimitKW {
			out = append(out, DesignWarning{Rule: "shared-aux", PointName: p.Name, FacilityIDs: p.Facilities,
				Message: fmt.Sprintf("点位 %s（%s）与 %.0f kW 辅助设施同路供电，超过 350 kW，难以区分被监测设施用电 — shares its circuit with %.0f kW of auxiliary load",
					p.Name, watched, p.SharedAuxKW, p.SharedAuxKW)})
		}
		if (p.Supply == store.SupplyStandby || p.Supply == store.SupplyMulti) && p.AfterBus {
			out = append(out, DesignWarning{Rule: "standby-bus", PointName: p.Name, FacilityIDs: p.Facilities,
				Message: fmt.Sprintf("点位 %s（%s）为多路/主备用供电，应设在设施总线前端，而不是母线后 — a standby supply is metered after the bus",
					p.Name, watched)})
		}
	}
	return out
}

// A Relation is one 产治排 chain found by tracing back from an outlet
// (排口倒查法): the outlet, the treatment discharging through it, and the
// production it treats, with the link's role.
type Relation struct {
	Outlet     string
	Treatment  store.Facility
	Production []store.Facility
	Roles      []store.LinkRole // of each production's link
}

// Relations traces every outlet back to its treatment facilities and their
// production, sorted by outlet and treatment name. Treatment without an
// outlet is listed under "未登记排口 no outlet".
func Relations(facilities []store.Facility, links []store.Link) []Relation {
	byID := map[int64]store.Facility{}
	for _, f := range facilities {
		byID[f.ID] = f
	}
	var out []Relation
	for _, t := range facilities {
		if t.Kind != store.Treatment && t.Kind != store.Integrated {
			continue
		}
		r := Relation{Outlet: t.Outlet, Treatment: t}
		if r.Outlet == "" {
			r.Outlet = "未登记排口 no outlet"
		}
		for _, l := range links {
			if l.TreatmentID == t.ID {
				if p, ok := byID[l.ProductionID]; ok {
					r.Production = append(r.Production, p)
					r.Roles = append(r.Roles, l.Role)
				}
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Outlet != out[j].Outlet {
			return out[i].Outlet < out[j].Outlet
		}
		return out[i].Treatment.Name < out[j].Treatment.Name
	})
	return out
}
