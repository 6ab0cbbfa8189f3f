// Package maintenance holds the work of the scheduled maintenance jobs of the
// guideline's §6.10 and the documents of §6.7: the weekly communication check,
// the monthly list of points under 90 % transmission, the quarterly
// plausibility sample, the half-yearly inspection plan, backups with
// retention, the maintenance record as Excel and PDF, the installation report
// and the point-design checks. app/schedule.go only wires these to cron.
//
// Functions take the store through small interfaces (met by *sqlite.DB) and
// files through an afero.Fs, so tests run on a memory file system; time is
// passed in.
package maintenance
