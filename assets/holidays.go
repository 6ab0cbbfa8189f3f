package assets

import _ "embed"

//go:embed holidays.csv
var holidaysCSV string

// HolidaysCSV returns the shipped official calendar (date,kind,name: the State
// Council's public holidays and make-up working days, 2020–2026), a fresh copy
// each call. Parse it with calendar.Parse; the officer's holidays.csv in the
// data folder goes over it through calendar.New.
func HolidaysCSV() []byte { return []byte(holidaysCSV) }
