package sqlite_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// sameTimeFrame is a stored frame of f's terminal at at with QN qn, header
// extra (e.g. ";PNUM=2;PNO=1") and CP body; the CRC is a placeholder (the
// store does not check it).
func (f *readingsFixture) sameTimeFrame(at time.Time, qn, flag, extra, body string) store.RawPacket {
	n14 := at.In(store.Beijing).Format("20060102150405")
	frame := fmt.Sprintf("##0100QN=%s;ST=44;CN=2011;PW=123456;MN=%s;Flag=%s%s;CP=&&DataTime=%s;%s&&ABCD", qn, f.mn, flag, extra, n14, body)
	return store.RawPacket{MN: f.mn, ST: "44", CN: "2011", QN: qn, DataTime: at, ReceivedAt: at.Add(3 * time.Second),
		CRCOK: true, Frame: []byte(frame)}
}

// TestSameTimeFrames: a frame with the MN, ST, CN and DataTime of a stored
// one is a duplicate only when its CP is the same (whatever its QN); with
// other factors it is stored beside the first and its values merged into
// the slot; a changed value is the newest in the series and both frames stay.
// In the packed tier (late data) and through a compaction likewise.
func TestSameTimeFrames(t *testing.T) {
	for _, packed := range []bool{false, true} {
		t.Run(fmt.Sprintf("packed=%v", packed), func(t *testing.T) {
			ctx := t.Context()
			f := mustReadings(t, 2)
			if packed {
				if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 1)); err != nil {
					t.Fatal(err)
				}
			}
			at := day0.Add(10 * time.Hour)
			p1, p2 := f.points[0], f.points[1]
			meter1 := f.sameTimeFrame(at, "20261102100000001", "5", "", "d20401-Rtd=50")
			first := mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{meter1}, Samples: []store.Sample{sample(p1, at, 50, math.NaN())}})
			if first.Duplicate[0] || first.Revision[0] {
				t.Fatalf("first frame: %+v", first)
			}
			tests := []struct {
				name      string
				pk        store.RawPacket
				ss        []store.Sample
				dup, rev  bool
				newSample int
				revised   int
			}{
				{"retry with a new QN", f.sameTimeFrame(at, "20261102100003999", "5", "", "d20401-Rtd=50"),
					[]store.Sample{sample(p1, at, 50, math.NaN())}, true, false, 0, 0},
				{"second meter, other factors", f.sameTimeFrame(at, "20261102100000002", "5", "", "d20402-Rtd=7"),
					[]store.Sample{sample(p2, at, 7, math.NaN())}, false, true, 1, 0},
				{"energy added to the first meter", f.sameTimeFrame(at, "20261102100000003", "5", "", "d20401-Cou=1234"),
					[]store.Sample{sample(p1, at, math.NaN(), 1234)}, false, true, 0, 1},
				{"revised power", f.sameTimeFrame(at, "20261102100000004", "5", "", "d20401-Rtd=80"),
					[]store.Sample{sample(p1, at, 80, math.NaN())}, false, true, 0, 1},
				{"the revision again", f.sameTimeFrame(at, "20261102100000005", "5", "", "d20401-Rtd=80"),
					[]store.Sample{sample(p1, at, 80, math.NaN())}, true, false, 0, 0},
			}
			for _, tt := range tests {
				got := mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{tt.pk}, Samples: tt.ss})
				if got.Duplicate[0] != tt.dup || got.Revision[0] != tt.rev || got.NewSamples != tt.newSample || len(got.Revised) != tt.revised {
					t.Errorf("%s: %+v, want duplicate %v, revision %v, %d new samples, %d revised", tt.name, got, tt.dup, tt.rev, tt.newSample, tt.revised)
				}
			}
			check := func(when string) {
				t.Helper()
				ps, err := f.db.RawPackets(ctx, f.mn, at, at.Add(time.Second))
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 4 {
					t.Errorf("%s: %d frames stored at %s, want 4 (first, second meter, energy, revision)", when, len(ps), at)
				}
				ss, err := f.db.Samples(ctx, p1, at, at.Add(time.Second))
				if err != nil || len(ss) != 1 || ss[0].P != 80 || ss[0].E != 1234 {
					t.Errorf("%s: point 1 = %+v (%v), want P 80 (newest) and E 1234", when, ss, err)
				}
				ss, err = f.db.Samples(ctx, p2, at, at.Add(time.Second))
				if err != nil || len(ss) != 1 || ss[0].P != 7 {
					t.Errorf("%s: point 2 = %+v (%v), want P 7", when, ss, err)
				}
			}
			check("ingested")
			if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 2)); err != nil {
				t.Fatal(err)
			}
			check("compacted")
		})
	}
}

// TestSplitParts: new parts of split uploads are kept until the listener is
// done with their message; a part sent again is kept once; other frames and
// a malformed part number are not parts.
func TestSplitParts(t *testing.T) {
	ctx := t.Context()
	f := mustReadings(t, 1)
	at := day0.Add(time.Hour)
	b := &store.Batch{Packets: []store.RawPacket{
		f.sameTimeFrame(at, "20261102010000001", "7", ";PNUM=2;PNO=1", "d20401-Rtd=1"),
		f.sameTimeFrame(at, "20261102010000002", "7", ";PNO=2;PNUM=2", "d20401-Cou=2"),
		f.sameTimeFrame(at, "20261102010000003", "7", ";PNUM=2;PNO=1", "d20401-Rtd=1"), // retry
		f.sameTimeFrame(at.Add(time.Minute), "20261102010100001", "5", "", "d20401-Rtd=3"),
		f.sameTimeFrame(at.Add(2*time.Minute), "20261102010200001", "7", ";PNUM=2;PNO=3", "d20401-Rtd=4"),
	}}
	mustIngest(t, f.db, b)
	ps, err := f.db.PendingSplitParts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].PNO+ps[1].PNO != 3 || ps[0].PNUM != 2 || !ps[0].DataTime.Equal(at) {
		t.Fatalf("pending parts = %+v, want PNO 1 and 2 of 2 at %s", ps, at)
	}
	if err := f.db.DoneSplitParts(ctx, ps[:1]); err != nil {
		t.Fatal(err)
	}
	if ps, err = f.db.PendingSplitParts(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("pending parts after done = %+v, %v; want none", ps, err)
	}
}

