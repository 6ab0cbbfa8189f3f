package listing

import (
	"strings"
	"testing"

	"powerwatch/listener/hj212/hj212test"
	"powerwatch/store"
)

// TestPacketsValues: the values of every readable frame in order, each with
// its code's flag, only code's when one is given; a frame that cannot be
// read goes to skip and the rest still come out. A frame whose CRC is wrong
// is read from its CP text.
func TestPacketsValues(t *testing.T) {
	good := strings.TrimSuffix(hj212test.ByName("Realtime2025").Raw, "\r\n")
	badCRC := good[:len(good)-4] + "0000"
	ps := []store.RawPacket{
		{MN: "A", CN: "2011", QN: "1", Frame: []byte(good)},
		{MN: "B", CN: "2011", QN: "2", Frame: []byte("##0010garbage")},
		{MN: "C", CN: "2011", QN: "3", Frame: []byte(badCRC)},
	}
	var skipped []string
	skip := func(p store.RawPacket, err error) { skipped = append(skipped, p.MN) }
	all := PacketsValues(ps, "", skip)
	if len(skipped) != 1 || skipped[0] != "B" {
		t.Errorf("skipped %v, want B", skipped)
	}
	if len(all) != 16 || all[0].MN != "A" || all[len(all)-1].MN != "C" || all[0].Flag != "N" {
		t.Errorf("%d values (first %+v); want 8 of A then 8 of C, with their flags", len(all), all[0])
	}
	skipped = nil
	one := PacketsValues(ps, "d20405", skip)
	if len(one) != 2 || one[0].Value != "12.34" || one[0].Code != "d20405" {
		t.Errorf("values of d20405 = %+v", one)
	}
}
