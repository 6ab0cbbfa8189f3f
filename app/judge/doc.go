// Package judge runs the alarm rules of package alarms against the store: the
// live worker that the ingest feeds (Worker), re-judging stored periods
// (EvaluateStored, Reevaluate: late data, registry edits, the monthly
// transmission rate), the rule what-if (Replay) and the 限产 baselines read
// from stored aggregates. Package alarms decides; this package reads what it
// needs from the store and reconciles its verdicts with the stored alarms
// (withdraw, never delete). It has no UI: serve, the desktop app and the CLI
// all use it the same way.
package judge
