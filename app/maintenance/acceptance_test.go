package maintenance_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

// switchTest is 40 minutes of 1-minute samples: running at 80 kW, switched
// off (1 kW) at minute 10, on again at minute 25, as kw returns.
func switchTest(point int64, t0 time.Time, kw func(minute int) float64) []store.Sample {
	var ss []store.Sample
	for m := range 40 {
		s := store.NewSample(point, t0.Add(time.Duration(m)*time.Minute))
		s.P = kw(m)
		ss = append(ss, s)
	}
	return ss
}

func onOff(m int) float64 {
	if m >= 10 && m < 25 {
		return 1
	}
	return 80
}

func packets(t0 time.Time, delay time.Duration) []store.RawPacket {
	var ps []store.RawPacket
	for m := range 40 {
		at := t0.Add(time.Duration(m) * time.Minute)
		ps = append(ps, store.RawPacket{DataTime: at, ReceivedAt: at.Add(delay)})
	}
	return ps
}

func TestEvaluateAcceptance(t *testing.T) {
	t0 := bj("2026-03-18 10:00")
	th := store.Threshold{Basis: store.ByPower, Stop: 5, Run: 20}
	fac := store.Facility{ID: 1, Name: "1#熔炉", RatedKW: 100}
	for _, tc := range []struct {
		name    string
		samples []store.Sample
		packets []store.RawPacket
		pass    bool
		problem string
	}{
		{"off and on seen, fast", switchTest(1, t0, onOff), packets(t0, 20*time.Second), true, ""},
		{"never switched off", switchTest(1, t0, func(int) float64 { return 80 }), packets(t0, 20*time.Second), false, "未见停机"},
		{"switched off, not on again", switchTest(1, t0, func(m int) float64 {
			if m >= 10 {
				return 1
			}
			return 80
		}), packets(t0, 20*time.Second), false, "未见重新运行"},
		{"between thresholds is neither", switchTest(1, t0, func(m int) float64 {
			if m >= 10 && m < 25 {
				return 10
			}
			return 80
		}), packets(t0, 20*time.Second), false, "未见停机"},
		{"6 minutes late", switchTest(1, t0, onOff), packets(t0, 6*time.Minute), false, "超过 5 分钟"},
		{"nothing arrived", nil, nil, false, "未收到数据"},
		{"negative power", switchTest(1, t0, func(m int) float64 {
			if m == 30 {
				return -3
			}
			return onOff(m)
		}), packets(t0, time.Second), false, "数值不合理"},
		{"values missing", switchTest(1, t0, func(int) float64 { return math.NaN() }), packets(t0, time.Second), false, "无 power 数值"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := maintenance.EvaluateAcceptance([]maintenance.AcceptancePoint{{
				Point: store.Point{ID: 1, Name: "P1"}, Facility: fac, Threshold: th, Samples: tc.samples, Packets: tc.packets}})
			r := rs[0]
			if r.Pass != tc.pass {
				t.Fatalf("pass = %v; want %v (%+v)", r.Pass, tc.pass, r)
			}
			if tc.problem != "" && !strings.Contains(strings.Join(r.Problems, "; "), tc.problem) {
				t.Errorf("problems %q lack %q", r.Problems, tc.problem)
			}
			if tc.pass && len(r.Problems) != 0 {
				t.Errorf("passing point with problems %q", r.Problems)
			}
		})
	}
	rs := maintenance.EvaluateAcceptance([]maintenance.AcceptancePoint{
		{Point: store.Point{ID: 1, Name: "P1"}, Facility: fac, Threshold: th, Samples: switchTest(1, t0, onOff), Packets: packets(t0, time.Second)},
		{Point: store.Point{ID: 2, Name: "P2"}, Facility: store.Facility{ID: 2, Name: "除尘器"}, Threshold: th,
			Samples: switchTest(2, t0, func(int) float64 { return 80 }), Packets: packets(t0, time.Second)},
	})
	rec := maintenance.AcceptanceRecord(store.TaskAcceptance, 7, t0, rs)
	if rec.Checks[0].Result != store.CheckOK || rec.Checks[1].Result != store.CheckOK || len(rec.OnOff) != 2 ||
		rec.OnOff[0].Off != store.CheckOK || rec.OnOff[1].Off != store.CheckFault || !strings.Contains(rec.Problems, "除尘器 / P2: 未见停机") {
		t.Errorf("record = %+v", rec)
	}
}

// TestWriteAcceptance: one line per point, the verdict first and the
// problems last; an error counting the failed points, nil when all passed.
func TestWriteAcceptance(t *testing.T) {
	pass := maintenance.PointResult{Point: store.Point{Name: "P1"}, Facility: store.Facility{Name: "1号熔炉"}, Packets: 12,
		MaxDelay: 61400 * time.Millisecond, SawOff: true, SawOn: true, Pass: true}
	fail := maintenance.PointResult{Point: store.Point{Name: "P2"}, Facility: store.Facility{Name: "除尘器"},
		Problems: []string{"未见停机 no stop seen", "无数据 no data"}}
	var b strings.Builder
	if err := maintenance.WriteAcceptance(&b, []maintenance.PointResult{pass}); err != nil {
		t.Errorf("all passed: %v", err)
	}
	if want := "通过 PASS\t1号熔炉 / P1\t12 包 packets\t最大时延 1m1s\t停 off true\t开 on true\t\n"; b.String() != want {
		t.Errorf("line %q, want %q", b.String(), want)
	}
	b.Reset()
	err := maintenance.WriteAcceptance(&b, []maintenance.PointResult{pass, fail})
	if err == nil || err.Error() != "1 of 2 points failed" {
		t.Errorf("one failed: %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 2 ||
		!strings.HasPrefix(lines[1], "不通过 FAIL\t除尘器 / P2") || !strings.HasSuffix(lines[1], "未见停机 no stop seen; 无数据 no data") {
		t.Errorf("lines %q", lines)
	}
}
