package scenario

import (
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

// The expected alarms: expect lines parsed, and alarms written back in the
// same form so a test compares lines.

// expect TYPE PROD[/TREAT] START END|open GRADE ("-" for no facility)
func (sc *Scenario) expectLine(args []string, line int) error {
	if len(args) == 1 && args[0] == "none" {
		return nil
	}
	if len(args) != 5 {
		return fmt.Errorf("want expect TYPE PROD[/TREAT] START END|open GRADE, or expect none")
	}
	e := Expectation{Type: store.AlarmType(args[0]), Grade: store.Grade(args[4]), Line: line}
	e.Prod, e.Trt, _ = strings.Cut(args[1], "/")
	if e.Prod == "-" {
		e.Prod = ""
	}
	var err error
	if e.Start, err = sc.time(args[2]); err != nil {
		return err
	}
	if args[3] != "open" {
		if e.End, err = sc.time(args[3]); err != nil {
			return err
		}
	}
	sc.Expect = append(sc.Expect, e)
	return nil
}

// Line is an alarm as the scenario files write it: TYPE PROD[/TREAT] START
// END|open GRADE, facility names from the scenario.
func (sc *Scenario) Line(typ store.AlarmType, prod, trt string, start, end time.Time, grade store.Grade) string {
	subj := prod
	if subj == "" {
		subj = "-"
	}
	if trt != "" {
		subj += "/" + trt
	}
	e := "open"
	if !end.IsZero() {
		e = end.In(store.Beijing).Format("01-02T15:04")
	}
	return fmt.Sprintf("%s %s %s %s %s", typ, subj, start.In(store.Beijing).Format("01-02T15:04"), e, grade)
}

// Name is facility id's name, "" for none.
func (sc *Scenario) Name(id int64) string {
	for _, f := range sc.Facts.Facilities {
		if f.ID == id {
			return f.Name
		}
	}
	return ""
}

// Got is as, written as Lines, in order.
func (sc *Scenario) Got(as []store.Alarm) []string {
	var out []string
	for _, a := range as {
		out = append(out, sc.Line(a.Type, sc.Name(a.ProductionID), sc.Name(a.TreatmentID), a.Start, a.End, a.Grade))
	}
	return out
}

// Want is the expectations, written as Lines, in file order.
func (sc *Scenario) Want() []string {
	var out []string
	for _, e := range sc.Expect {
		out = append(out, sc.Line(e.Type, e.Prod, e.Trt, e.Start, e.End, e.Grade))
	}
	return out
}
