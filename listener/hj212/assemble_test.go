package hj212_test

import (
	"testing"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

func TestAssembler(t *testing.T) {
	p1 := mustParse(t, hj212test.ByName("Part1of2").Raw)
	p2 := mustParse(t, hj212test.ByName("Part2of2").Raw)
	now := time.Date(2026, 1, 15, 10, 50, 0, 0, hj212.Beijing())
	var a hj212.Assembler

	for _, order := range [][]*hj212.Packet{{p1, p2}, {p2, p1}, {p1, p1, p2}} {
		var whole *hj212.Packet
		for i, p := range order {
			w, ev := a.Add(p, now)
			if ev != nil {
				t.Fatalf("Add evicted %d parts", len(ev))
			}
			if (w != nil) != (i == len(order)-1) {
				t.Fatalf("Add #%d: whole = %v, want it only after the last part", i, w != nil)
			}
			whole = w
		}
		if whole.Flag.Split() || whole.Has(hj212.HasPNUM) || whole.QN != p1.QN {
			t.Errorf("merged header: Flag %d, PNUM present %v, QN %s; want D cleared, no PNUM, QN of part 1", whole.Flag, whole.Has(hj212.HasPNUM), whole.QN)
		}
		if v, _ := whole.Float("i33200", "Rtd"); v != 10.1 {
			t.Errorf("merged i33200-Rtd = %v, want 10.1", v)
		}
		if v, _ := whole.Float("i33103", "Rtd"); v != 381 {
			t.Errorf("merged i33103-Rtd = %v, want 381", v)
		}
		if dt, ok := whole.DataTime(); !ok || dt.Minute() != 50 {
			t.Errorf("merged DataTime = %v, %v", dt, ok)
		}
		if n := whole.NumFields(); n != 5 {
			t.Errorf("merged CP has %d fields, want 5 (one DataTime)", n)
		}
		if a.Pending() != 0 {
			t.Errorf("Pending() = %d after completion, want 0", a.Pending())
		}
	}

	whole := mustParse(t, hj212test.ByName("Realtime2025").Raw)
	if w, _ := a.Add(whole, now); w != whole {
		t.Error("Add of an unsplit packet did not return it as is")
	}
}

func TestAssemblerBounds(t *testing.T) {
	now := time.Date(2026, 1, 15, 10, 50, 0, 0, hj212.Beijing())
	a := hj212.Assembler{MaxGroups: 2, Timeout: time.Minute}
	part := func(dt string) *hj212.Packet {
		return mustParse(t, seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=7;PNUM=3;PNO=1;CP=&&DataTime="+dt+";x-Rtd=1&&"))
	}
	a.Add(part("20260115100000"), now)
	a.Add(part("20260115100500"), now.Add(30*time.Second))
	_, ev := a.Add(part("20260115101000"), now.Add(40*time.Second))
	if len(ev) != 1 || ev[0].Field(0).Value != "20260115100000" {
		t.Fatalf("evicted = %v, want the oldest upload's part", ev)
	}
	if a.Pending() != 2 {
		t.Fatalf("Pending() = %d, want 2", a.Pending())
	}
	exp := a.Expire(now.Add(90 * time.Second))
	if len(exp) != 1 || exp[0].Field(0).Value != "20260115100500" || a.Pending() != 1 {
		t.Fatalf("Expire returned %d parts, Pending %d; want the 10:05 part and 1 left", len(exp), a.Pending())
	}
}
