// Package listing writes the CLI's machine-readable listings, as JSON lines
// or CSV that a spreadsheet cannot run as formulas: alarms (`alarms list`)
// and the stored values of raw packets (`export readings`). Statistics are
// written by statsheet, tasks by app/maintenance.
package listing
