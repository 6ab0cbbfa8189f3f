package ui

import (
	"powerwatch/store"
	"powerwatch/ui/mapview"
)

// dynamicIDs lists the message ids the ui builds at run time from a prefix
// and a value ("alarm." + type), so the translation test can check them too.
func dynamicIDs() []string {
	var ids []string
	for _, v := range Views {
		ids = append(ids, "nav."+string(v))
	}
	for _, st := range mapview.States() {
		ids = append(ids, st.Key())
	}
	for _, t := range store.AllAlarmTypes {
		ids = append(ids, "alarm."+string(t))
	}
	for _, g := range []store.Grade{store.Minor, store.Major, store.Severe} {
		ids = append(ids, "grade."+string(g))
	}
	for _, k := range []store.FacilityKind{store.Production, store.Treatment, store.Integrated, store.Total, store.Indirect} {
		ids = append(ids, "kind."+string(k))
	}
	for _, s := range []store.CommandStatus{store.CommandQueued, store.CommandSent, store.CommandAccepted,
		store.CommandDone, store.CommandFailed, store.CommandCanceled} {
		ids = append(ids, "cmd."+string(s))
	}
	for _, r := range []string{"unregistered", "bad_password", "bad_key", "unsupported_envelope", "future_time"} {
		ids = append(ids, "quar.reason."+r)
	}
	ids = append(ids, "uplink.kind.hj212", "uplink.kind.json")
	for _, m := range []ThemeMode{ThemeSystem, ThemeLight, ThemeDark} {
		ids = append(ids, "settings.theme."+string(m))
	}
	for _, k := range []store.OrderKind{store.Shutdown, store.Cut} {
		ids = append(ids, "order."+string(k))
	}
	for _, l := range []store.Level{store.Yellow, store.Orange, store.Red} {
		ids = append(ids, "level."+string(l))
	}
	for _, k := range []store.FilingKind{store.PlannedStop, store.Renovation, store.PowerCut, store.Other} {
		ids = append(ids, "filing."+string(k))
	}
	for _, k := range []string{"terminals", "open", "today", "rate", "consumption", "pkg.scope", "pkg.todo", "pkg.done"} {
		ids = append(ids, "dash."+k)
	}
	ids = append(ids, curveRanges...)
	for _, q := range curveQuantities {
		ids = append(ids, q.id)
	}
	ids = append(ids, "err.notfound", "err.conflict", "err.corrupt", "err.readonly", "err.timeout",
		"ent.name", "ent.uscc", "ent.region", "ent.industry", "ent.address", "ent.coords", "ent.contact",
		"ent.grade", "ent.plan", "ent.updated", "diagram.production", "diagram.treatment",
		"valid.name", "valid.uscc", "valid.phone", "valid.coords", "valid.threshold.positive", "valid.threshold.order", "valid.persist")
	ids = append(ids, scheduleIDs()...)
	for _, id := range fyneMessageIDs {
		ids = append(ids, "fyne."+id)
	}
	ids = append(ids, "lim.q.good", "lim.q.fair", "lim.q.poor", "lim.misfit.stop", "lim.misfit.run",
		"lim.role.stopped", "lim.role.idle", "lim.role.running", "lim.role.other")
	return ids
}
