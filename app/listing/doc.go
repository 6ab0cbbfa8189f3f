// Package listing writes the CLI's listings, as JSON lines or CSV that a
// spreadsheet cannot run as formulas: alarms (`alarms list`, chosen by an
// AlarmQuery, as `review export` chooses them too), the stored values of raw
// packets (`export readings`) and threshold proposals (`thresholds
// propose`); and, as text, what a review import did (`review import`).
// Statistics are written by statsheet, tasks by app/maintenance.
package listing
