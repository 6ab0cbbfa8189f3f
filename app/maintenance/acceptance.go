package maintenance

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"powerwatch/store"
)

// MaxDelay is the guideline's limit on delivery: data must reach the
// monitoring centre within 5 minutes of its DataTime (§6.8).
const MaxDelay = 5 * time.Minute

// An AcceptancePoint is one point under the acceptance or inspection test
// (§6.7.3–6.7.4, §6.10): what it is, the threshold that decides its
// facility's state, and what arrived during the test.
type AcceptancePoint struct {
	Point     store.Point
	Facility  store.Facility
	Threshold store.Threshold
	Samples   []store.Sample    // the point's slots in the test window, any order
	Packets   []store.RawPacket // its terminal's packets in the test window
}

// A PointResult is one line of the test's checklist.
type PointResult struct {
	Point     store.Point
	Facility  store.Facility
	Packets   int           // packets of the terminal that arrived
	MaxDelay  time.Duration // the longest receive time − DataTime
	DelayOK   bool          // every packet within MaxDelay
	SawOff    bool          // the facility was seen stopping (running → at or below the stop threshold)
	SawOn     bool          // and starting again (stopped → at or above the running threshold)
	Plausible bool          // no negative value, nothing above 1.5 × rated, values present
	Problems  []string      // why it fails, Chinese with English
	Pass      bool
}

// quantity returns the value the threshold is on, NaN when missing.
func quantity(s store.Sample, b store.Basis) float64 {
	if b == store.ByCurrent {
		return s.I
	}
	return s.P
}

// EvaluateAcceptance judges each point over what arrived while the
// installer switched its facility off and on: packets arriving, delivery
// delay ≤ 5 min, the off and on transitions seen against the thresholds, and
// plausible values. It is pure: the app reads the store, the screen polls.
func EvaluateAcceptance(points []AcceptancePoint) []PointResult {
	var out []PointResult
	for _, ap := range points {
		r := PointResult{Point: ap.Point, Facility: ap.Facility, Packets: len(ap.Packets), DelayOK: true, Plausible: true}
		for _, p := range ap.Packets {
			if p.DataTime.IsZero() {
				continue
			}
			if d := p.ReceivedAt.Sub(p.DataTime); d > r.MaxDelay {
				r.MaxDelay = d
			}
		}
		if r.MaxDelay > MaxDelay {
			r.DelayOK = false
			r.Problems = append(r.Problems, fmt.Sprintf("传输时延 %s 超过 5 分钟 — delay over 5 min", r.MaxDelay.Round(time.Second)))
		}
		if r.Packets == 0 {
			r.Problems = append(r.Problems, "未收到数据 — no packets arrived")
		}
		ss := slices.Clone(ap.Samples)
		slices.SortStableFunc(ss, func(a, b store.Sample) int { return a.At.Compare(b.At) })
		state := 0 // 0 unknown, 1 running, -1 stopped
		present := 0
		rated := ap.Facility.RatedKW
		for _, s := range ss {
			v := quantity(s, ap.Threshold.Basis)
			if s.P < 0 || s.I < 0 || s.U < 0 || (rated > 0 && s.P > 1.5*rated) {
				r.Plausible = false
			}
			if math.IsNaN(v) {
				continue
			}
			present++
			switch {
			case v >= ap.Threshold.Run:
				if state == -1 && r.SawOff {
					r.SawOn = true
				}
				state = 1
			case v <= ap.Threshold.Stop:
				if state == 1 {
					r.SawOff = true
				}
				state = -1
			}
		}
		if present == 0 {
			r.Plausible = false
			r.Problems = append(r.Problems, fmt.Sprintf("无 %s 数值 — no values of the threshold's quantity", ap.Threshold.Basis))
		} else if !r.Plausible {
			r.Problems = append(r.Problems, "数值不合理（负值或超过 1.5 倍额定功率）— implausible values")
		}
		if !r.SawOff {
			r.Problems = append(r.Problems, fmt.Sprintf("未见停机（≤ %g）— the switch-off was not seen", ap.Threshold.Stop))
		} else if !r.SawOn {
			r.Problems = append(r.Problems, fmt.Sprintf("未见重新运行（≥ %g）— the switch-on was not seen", ap.Threshold.Run))
		}
		r.Pass = r.Packets > 0 && r.DelayOK && r.SawOff && r.SawOn && r.Plausible
		out = append(out, r)
	}
	return out
}

// Store is r as the store's vocabulary has it, for the screen.
func (r PointResult) Store() store.AcceptanceResult {
	return store.AcceptanceResult{PointID: r.Point.ID, Point: r.Point.Name, Facility: r.Facility.Name, Packets: r.Packets,
		MaxDelay: r.MaxDelay, DelayOK: r.DelayOK, SawOff: r.SawOff, SawOn: r.SawOn, Plausible: r.Plausible,
		Problems: r.Problems, Pass: r.Pass}
}

func result(ok bool) store.CheckResult {
	if ok {
		return store.CheckOK
	}
	return store.CheckFault
}

// AcceptanceRecord turns the checklist into the maintenance record of the
// test (kind acceptance or inspection): communication and data checks over
// all points, and the on/off test per facility. People and sign-off are left
// for the person to fill in.
func AcceptanceRecord(kind store.TaskKind, enterpriseID int64, at time.Time, results []PointResult) store.MaintenanceRecord {
	rec := store.MaintenanceRecord{Kind: kind, EnterpriseID: enterpriseID, Date: at}
	comm, data := true, true
	var problems []string
	for _, r := range results {
		comm = comm && r.Packets > 0 && r.DelayOK
		data = data && r.Plausible
		rec.OnOff = append(rec.OnOff, store.OnOffTest{FacilityID: r.Facility.ID, Facility: r.Facility.Name,
			Off: result(r.SawOff), On: result(r.SawOn), Note: fmt.Sprintf("%s: %d 包 packets, 最大时延 max delay %s", r.Point.Name, r.Packets, r.MaxDelay.Round(time.Second))})
		for _, p := range r.Problems {
			problems = append(problems, r.Facility.Name+" / "+r.Point.Name+": "+p)
		}
	}
	rec.Checks = []store.Check{{Item: store.CheckCommunication, Result: result(comm)}, {Item: store.CheckData, Result: result(data)}}
	for i, p := range problems {
		if i > 0 {
			rec.Problems += "\n"
		}
		rec.Problems += p
	}
	return rec
}

// WriteAcceptance writes the test's checklist as `acceptance` prints it, one
// tab-separated line per point: verdict, facility / point, packets, the
// longest delay, stop and start seen, problems. The error counts the points
// that failed; nil when all passed.
func WriteAcceptance(w io.Writer, rs []PointResult) error {
	failed := 0
	for _, r := range rs {
		verdict := "通过 PASS"
		if !r.Pass {
			verdict, failed = "不通过 FAIL", failed+1
		}
		fmt.Fprintf(w, "%s\t%s / %s\t%d 包 packets\t最大时延 %s\t停 off %v\t开 on %v\t%s\n", verdict, r.Facility.Name, r.Point.Name,
			r.Packets, r.MaxDelay.Round(time.Second), r.SawOff, r.SawOn, strings.Join(r.Problems, "; "))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d points failed", failed, len(rs))
	}
	return nil
}
