// Package alarms decides when an enterprise breaks the Beijing guideline's
// rules (治污设施未同步运行, 停产未落实, 限产未落实), when an order cannot be
// judged (order_unjudged) or treatment data is missing while production runs
// (treatment_unknown), and when its monitoring data or devices are unreliable
// (offline, low transmission, bad values, counter resets, P ≠ √3·U·I·PF,
// clock drift, sub-meters above the total).
//
// It is pure: no SQL, no I/O, time is passed in. The app feeds it registry
// facts (Facts), point series (store.Sample) and, for 限产 orders, baselines
// it builds with BaselineFor from stored aggregates, and stores what it returns.
//
// Everything is judged on a grid of slots: rs.Slot (5 min), or finer for an
// enterprise whose data is finer (gridStep: 1 min for minute data). Each
// sample covers the span it stands for (a real-time value until the next, at
// most the terminal's interval; a minute or hour value its period). Each
// facility gets a state per slot (running, low, stopped, power-off, above-stop
// when a lower bound proves it, unknown), each rule turns states into a
// three-valued condition per slot (true, false, unknown), and an alarm is an
// episode of the condition observed for at least the rule's minimum duration.
// Its Start is the start of the condition, its End the end of the last slot
// in which it held; missing data up to GapBridge long inside an episode does
// not break it but is not counted either (the evidence lists it). Evaluate
// re-runs everything over any past period; Engine does the same incrementally
// as samples arrive. The scenario files of alarms/scenario pin the rules down, one file each.
package alarms
