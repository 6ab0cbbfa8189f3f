package alarms

import (
	"time"

	"powerwatch/store"
)

// DefaultRules returns version 1 of the rule parameters: the Beijing guideline's
// durations and our choices where it names none (see README, "Alarm rules").
func DefaultRules() store.RuleSet {
	return store.RuleSet{
		Version:            1,
		Note:               "defaults (Beijing draft guideline; 北京指南默认值)",
		Slot:               5 * time.Minute,
		GapBridge:          15 * time.Minute,
		TreatmentOffMin:    15 * time.Minute,
		ShutdownIgnoredMin: 30 * time.Minute,
		CutBaseline:        store.BaselineWeekdays,
		CutRatedPercent:    60,
		CutMarginPct:       10,
		CutMin:             time.Hour,
		MajorAfter:         time.Hour,
		SevereAfter:        4 * time.Hour,
		RedAtLeast:         store.Major,
		OfflineAfter:       time.Hour,
		TransmissionMin:    0.90,
		ConstantFor:        2 * time.Hour,
		OverRatedFactor:    1.5,
		JumpRatedFactor:    1.0,
		MismatchTolerance:  0.25,
		MismatchMinKW:      1,
		MismatchMin:        30 * time.Minute,
		ClockTolerance:     5 * time.Minute,
		SubmeterTolerance:  0.05,
		SubmeterMinKWh:     1,
		CycleWindow:        30 * time.Minute,
		CycleOffMin:        20 * time.Minute,
		CycleMinStops:      2,
		NightFrom:          22,
		NightTo:            6,
		NightShare:         0.3,
		NightRatio:         0.5,
	}
}

// GradeFor returns the grade of an alarm of typ lasting d under rs. A
// shutdown_ignored alarm during a red episode is at least rs.RedAtLeast.
func GradeFor(rs store.RuleSet, typ store.AlarmType, d time.Duration, level store.Level) store.Grade {
	g := store.Minor
	switch {
	case d >= rs.SevereAfter:
		g = store.Severe
	case d >= rs.MajorAfter:
		g = store.Major
	}
	if typ == store.ShutdownIgnored && level == store.Red && rank(g) < rank(rs.RedAtLeast) {
		g = rs.RedAtLeast
	}
	return g
}

func rank(g store.Grade) int {
	switch g {
	case store.Major:
		return 1
	case store.Severe:
		return 2
	}
	return 0
}
