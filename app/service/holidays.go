package service

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"powerwatch/assets"
	"powerwatch/calendar"
)

// HolidaysFile is the officer's calendar in the data folder, next to the
// database: its rows add to or replace the shipped State Council calendars
// (assets/holidays.csv), so next year's notice needs no new release.
const HolidaysFile = "holidays.csv"

// LoadHolidays returns the shipped calendar with dir's holidays.csv over it.
// A missing file is no error. A bad row is: the error names the file, row and
// column of each, and the good rows are used all the same.
func LoadHolidays(fsys afero.Fs, dir string) (*calendar.Calendar, error) {
	// The shipped rows are checked by the calendar and app tests; a bad one
	// here is a build mistake, still reported rather than fatal.
	shipped, shippedErr := calendar.Parse("assets/holidays.csv", bytes.NewReader(assets.HolidaysCSV()))
	path := filepath.Join(dir, HolidaysFile)
	b, err := afero.ReadFile(fsys, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return calendar.New(shipped), shippedErr
	case err != nil:
		return calendar.New(shipped), errors.Join(shippedErr, fmt.Errorf("read %s: %w", path, err))
	}
	user, err := calendar.Parse(path, bytes.NewReader(b))
	return calendar.New(shipped, user), errors.Join(shippedErr, err)
}

// ShippedHolidays reports the public holidays of the shipped calendar, for
// the 限产 baseline (judge.WithHolidays).
func ShippedHolidays() func(time.Time) bool {
	rows, _ := calendar.Parse("assets/holidays.csv", bytes.NewReader(assets.HolidaysCSV())) // shipped: a bad row is caught by its test
	cal := calendar.New(rows)
	return func(t time.Time) bool { return cal.Day(t).Kind == calendar.Holiday }
}
