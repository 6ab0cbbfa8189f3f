package ui

import (
	"context"
	"errors"
	"time"

	"powerwatch/store"
)

// message turns an error into a sentence for the officer. Only ui makes
// user-facing text; anything it does not know becomes "internal error, see the
// log" with the error's own text for the log reader.
func (s *Shell) message(err error) string {
	var key string
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrNotFound):
		key = "err.notfound"
	case errors.Is(err, store.ErrConflict):
		key = "err.conflict"
	case errors.Is(err, store.ErrInvalid):
		return s.tr.T("err.invalid") + " " + err.Error()
	case errors.Is(err, store.ErrCorrupt):
		key = "err.corrupt"
	case errors.Is(err, store.ErrReadOnly):
		key = "err.readonly"
	case errors.Is(err, context.Canceled):
		key = "err.canceled"
	case errors.Is(err, context.DeadlineExceeded):
		key = "err.timeout"
	default:
		return s.tr.T("err.internal") + " (" + err.Error() + ")"
	}
	return s.tr.T(key)
}

// alarmType is an alarm type's name in the current language.
func (s *Shell) alarmType(t store.AlarmType) string { return s.tr.T("alarm." + string(t)) }

// grade is a grade's name in the current language.
func (s *Shell) grade(g store.Grade) string { return s.tr.T("grade." + string(g)) }

// facilityKind is a facility kind's name in the current language.
func (s *Shell) facilityKind(k store.FacilityKind) string { return s.tr.T("kind." + string(k)) }

// when formats t in Beijing time, or "—" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(store.Beijing).Format("2006-01-02 15:04:05")
}

// dayStart is midnight in Beijing of t's day.
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(store.Beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, store.Beijing)
}
