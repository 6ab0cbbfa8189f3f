package service

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"powerwatch/calendar"
)

func TestHolidays(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("CST", 8*60*60))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name    string
		file    string // holidays.csv in the data folder; "" for none
		errs    []string
		checks  map[string]calendar.Kind // date → kind
		known27 bool
	}{
		{name: "no file: the shipped calendar, 2027 unknown",
			checks: map[string]calendar.Kind{"2025-10-06": calendar.Holiday, "2025-09-28": calendar.Workday, "2027-01-01": calendar.Workday}},
		{name: "the officer adds 2027 and a bad row is reported while the good rows load",
			file: "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,春节\n2027-02-20,上班,春节补班\n2026-02-14,normal,\n",
			errs: []string{`/data/holidays.csv row 3, column date: "2027-13-01" is not a date`},
			checks: map[string]calendar.Kind{"2027-01-01": calendar.Holiday, "2027-02-20": calendar.Workday,
				"2026-02-14": calendar.Weekend, "2026-02-16": calendar.Holiday},
			known27: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			if tt.file != "" {
				if err := afero.WriteFile(fsys, "/data/holidays.csv", []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cal, err := LoadHolidays(fsys, "/data")
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if strings.Join(got, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("LoadHolidays error = %v, want %q", err, tt.errs)
			}
			for s, want := range tt.checks {
				if got := cal.Day(day(s)).Kind; got != want {
					t.Errorf("%s is a %s, want %s", s, got, want)
				}
			}
			if got := cal.Known(2027); got != tt.known27 {
				t.Errorf("Known(2027) = %v, want %v", got, tt.known27)
			}
		})
	}
}
