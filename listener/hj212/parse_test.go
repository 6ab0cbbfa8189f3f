package hj212_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

var ignorePrivate = cmpopts.IgnoreUnexported(hj212.Packet{})

func TestParseFrames(t *testing.T) {
	for _, fr := range hj212test.Frames {
		t.Run(fr.Name, func(t *testing.T) {
			p, err := hj212.Parse([]byte(fr.Raw))
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", fr.Name, err)
			}
			want := fr.Packet
			got := *p
			got.Warnings = nil
			if diff := cmp.Diff(want, got, ignorePrivate, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", fr.Name, diff)
			}
			if diff := cmp.Diff(fr.CP, p.Fields(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%s).Fields() mismatch (-want +got):\n%s", fr.Name, diff)
			}
			if p.Version() != fr.Version {
				t.Errorf("Parse(%s).Version() = %v, want %v", fr.Name, p.Version(), fr.Version)
			}
			if len(p.Warnings) != fr.Warn {
				t.Errorf("Parse(%s).Warnings = %q, want %d", fr.Name, p.Warnings, fr.Warn)
			}
			if p.Raw() != fr.Raw {
				t.Errorf("Parse(%s).Raw() = %q, want the frame", fr.Name, p.Raw())
			}
		})
	}
}

// TestFlagBits checks Table 3: A is bit 0, D bit 1, version bits 2–7,
// including the 2025 values 8–11.
func TestFlagBits(t *testing.T) {
	tests := []struct {
		flag          hj212.Flag
		answer, split bool
		version       hj212.Version
	}{
		{0, false, false, hj212.Version2005},
		{1, true, false, hj212.Version2005},
		{4, false, false, hj212.Version2017},
		{5, true, false, hj212.Version2017},
		{6, false, true, hj212.Version2017},
		{7, true, true, hj212.Version2017},
		{8, false, false, hj212.Version2025},
		{9, true, false, hj212.Version2025},
		{10, false, true, hj212.Version2025},
		{11, true, true, hj212.Version2025},
		{12, false, false, hj212.VersionUnknown},
	}
	for _, tt := range tests {
		if tt.flag.Answer() != tt.answer || tt.flag.Split() != tt.split || tt.flag.Version() != tt.version {
			t.Errorf("Flag(%d) = A %v D %v %v, want A %v D %v %v", tt.flag, tt.flag.Answer(), tt.flag.Split(),
				tt.flag.Version(), tt.answer, tt.split, tt.version)
		}
		if tt.version != hj212.VersionUnknown {
			if got := hj212.FlagFor(tt.version, tt.answer, tt.split); got != tt.flag {
				t.Errorf("FlagFor(%v, %v, %v) = %d, want %d", tt.version, tt.answer, tt.split, got, tt.flag)
			}
		}
	}
}

func TestPacketAccessors(t *testing.T) {
	p, err := hj212.Parse([]byte(hj212test.ByName("Realtime2025").Raw))
	if err != nil {
		t.Fatal(err)
	}
	dt, ok := p.DataTime()
	want := time.Date(2026, 1, 15, 10, 30, 0, 0, hj212.Beijing())
	if !ok || !dt.Equal(want) || dt.UTC().Hour() != 2 {
		t.Errorf("DataTime() = %v, %v; want %v (02:30 UTC)", dt, ok, want)
	}
	if v, ok := p.Float("d20405", "Rtd"); !ok || v != 12.34 {
		t.Errorf(`Float("d20405","Rtd") = %v, %v; want 12.34, true`, v, ok)
	}
	if v, ok := p.Value("d20605", "Flag"); !ok || v != "N" {
		t.Errorf(`Value("d20605","Flag") = %q, %v; want "N", true`, v, ok)
	}
	if fl, ok := p.DataFlag("d30406"); !ok || fl != "N" {
		t.Errorf(`DataFlag("d30406") = %q, %v; want "N", true`, fl, ok)
	}
	if _, ok := p.Float("d20405", "Avg"); ok {
		t.Errorf(`Float("d20405","Avg") found a value that is not there`)
	}
	if _, ok := p.Value("d2010", "5-Rtd"); ok {
		t.Errorf(`Value("d2010","5-Rtd") matched across the dash`)
	}
	if f := p.Field(1); f.Code() != "d20105" || f.Suffix() != "Rtd" {
		t.Errorf("CP[1] Code, Suffix = %q, %q; want d20105, Rtd", f.Code(), f.Suffix())
	}
	if p.Segment() != strings.TrimSuffix(hj212test.ByName("Realtime2025").Raw[6:], "AE41\r\n") {
		t.Errorf("Segment() = %q", p.Segment())
	}
	if !strings.HasPrefix(p.CPText(), "DataTime=") || !strings.HasSuffix(p.CPText(), "d20605-Flag=N") {
		t.Errorf("CPText() = %q", p.CPText())
	}
}

