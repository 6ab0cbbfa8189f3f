// Package thresholds proposes a facility's 停产限值 and 运行限值 from its own
// history. A year of power shows a facility's stopped, idle (空转) and
// running levels as separate modes of its distribution; a limit typed in or
// derived from rated power that sits inside one of them raises false alarms
// day after day, or hides a unit running empty. The package is pure: it
// takes hourly observations and the periods to leave out, and returns the
// modes, the limits placed by the facility's role, how well the modes are
// separated, and the histogram to draw. Reading the store and replaying the
// rules is app/judge's job.
package thresholds