// TestRevisionKeepsViolation: a later frame of the same time that revises a
// slot inside a violation alarm marks it 数据被修订, pins both frames as
// evidence, and a re-evaluation that no longer finds the violation does not
// withdraw it; an alarm whose data was not revised is withdrawn as before.
func TestRevisionKeepsViolation(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	scope := store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}
	revisedAlarm := f.alarmAt(f.t0.Add(time.Hour), 30*time.Minute)
	other := f.alarmAt(f.t0.Add(5*time.Hour), 30*time.Minute)
	if _, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{revisedAlarm, other}); err != nil {
		t.Fatal(err)
	}
	at := f.t0.Add(70 * time.Minute)
	frame := func(qn, cp string) store.RawPacket {
		seg := "QN=" + qn + ";ST=44;CN=2011;PW=123456;MN=" + f.term.MN + ";Flag=5;CP=&&DataTime=" + at.Format("20060102150405") + ";" + cp + "&&"
		return store.RawPacket{MN: f.term.MN, ST: "44", CN: "2011", QN: qn, DataTime: at, ReceivedAt: at, CRCOK: true,
			Frame: []byte(fmt.Sprintf("##%04d%sABCD", len(seg), seg))}
	}
	off, on := store.NewSample(f.pTreat.ID, at), store.NewSample(f.pTreat.ID, at)
	off.P, on.P = 0, 25
	mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{frame("20261101011000001", "e10102-Rtd=0")}, Samples: []store.Sample{off}})
	res := mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{frame("20261101011000002", "e10102-Rtd=25")}, Samples: []store.Sample{on}})
	if len(res.Revised) != 1 {
		t.Fatalf("second frame: %+v, want one revised slot", res)
	}
	// The engine, seeing the treatment running, no longer computes the first alarm.
	if _, err := f.db.ReconcileAlarms(ctx, scope, nil); err != nil {
		t.Fatal(err)
	}
	all, err := f.db.FindAlarms(ctx, store.AlarmFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		switch {
		case a.Start.Equal(revisedAlarm.Start):
			if a.Status == store.Withdrawn || !strings.Contains(a.Detail, "数据被修订") {
				t.Errorf("revised alarm = %+v, want kept and marked 数据被修订", a)
			}
			revs, err := f.db.AlarmRevisions(ctx, a.ID)
			if err != nil || len(revs) != 1 || !strings.Contains(revs[0], "P=0 → P=25") {
				t.Errorf("revisions = %q (%v), want P=0 → P=25", revs, err)
			}
		case a.Start.Equal(other.Start):
			if a.Status != store.Withdrawn || strings.Contains(a.Detail, "数据被修订") {
				t.Errorf("unrevised alarm = %+v, want withdrawn", a)
			}
		}
	}
	ps, err := f.db.RawPackets(ctx, f.term.MN, at, at.Add(time.Second))
	if err != nil || len(ps) != 2 {
		t.Fatalf("frames of the slot = %d (%v), want both", len(ps), err)
	}
	// Pinned: the retention purge keeps both.
	if _, _, err := f.db.PurgeRaw(ctx, at.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if ps, _ = f.db.RawPackets(ctx, f.term.MN, at, at.Add(time.Second)); len(ps) != 2 {
		t.Errorf("after the purge %d frames of the slot, want both kept as evidence", len(ps))
	}
}

// TestIncompleteFlag: the values of a split upload closed incomplete are
// marked so; the whole message, before or after, clears the mark.
func TestIncompleteFlag(t *testing.T) {
	ctx := t.Context()
	for _, wholeFirst := range []bool{false, true} {
		f := mustReadings(t, 1)
		at := day0.Add(3 * time.Hour)
		part := sample(f.points[0], at, 5, math.NaN())
		part.Flags |= store.FlagIncomplete
		whole := sample(f.points[0], at, 5, 100)
		order := []store.Sample{part, whole}
		if wholeFirst {
			order = []store.Sample{whole, part}
		}
		for _, s := range order {
			mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{s}})
		}
		ss, err := f.db.Samples(ctx, f.points[0], at, at.Add(time.Second))
		if err != nil || len(ss) != 1 || ss[0].Flags&store.FlagIncomplete != 0 || ss[0].E != 100 {
			t.Errorf("whole first %v: %+v (%v), want the slot whole with E 100", wholeFirst, ss, err)
		}
	}
	f := mustReadings(t, 1)
	at := day0.Add(4 * time.Hour)
	part := sample(f.points[0], at, 5, math.NaN())
	part.Flags |= store.FlagIncomplete
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{part}})
	if ss, _ := f.db.Samples(ctx, f.points[0], at, at.Add(time.Second)); len(ss) != 1 || ss[0].Flags&store.FlagIncomplete == 0 {
		t.Errorf("incomplete alone: %+v, want marked incomplete", ss)
	}
}