func TestRepeatedKeyLastWins(t *testing.T) {
	// HJ212-2017 C.29 repeats e01001-Rtd.
	p := mustParse(t, seg("QN=20260115103000123;ST=44;CN=2011;PW=1;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&DataTime=20260115103000;e01001-Rtd=1;e01001-Rtd=2&&"))
	if v, _ := p.Value("e01001", "Rtd"); v != "2" {
		t.Errorf("Value(e01001, Rtd) = %q, want the last one, 2", v)
	}
	if p.NumFields() != 3 {
		t.Errorf("NumFields() = %d, want both copies kept (3)", p.NumFields())
	}
}

func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name, frame string
		want        string // substring of one warning
	}{
		{"LF-only terminator", strings.TrimSuffix(hj212test.ByName("Std1062").Raw, "\r\n") + "\n", "LF only"},
		{"13-digit epoch-ms QN", seg("QN=1768444200123;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&&&"), "not 17 digits"},
		{"empty QN", seg("QN=;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&&&"), "not 17 digits"},
		{"unknown header field", seg("QN=20260115103000123;ST=44;CN=2011;XX=1;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&&&"), "unknown header field"},
		{"unknown version bits", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=13;CP=&&&&"), "unknown version"},
		{"DataTime with ms", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&DataTime=20260115103000123&&"), "milliseconds"},
		{"CP item without =", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&A1B2C3D4&&"), "not key=value"},
		{"PW longer than 6", seg("ST=44;CN=2011;PW=1234567;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&&&"), "PW is longer"},
		{"PNUM without D", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;PNUM=2;PNO=1;CP=&&&&"), "bit D is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.frame)
			if !strings.Contains(strings.Join(p.Warnings, "|"), tt.want) {
				t.Errorf("Warnings = %q, want one containing %q", p.Warnings, tt.want)
			}
		})
	}
}

// TestOverlongSegment: HJ212-2017 Table 2 caps the segment at 1024 bytes; a
// longer one with a correct length and CRC is kept and marked.
func TestOverlongSegment(t *testing.T) {
	cp := "DataTime=20260115103000" + strings.Repeat(";i33200-Rtd=12.50", 70)
	p := mustParse(t, seg("QN=20260115103000123;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&"+cp+"&&"))
	if !p.Nonconforming || len(p.Segment()) <= hj212.MaxSegment {
		t.Errorf("segment of %d bytes: Nonconforming = %v, want true", len(p.Segment()), p.Nonconforming)
	}
	if p.NumFields() != 71 {
		t.Errorf("NumFields() = %d, want 71: nothing dropped", p.NumFields())
	}
}

