package store

import "time"

// StatsBy is what consumption statistics are grouped by.
type StatsBy string

// Groupings.
const (
	ByEnterprise StatsBy = "enterprise"
	ByIndustry   StatsBy = "industry"
	ByRegion     StatsBy = "region"
	ByFacility   StatsBy = "facility"
	ByPoint      StatsBy = "point"
)

// Period is the length of one statistics row.
type Period string

// Periods.
const (
	Day   Period = "day"
	Month Period = "month"
	Year  Period = "year"
)

// Start returns the Beijing-time start of the period containing t.
func (p Period) Start(t time.Time) time.Time {
	t = t.In(Beijing)
	switch p {
	case Year:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, Beijing)
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Beijing)
	default:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Beijing)
	}
}

// Add returns the start of the period n periods after the one starting at start.
func (p Period) Add(start time.Time, n int) time.Time {
	switch p {
	case Year:
		return start.AddDate(n, 0, 0)
	case Month:
		return start.AddDate(0, n, 0)
	default:
		return start.AddDate(0, 0, n)
	}
}

// Valid reports whether p is one of the periods.
func (p Period) Valid() bool { return p == Day || p == Month || p == Year }

// A StatsQuery asks for consumption per group and period over [From, To),
// both rounded down to the start of their period.
type StatsQuery struct {
	By     StatsBy
	Period Period
	From   time.Time
	To     time.Time
	IDs    []int64 // restrict to these groups (enterprise ids when By is ByEnterprise …); empty = all
}

// A StatsRow is one group's consumption in one period, with the same period a
// year earlier (同比) and the period before (环比). YoY and MoM are relative
// changes, (Energy − base) ÷ base; NaN when the base is zero or unknown.
type StatsRow struct {
	ID         int64 // enterprise, industry, region, facility or point id; 0 for "none"
	Name       string
	Start      time.Time
	Energy     float64 // kWh
	LastYear   float64 // kWh in the same period a year earlier (同比 base)
	Previous   float64 // kWh in the previous period (环比 base)
	YoY        float64 // 同比
	MoM        float64 // 环比
	RunMinutes float64
	Points     int // points that contributed
	// IndustryAvg is the mean consumption in the period of the enterprises
	// of the row's industry that used any (ByEnterprise: its own industry's;
	// ByIndustry: that industry's); NaN for other groupings or no industry.
	IndustryAvg float64
}

// A Rate is a point's transmission rate in one day or month: distinct slots
// received ÷ slots expected at its configured interval.
type Rate struct {
	PointID  int64
	Start    time.Time
	Period   Period
	Received int
	Expected int
	Rate     float64 // NaN when nothing was expected
}
