package alarms

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// bj is a Beijing wall-clock time on 2026-11-28 ("08:05") or another day ("11-29 00:10").
func bj(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == 5 {
		s = "2026-11-28 " + s
	} else if len(s) == 11 {
		s = "2026-" + s
	}
	t, err := time.ParseInLocation(layout, s, store.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// Facility ids of the test enterprise (id 1); point id = facility id + 100,
// all on terminal 1.
const (
	prodA    = 1
	treatA   = 2
	treatB   = 3
	treatC   = 4
	integ    = 5
	totalPt  = 6
	enterpri = 1
)

// district builds an enterprise with one production facility (100 kW rated,
// stop 5 kW / run 20 kW) and the listed other facilities (treatment: stop 2 /
// run 10 kW), each with one point.
func district(kinds map[int64]store.FacilityKind, links ...store.Link) *Facts {
	f := &Facts{Terminals: []store.Terminal{{ID: 1, MN: "T1", EnterpriseID: enterpri}}, Links: links}
	kinds[prodA] = store.Production
	for id := int64(1); id <= 6; id++ {
		k, ok := kinds[id]
		if !ok {
			continue
		}
		f.Facilities = append(f.Facilities, store.Facility{ID: id, EnterpriseID: enterpri, Name: fmt.Sprintf("F%d", id), Kind: k, RatedKW: 100})
		f.Points = append(f.Points, store.Point{ID: id + 100, TerminalID: 1, FacilityID: id})
		stop, run := 5.0, 20.0
		if k == store.Treatment {
			stop, run = 2, 10
		}
		f.Thresholds = append(f.Thresholds, store.Threshold{FacilityID: id, Basis: store.ByPower, Stop: stop, Run: run})
	}
	return f
}

// series describes a point's power over time as "HH:MM value" steps, each
// holding until the next; "-" is no data. The last step ends at end.
// "0!" is a value flagged faulty. Non-zero values get a jitter of a few watts, as real meters do.
type series struct {
	step  time.Duration
	end   time.Time
	steps []string
}

func (s series) samples(point int64) []store.Sample {
	var out []store.Sample
	for k, st := range s.steps {
		f := strings.Fields(st)
		from := bj(strings.Join(f[:len(f)-1], " "))
		to := s.end
		if k+1 < len(s.steps) {
			g := strings.Fields(s.steps[k+1])
			to = bj(strings.Join(g[:len(g)-1], " "))
		}
		if f[len(f)-1] == "-" {
			continue
		}
		var v float64
		val := f[len(f)-1]
		faulty := strings.HasSuffix(val, "!") // "0!": flagged faulty by the terminal
		fmt.Sscan(strings.TrimSuffix(val, "!"), &v)
		for t, k := from, 0; t.Before(to); t, k = t.Add(s.step), k+1 {
			smp := store.NewSample(point, t)
			smp.P = v
			if v != 0 {
				smp.P += 0.01 * float64(k%3) // a real meter never repeats exactly
			}
			smp.U = 380
			if faulty {
				smp.Flags |= store.FlagFault
			}
			out = append(out, smp)
		}
	}
	return out
}

// got summarises alarms for comparison: "type prod/treat start–end grade status".
func summary(as []store.Alarm) []string {
	var out []string
	for _, a := range as {
		end := "open"
		if !a.End.IsZero() {
			end = a.End.In(store.Beijing).Format("01-02 15:04")
		}
		out = append(out, fmt.Sprintf("%s %d/%d %s–%s %s", a.Type, a.ProductionID, a.TreatmentID,
			a.Start.In(store.Beijing).Format("01-02 15:04"), end, a.Grade))
	}
	return out
}

func rulesWithSlot(slot time.Duration) store.RuleSet {
	rs := DefaultRules()
	rs.Slot = slot
	return rs
}

func only(ts ...store.AlarmType) []store.AlarmType { return ts }

func assertAlarms(t *testing.T, got []store.Alarm, want []string) {
	t.Helper()
	g := summary(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("alarms:\n got %q\nwant %q", g, want)
	}
}

var _ = math.NaN
