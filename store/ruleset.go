package store

import (
	"fmt"
	"time"
)

// BaselineMethod is how the normal consumption that a 限产 order cuts from is
// estimated. The method used is shown in the alarm's evidence.
type BaselineMethod string

// Baseline methods.
const (
	BaselineWeekdays BaselineMethod = "weekdays4" // same weekday and hours over the previous 4 weeks, averaged
	BaselineLastYear BaselineMethod = "last_year" // the same period one year earlier
	BaselineRated    BaselineMethod = "rated"     // a percent of rated power (RuleSet.CutRatedPercent)
)

// A RuleSet is one version of every parameter of the alarm rules. Rule sets are
// never edited in place: a change is saved as a new Version, and every alarm
// records the version it was raised under.
type RuleSet struct {
	Version   int
	CreatedAt time.Time
	CreatedBy string
	Note      string

	Slot      time.Duration // evaluation slot; 5 min
	GapBridge time.Duration // missing data up to this long inside a condition does not break it (nor counts as its time)

	TreatmentOffMin    time.Duration // 治污设施未同步运行: minimum duration, 15 min
	ShutdownIgnoredMin time.Duration // 停产未落实: minimum duration, 30 min

	CutBaseline     BaselineMethod // 限产未落实: which baseline
	CutRatedPercent float64        // for BaselineRated: normal consumption as % of rated power
	CutMarginPct    float64        // alarm when consumption exceeds the allowance by more than this %
	CutMin          time.Duration  // no longer applies: cut_ignored is judged per 管控时段 on the cumulative (kept for old rule-set versions)

	MajorAfter  time.Duration // grade bands: < MajorAfter minor (一般)
	SevereAfter time.Duration // ≥ SevereAfter severe (严重); between: major (较重)
	RedAtLeast  Grade         // any shutdown_ignored during a red episode is at least this

	OfflineAfter      time.Duration // no data from a terminal for this long
	TransmissionMin   float64       // monthly transmission rate below this (0–1) raises low_transmission
	ConstantFor       time.Duration // the same non-zero power repeated this long is frozen
	OverRatedFactor   float64       // power above this × rated is implausible
	JumpRatedFactor   float64       // a one-slot spike by more than this × rated is implausible
	MismatchTolerance float64       // |P − √3·U·I·PF| / P above this (0–1)
	MismatchMinKW     float64       // power mismatch is judged only above this power
	MismatchMin       time.Duration // … and must hold this long
	ClockTolerance    time.Duration // |terminal clock − receiver clock| above this
	SubmeterTolerance float64       // Σ sub-meters > total × (1 + this) per hour
	SubmeterMinKWh    float64       // … and by at least this many kWh
}

// Validate reports the first parameter that makes no sense, wrapped in ErrInvalid.
func (r RuleSet) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("rule set parameter %s = %v: %w", field, v, ErrInvalid)
	}
	switch {
	case r.Slot < time.Minute || r.Slot > time.Hour || time.Hour%r.Slot != 0:
		return bad("Slot (whole minutes dividing an hour)", r.Slot)
	case r.GapBridge < 0:
		return bad("GapBridge", r.GapBridge)
	case r.TreatmentOffMin < 0 || r.ShutdownIgnoredMin < 0 || r.CutMin < 0 || r.MismatchMin < 0:
		return bad("minimum durations", "negative")
	case r.CutBaseline != BaselineWeekdays && r.CutBaseline != BaselineLastYear && r.CutBaseline != BaselineRated:
		return bad("CutBaseline", r.CutBaseline)
	case r.CutBaseline == BaselineRated && !(r.CutRatedPercent > 0 && r.CutRatedPercent <= 200):
		return bad("CutRatedPercent", r.CutRatedPercent)
	case r.CutMarginPct < 0:
		return bad("CutMarginPct", r.CutMarginPct)
	case r.MajorAfter <= 0 || r.SevereAfter < r.MajorAfter:
		return bad("grade bands MajorAfter/SevereAfter", fmt.Sprint(r.MajorAfter, "/", r.SevereAfter))
	case r.RedAtLeast != Minor && r.RedAtLeast != Major && r.RedAtLeast != Severe:
		return bad("RedAtLeast", r.RedAtLeast)
	case r.OfflineAfter < r.Slot:
		return bad("OfflineAfter", r.OfflineAfter)
	case r.TransmissionMin < 0 || r.TransmissionMin > 1:
		return bad("TransmissionMin", r.TransmissionMin)
	case r.MismatchTolerance <= 0 || r.SubmeterTolerance < 0:
		return bad("tolerances", "out of range")
	}
	return nil
}

// An AlarmScope is the part of the alarm table one evaluation speaks for:
// alarms of the listed types (all when empty) that start in [From, To), of one
// enterprise (all when EnterpriseID is 0). Saving an evaluation reconciles
// exactly the stored alarms inside its scope.
type AlarmScope struct {
	From, To     time.Time
	EnterpriseID int64
	Types        []AlarmType
}

// Contains reports whether a lies inside the scope.
func (s AlarmScope) Contains(a Alarm) bool {
	if a.Start.Before(s.From) || !a.Start.Before(s.To) {
		return false
	}
	if s.EnterpriseID != 0 && a.EnterpriseID != s.EnterpriseID {
		return false
	}
	if len(s.Types) == 0 {
		return true
	}
	for _, t := range s.Types {
		if t == a.Type {
			return true
		}
	}
	return false
}

// SameEpisode reports whether a and b describe the same episode: same rule, same
// subjects, overlapping time (an open alarm extends to the end of time). It is
// how re-evaluation and replay recognise an alarm already stored.
func SameEpisode(a, b Alarm) bool {
	if a.Type != b.Type || a.EnterpriseID != b.EnterpriseID || a.ProductionID != b.ProductionID ||
		a.TreatmentID != b.TreatmentID || a.PointID != b.PointID || a.TerminalID != b.TerminalID ||
		a.OrderID != b.OrderID {
		return false
	}
	return overlaps(a, b)
}

func overlaps(a, b Alarm) bool {
	aEndAfterB := a.End.IsZero() || a.End.After(b.Start) || (a.End.Equal(b.Start) && a.Start.Equal(b.Start))
	bEndAfterA := b.End.IsZero() || b.End.After(a.Start) || (b.End.Equal(a.Start) && a.Start.Equal(b.Start))
	return aEndAfterB && bEndAfterA
}

// IsFalseAlarm reports whether a reviewer's disposition says the alarm was not
// a violation of the enterprise (threshold wrong, device or circuit fault,
// filed in advance, commissioning).
func (d Disposition) IsFalseAlarm() bool {
	switch d {
	case FalseThreshold, DeviceFault, CircuitFault, Filed, Commissioning:
		return true
	}
	return false
}
