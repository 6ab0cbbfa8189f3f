package calendar

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// shipped is the calendar of assets/holidays.csv (read from disk: the assets
// package pulls in Fyne, which this package must not).
func shipped(tb testing.TB) *Calendar {
	tb.Helper()
	return New(shippedRows(tb))
}

func shippedRows(tb testing.TB) []Entry {
	tb.Helper()
	b, err := os.ReadFile("../assets/holidays.csv")
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := Parse("assets/holidays.csv", bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("the shipped calendar has bad rows: %v", err)
	}
	return rows
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, beijing) }

func TestDay(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		name string
		at   time.Time
		want Day
	}{
		{"2025 National Day and Mid-Autumn start on 10-01", date(2025, 10, 1), Day{Kind: Holiday, Name: "国庆节、中秋节", Known: true}},
		{"2025 Mid-Autumn (10-06) is inside the 8-day break", date(2025, 10, 6), Day{Kind: Holiday, Name: "国庆节、中秋节", Known: true}},
		{"2025 break ends on 10-08", date(2025, 10, 8), Day{Kind: Holiday, Name: "国庆节、中秋节", Known: true}},
		{"2025-10-09 (Thursday) is an ordinary working day", date(2025, 10, 9), Day{Kind: Workday, Known: true}},
		{"Sunday 2025-09-28 is a make-up working day", date(2025, 9, 28), Day{Kind: Workday, Name: "国庆节、中秋节补班", MakeUp: true, Known: true}},
		{"Saturday 2025-10-11 is a make-up working day", date(2025, 10, 11), Day{Kind: Workday, Name: "国庆节、中秋节补班", MakeUp: true, Known: true}},
		{"Saturday 2025-09-27 stays a weekend", date(2025, 9, 27), Day{Kind: Weekend, Known: true}},
		{"2026 Spring Festival starts on 02-15 (腊月二十八)", date(2026, 2, 15), Day{Kind: Holiday, Name: "春节", Known: true}},
		{"2026 Spring Festival ends on 02-23 (正月初七)", date(2026, 2, 23), Day{Kind: Holiday, Name: "春节", Known: true}},
		{"2026-02-24 is back to work", date(2026, 2, 24), Day{Kind: Workday, Known: true}},
		{"Saturday 2026-02-14 is worked before the Spring Festival", date(2026, 2, 14), Day{Kind: Workday, Name: "春节补班", MakeUp: true, Known: true}},
		{"Saturday 2026-02-28 is worked after it", date(2026, 2, 28), Day{Kind: Workday, Name: "春节补班", MakeUp: true, Known: true}},
		{"Sunday 2026-01-04 is worked after New Year", date(2026, 1, 4), Day{Kind: Workday, Name: "元旦补班", MakeUp: true, Known: true}},
		{"2023 New Year's holiday began on 2022-12-31", date(2022, 12, 31), Day{Kind: Holiday, Name: "元旦", Known: true}},
		{"2020 Spring Festival was extended to 02-02, cancelling the 02-01 make-up day", date(2020, 2, 1), Day{Kind: Holiday, Name: "春节（延长）", Known: true}},
		{"a Beijing morning is that Beijing date, whatever t's zone", time.Date(2025, 9, 30, 16, 30, 0, 0, time.UTC), Day{Kind: Holiday, Name: "国庆节、中秋节", Known: true}},
		{"2027 is not published: Friday 01-01 is a plain workday, unknown", date(2027, 1, 1), Day{Kind: Workday}},
		{"2027 is not published: Saturday 01-02 is a plain weekend, unknown", date(2027, 1, 2), Day{Kind: Weekend}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Day(tt.at); got != tt.want {
				t.Errorf("Day(%s) = %+v, want %+v", tt.at.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

// TestShippedRows checks the shipped file against the notices' own totals
// ("共N天" and the 上班 days), and that every make-up day is a Saturday or Sunday.
func TestShippedRows(t *testing.T) {
	want := map[int][2]int{ // year → holiday days, make-up working days
		2020: {30, 6}, // 春节 7 days + 3 of the extension
		2021: {31, 7},
		2022: {32, 7}, // with 2022-12-31 of the 2023 New Year
		2023: {26, 7},
		2024: {28, 8},
		2025: {28, 5},
		2026: {33, 6},
	}
	got := map[int][2]int{}
	seen := map[time.Time]bool{}
	for _, e := range shippedRows(t) {
		if seen[e.Date] {
			t.Errorf("%s is listed twice", e.Date.Format(time.DateOnly))
		}
		seen[e.Date] = true
		n := got[e.Date.Year()]
		switch e.Kind {
		case Holiday:
			n[0]++
		case Workday:
			n[1]++
			if wd := e.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("make-up day %s is a %s", e.Date.Format(time.DateOnly), wd)
			}
		default:
			t.Errorf("%s: kind %s in the shipped file", e.Date.Format(time.DateOnly), e.Kind)
		}
		got[e.Date.Year()] = n
	}
	for y, w := range want {
		if got[y] != w {
			t.Errorf("%d: %d holiday and %d make-up days, want %d and %d", y, got[y][0], got[y][1], w[0], w[1])
		}
	}
	if len(got) != len(want) {
		t.Errorf("years in the file: %v, want 2020–2026", got)
	}
}

func TestRestSpans(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		name     string
		cal      *Calendar
		from, to time.Time
		want     []Span
	}{
		{"make-up Sunday 09-28 and Saturday 10-11 are not rest days", c, date(2025, 9, 27), date(2025, 10, 13), []Span{
			{From: date(2025, 9, 27), To: date(2025, 9, 28), Kind: Weekend},
			{From: date(2025, 10, 1), To: date(2025, 10, 9), Kind: Holiday, Name: "国庆节、中秋节"},
			{From: date(2025, 10, 12), To: date(2025, 10, 13), Kind: Weekend},
		}},
		{"a new name starts a new span", c, date(2020, 1, 24), date(2020, 2, 3), []Span{
			{From: date(2020, 1, 24), To: date(2020, 1, 31), Kind: Holiday, Name: "春节"},
			{From: date(2020, 1, 31), To: date(2020, 2, 3), Kind: Holiday, Name: "春节（延长）"},
		}},
		{"a range starting mid-day includes that day", c, date(2024, 12, 31).Add(20 * time.Hour), date(2025, 1, 6), []Span{
			{From: date(2025, 1, 1), To: date(2025, 1, 2), Kind: Holiday, Name: "元旦"},
			{From: date(2025, 1, 4), To: date(2025, 1, 6), Kind: Weekend},
		}},
		{"no calendar: plain weekends", nil, date(2025, 9, 27), date(2025, 10, 6), []Span{
			{From: date(2025, 9, 27), To: date(2025, 9, 29), Kind: Weekend},
			{From: date(2025, 10, 4), To: date(2025, 10, 6), Kind: Weekend},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.RestSpans(tt.from, tt.to)
			if len(got) != len(tt.want) {
				t.Fatalf("RestSpans = %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].From.Equal(tt.want[i].From) || !got[i].To.Equal(tt.want[i].To) || got[i].Kind != tt.want[i].Kind || got[i].Name != tt.want[i].Name {
					t.Errorf("span %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestUnknownYears(t *testing.T) {
	c := shipped(t)
	if got := c.UnknownYears(date(2026, 6, 1), date(2028, 1, 1)); len(got) != 1 || got[0] != 2027 {
		t.Errorf("UnknownYears(2026-06 … 2028-01-01) = %v, want [2027] (the end is exclusive)", got)
	}
	if got := c.UnknownYears(date(2020, 1, 1), date(2027, 1, 1)); got != nil {
		t.Errorf("UnknownYears(2020 … 2026) = %v, want none", got)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []Entry
		errs []string // the error's lines
	}{
		{"header, BOM, comments, blank rows, Excel dates and Chinese kinds",
			[]byte("\xef\xbb\xbfdate,kind,name\n# 2027\n2027/1/1,放假,元旦\n,,\n2027-02-20 , 上班 , 春节补班\n2027-03-01,NORMAL,\n"),
			[]Entry{{date(2027, 1, 1), Holiday, "元旦"}, {date(2027, 2, 20), Workday, "春节补班"}, {date(2027, 3, 1), Normal, ""}}, nil},
		{"bad rows are reported by row and column and good rows still load",
			[]byte("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n2027-02-06,rest,春节\n02/07/2027,vacation,\n2027-02-08,workday,春节补班\n"),
			[]Entry{{date(2027, 1, 1), Holiday, "元旦"}, {date(2027, 2, 8), Workday, "春节补班"}},
			[]string{
				`holidays.csv row 3, column date: "2027-13-01" is not a date`,
				`holidays.csv row 4, column kind: "rest" is not holiday, workday or normal`,
				`holidays.csv row 5, column date: "02/07/2027" is not a date`,
				`holidays.csv row 5, column kind: "vacation" is not holiday, workday or normal`,
			}},
		{"GB18030 as Excel saves CSV on a Chinese Windows", gb18030(t, "日期,类型,名称\n2027-01-01,放假,元旦\n"),
			[]Entry{{date(2027, 1, 1), Holiday, "元旦"}}, nil},
		{"a broken quote stops the file with its row", []byte("2027-01-01,holiday,元旦\n2027-01-02,holiday,\"x\n"),
			[]Entry{{date(2027, 1, 1), Holiday, "元旦"}}, []string{`holidays.csv row 2: not a CSV file: extraneous or missing " in quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("holidays.csv", bytes.NewReader(tt.in))
			if len(got) != len(tt.want) {
				t.Fatalf("Parse = %+v, want %+v (err %v)", got, tt.want, err)
			}
			for i := range got {
				if !got[i].Date.Equal(tt.want[i].Date) || got[i].Kind != tt.want[i].Kind || got[i].Name != tt.want[i].Name {
					t.Errorf("row %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			var lines []string
			if err != nil {
				lines = strings.Split(err.Error(), "\n")
			}
			if strings.Join(lines, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("error =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.errs, "\n"))
			}
			var pe *ParseError
			if tt.errs != nil && (!errors.As(err, &pe) || pe.File != "holidays.csv") {
				t.Errorf("error %v is not a *ParseError naming the file", err)
			}
		})
	}
}

func gb18030(tb testing.TB, s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestOverride ensures the officer's rows add a year, replace a shipped row
// and (normal) undo one.
func TestOverride(t *testing.T) {
	user, err := Parse("holidays.csv", strings.NewReader("date,kind,name\n2027-01-01,holiday,元旦\n2026-02-14,holiday,春节（提前）\n2026-01-04,normal,\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := New(shippedRows(t), user)
	tests := []struct {
		at   time.Time
		want Day
	}{
		{date(2027, 1, 1), Day{Kind: Holiday, Name: "元旦", Known: true}},
		{date(2027, 1, 8), Day{Kind: Workday, Known: true}},
		{date(2026, 2, 14), Day{Kind: Holiday, Name: "春节（提前）", Known: true}},
		{date(2026, 1, 4), Day{Kind: Weekend, Known: true}},
		{date(2026, 2, 15), Day{Kind: Holiday, Name: "春节", Known: true}}, // shipped rows not overridden stay
	}
	for _, tt := range tests {
		if got := c.Day(tt.at); got != tt.want {
			t.Errorf("Day(%s) = %+v, want %+v", tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
}
