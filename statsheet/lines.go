package statsheet

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"powerwatch/csvsafe"
	"powerwatch/store"
)

// jsonRow is one exported row as a JSON object; csv and xlsx have the
// columns of statsheet.Header.
type jsonRow struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Period      string   `json:"period"`
	Energy      float64  `json:"energy_kwh"`
	LastYear    float64  `json:"last_year_kwh"`
	YoY         *float64 `json:"yoy_pct"` // null when the base is zero
	Previous    float64  `json:"previous_kwh"`
	MoM         *float64 `json:"mom_pct"`
	IndustryAvg *float64 `json:"industry_avg_kwh"` // null when it does not apply
	RunHours    float64  `json:"run_hours"`
	PointCount  int      `json:"points"`
}

// Write writes rows as "csv" (the columns of Header, formulas defused),
// "json" (one jsonRow per line) or "xlsx" (WriteXLSX): `export stats`.
func Write(w io.Writer, format string, p store.Period, rows []store.StatsRow, extra ...Sheet) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		for _, r := range rows {
			var avg *float64
			if !math.IsNaN(r.IndustryAvg) {
				v := Round2(r.IndustryAvg)
				avg = &v
			}
			if err := enc.Encode(jsonRow{ID: r.ID, Name: r.Name, Period: PeriodLabel(p, r.Start),
				Energy: Round2(r.Energy), LastYear: Round2(r.LastYear), YoY: Percent(r.YoY),
				Previous: Round2(r.Previous), MoM: Percent(r.MoM), IndustryAvg: avg,
				RunHours: Round2(r.RunMinutes / 60), PointCount: r.Points}); err != nil {
				return err
			}
		}
		return nil
	case "xlsx":
		return WriteXLSX(w, p, rows, extra...)
	}
	cw := csvsafe.NewWriter(w)
	cw.Write(Header)
	for _, r := range rows {
		cells := Cells(p, r)
		rec := make([]string, 0, len(cells))
		for _, c := range cells {
			switch v := c.(type) {
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				rec = append(rec, fmt.Sprint(v))
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