func TestParseErrors(t *testing.T) {
	good := hj212test.ByName("Std1062").Raw
	tests := []struct {
		name  string
		frame string
		kind  hj212.Kind
		err   error
		field string
	}{
		{"empty", "", hj212.KindFraming, hj212.ErrFraming, ""},
		{"no ##", "#0101" + good[6:], hj212.KindFraming, hj212.ErrFraming, ""},
		{"length not digits", "##01a1" + good[6:], hj212.KindLength, hj212.ErrLength, ""},
		{"length too small", "##0100" + good[6:], hj212.KindLength, hj212.ErrLength, ""},
		{"length too big", "##0102" + good[6:], hj212.KindLength, hj212.ErrLength, ""},
		{"truncated", good[:50], hj212.KindLength, hj212.ErrLength, ""},
		{"CRC mismatch", strings.Replace(good, "1C80", "1C08", 1), hj212.KindCRC, hj212.ErrChecksum, ""},
		{"CRC not hex", strings.Replace(good, "1C80", "1CX0", 1), hj212.KindCRC, hj212.ErrChecksum, ""},
		{"MODBUS CRC", strings.Replace(good, "1C80", "0759", 1), hj212.KindCRC, hj212.ErrChecksum, ""},
		{"no terminator", strings.TrimSuffix(good, "\r\n"), hj212.KindTerminator, hj212.ErrTerminator, ""},
		{"CR only", strings.TrimSuffix(good, "\n"), hj212.KindTerminator, hj212.ErrTerminator, ""},
		{"junk after CRC", strings.TrimSuffix(good, "\r\n") + "xy", hj212.KindTerminator, hj212.ErrTerminator, ""},
		{"junk between CRC and CR LF", strings.TrimSuffix(good, "\r\n") + "xy\r\n", hj212.KindTerminator, hj212.ErrTerminator, ""},
		{"no CP", seg("QN=20260115103000123;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4"), hj212.KindSegment, hj212.ErrSegment, "CP"},
		{"CP not closed", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&DataTime=20260115103000"), hj212.KindSegment, hj212.ErrSegment, "CP"},
		{"CP= not after ;", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;XCP=&&&&"), hj212.KindSegment, hj212.ErrSegment, "CP"},
		{"header item without =", seg("ST=44;CN=2011;MN;CP=&&&&"), hj212.KindSegment, hj212.ErrSegment, ""},
		{"QN not digits", seg("QN=2026011510300012X;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&&&"), hj212.KindField, hj212.ErrField, "QN"},
		{"ST missing", seg("CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&&&"), hj212.KindField, hj212.ErrField, "ST"},
		{"ST bad chars", seg("ST=4-4;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&&&"), hj212.KindField, hj212.ErrField, "ST"},
		{"CN 3 digits", seg("ST=44;CN=201;MN=3A1B2C3D4E5F60718293A4B5;CP=&&&&"), hj212.KindField, hj212.ErrField, "CN"},
		{"MN missing", seg("ST=44;CN=2011;CP=&&&&"), hj212.KindField, hj212.ErrField, "MN"},
		{"Flag not a number", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=A;CP=&&&&"), hj212.KindField, hj212.ErrField, "Flag"},
		{"Flag over 255", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=256;CP=&&&&"), hj212.KindField, hj212.ErrField, "Flag"},
		{"D set, PNO missing", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=7;PNUM=2;CP=&&&&"), hj212.KindField, hj212.ErrField, "PNUM"},
		{"PNO beyond PNUM (a known peer crash)", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=7;PNUM=2;PNO=3;CP=&&&&"), hj212.KindField, hj212.ErrField, "PNO"},
		{"PNUM 5 digits", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=7;PNUM=10000;PNO=1;CP=&&&&"), hj212.KindField, hj212.ErrField, "PNUM"},
		{"DataTime month 13", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&DataTime=20261315103000&&"), hj212.KindField, hj212.ErrField, "DataTime"},
		{"DataTime 12 digits", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&DataTime=202601151030&&"), hj212.KindField, hj212.ErrField, "DataTime"},
		{"DataTime Feb 30", seg("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&DataTime=20260230103000&&"), hj212.KindField, hj212.ErrField, "DataTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hj212.Parse([]byte(tt.frame))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want a %v error", tt.frame, p, tt.kind)
			}
			var se *hj212.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T %v, want *SyntaxError", tt.frame, err, err)
			}
			if se.Kind != tt.kind || !errors.Is(err, tt.err) || se.Field != tt.field {
				t.Errorf("Parse(%q) = %v (kind %v, field %q), want kind %v, field %q", tt.frame, err, se.Kind, se.Field, tt.kind, tt.field)
			}
			if msg := se.Message(); !strings.HasPrefix(msg, tt.kind.String()+": ") {
				t.Errorf("Message() = %q, want prefix %q", msg, tt.kind.String()+": ")
			}
		})
	}
}

// seg frames a data segment with a correct length and CRC.
func seg(s string) string {
	b, err := hj212.Wrap(nil, []byte(s))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mustParse(tb testing.TB, frame string) *hj212.Packet {
	tb.Helper()
	p, err := hj212.Parse([]byte(frame))
	if err != nil {
		tb.Fatalf("Parse(%q): %v", frame, err)
	}
	return p
}
