package listing

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"powerwatch/csvsafe"
	"powerwatch/store"
)

// AlarmRow is one line of `alarms list`: names resolved, times in Beijing.
type AlarmRow struct {
	ID                 int64   `json:"id"`
	Type               string  `json:"type"`
	Grade              string  `json:"grade"`
	Enterprise         string  `json:"enterprise"`
	ProductionFacility string  `json:"production_facility"`
	TreatmentFacility  string  `json:"treatment_facility"`
	Start              string  `json:"start"`
	End                *string `json:"end"`
	DurationMinutes    int64   `json:"duration_minutes"`
	Status             string  `json:"status"`
	Disposition        string  `json:"disposition"`
	Trial              bool    `json:"trial,omitempty"` // raised during a recorded on/off test (试验)
}

// NewAlarmRow resolves a's names in reg; an open alarm lasts until now.
func NewAlarmRow(reg *store.Registry, a store.Alarm, now time.Time) AlarmRow {
	r := AlarmRow{ID: a.ID, Type: string(a.Type), Grade: string(a.Grade), Start: a.Start.In(store.Beijing).Format(time.RFC3339),
		DurationMinutes: int64(math.Round(a.Duration(now).Minutes())), Status: string(a.Status), Disposition: string(a.Disposition),
		Trial: a.Trial}
	if en, ok := reg.Enterprise(a.EnterpriseID); ok {
		r.Enterprise = en.Name
	}
	if f, ok := reg.Facility(a.ProductionID); ok {
		r.ProductionFacility = f.Name
	}
	if f, ok := reg.Facility(a.TreatmentID); ok {
		r.TreatmentFacility = f.Name
	}
	if !a.End.IsZero() {
		end := a.End.In(store.Beijing).Format(time.RFC3339)
		r.End = &end
	}
	return r
}

// WriteAlarms writes as as JSON lines (format "json") or CSV.
func WriteAlarms(w io.Writer, format string, reg *store.Registry, as []store.Alarm, now time.Time) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, a := range as {
			if err := enc.Encode(NewAlarmRow(reg, a, now)); err != nil {
				return fmt.Errorf("write alarm %d: %w", a.ID, err)
			}
		}
		return nil
	}
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"id", "type", "grade", "enterprise", "production_facility", "treatment_facility", "start", "end",
		"duration_minutes", "status", "disposition"})
	for _, a := range as {
		r := NewAlarmRow(reg, a, now)
		end := ""
		if r.End != nil {
			end = *r.End
		}
		cw.Write([]string{strconv.FormatInt(r.ID, 10), r.Type, r.Grade, r.Enterprise, r.ProductionFacility, r.TreatmentFacility,
			r.Start, end, strconv.FormatInt(r.DurationMinutes, 10), r.Status, r.Disposition})
	}
	cw.Flush()
	return cw.Error()
}
