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

// TestRoundTrip: Parse → AppendFrame gives the same bytes for frames in the
// standard's field order, and Parse of the result gives the same packet for all.
func TestRoundTrip(t *testing.T) {
	for _, fr := range hj212test.Frames {
		t.Run(fr.Name, func(t *testing.T) {
			p := mustParse(t, fr.Raw)
			b, err := p.AppendFrame([]byte("prefix"))
			if err != nil {
				t.Fatalf("AppendFrame: %v", err)
			}
			if !strings.HasPrefix(string(b), "prefix") {
				t.Fatalf("AppendFrame dropped what was in b: %q", b)
			}
			b = b[len("prefix"):]
			if fr.Name != "Reordered" && string(b) != fr.Raw {
				t.Errorf("AppendFrame =\n%q, want\n%q", b, fr.Raw)
			}
			q := mustParse(t, string(b))
			if diff := cmp.Diff(p, q, ignorePrivate, cmpopts.IgnoreFields(hj212.Packet{}, "Warnings")); diff != "" {
				t.Errorf("re-parse mismatch (-first +second):\n%s", diff)
			}
			if diff := cmp.Diff(p.Fields(), q.Fields()); diff != "" {
				t.Errorf("re-parse CP mismatch (-first +second):\n%s", diff)
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name string
		p    hj212.Packet
	}{
		{"; in MN", hj212.Packet{ST: "44", CN: "2011", MN: "A;B"}},
		{"&& in PW", hj212.Packet{ST: "44", CN: "2011", MN: "A", PW: "a&&b"}},
		{"; in CP value", *(&hj212.Packet{ST: "44", CN: "2011", MN: "A"}).SetFields([]hj212.Field{{Key: "k", Value: "1;2"}})},
		{", in CP value", *(&hj212.Packet{ST: "44", CN: "2011", MN: "A"}).SetFields([]hj212.Field{{Key: "k", Value: "1,2"}})},
		{"= in CP key", *(&hj212.Packet{ST: "44", CN: "2011", MN: "A"}).SetFields([]hj212.Field{{Key: "k=", Value: "1"}})},
		{"empty CP key", *(&hj212.Packet{ST: "44", CN: "2011", MN: "A"}).SetFields([]hj212.Field{{Key: "", Value: "1"}})},
		{"segment over 9999", *(&hj212.Packet{ST: "44", CN: "2011", MN: "A"}).SetFields([]hj212.Field{{Key: "k", Value: strings.Repeat("9", 10000)}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.p.AppendFrame([]byte("keep"))
			if err == nil {
				t.Fatalf("AppendFrame = %q, want an error", b)
			}
			if string(b) != "keep" {
				t.Errorf("AppendFrame on error returned %q, want the input unchanged", b)
			}
		})
	}
}

func TestReplies(t *testing.T) {
	up := mustParse(t, hj212test.ByName("Realtime2025").Raw)
	b, err := hj212.DataAck(up).Encode()
	if err != nil {
		t.Fatal(err)
	}
	if want := hj212test.ByName("DataAck9014").Raw; string(b) != want {
		t.Errorf("DataAck = %q, want %q", b, want)
	}
	req := mustParse(t, hj212test.ByName("Std1062").Raw)
	tests := []struct {
		name string
		p    *hj212.Packet
		want string
	}{
		{"9011", hj212.RequestAck(req, hj212.QnReady), "QN=20160801085857223;ST=91;CN=9011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&"},
		{"9012", hj212.ExecResult(req, hj212.ExeSuccess), "QN=20160801085857223;ST=91;CN=9012;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&ExeRtn=1&&"},
		{"9013", hj212.NotifyAck(req), "QN=20160801085857223;ST=91;CN=9013;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&"},
		{"9014 of a subpacket clears D", hj212.DataAck(mustParse(t, hj212test.ByName("Split2025").Raw)), "QN=20260115105500001;ST=91;CN=9014;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=8;CP=&&&&"},
		{"9014 to a 2005 packet without QN or Flag", hj212.DataAck(mustParse(t, hj212test.ByName("Legacy2005").Raw)), "ST=91;CN=9014;PW=123456;MN=88888880000001;CP=&&&&"},
	}
	for _, tt := range tests {
		b, err := tt.p.Encode()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := mustParse(t, string(b)).Segment(); got != tt.want {
			t.Errorf("%s segment = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCommands(t *testing.T) {
	term := hj212.Terminal{MN: "010000A8900016F000169DC0", PW: "100000", ST: "32", Version: hj212.Version2017}
	t25 := hj212.Terminal{MN: "3A1B2C3D4E5F60718293A4B5", PW: "123456", Version: hj212.Version2025}
	qn := "20160801085857223"
	at := time.Date(2016, 8, 1, 8, 58, 57, 0, hj212.Beijing())
	must := func(p *hj212.Packet, err error) *hj212.Packet {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		p    *hj212.Packet
		want string
	}{
		{"1062 = Appendix A example", must(term.SetRtdInterval(qn, 30*time.Second)), "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"},
		{"1000", must(term.SetOverTime(qn, 10*time.Second, 3)), "QN=20160801085857223;ST=32;CN=1000;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&OverTime=10;ReCount=3&&"},
		{"1011", term.GetTime(qn, ""), "QN=20160801085857223;ST=32;CN=1011;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"1012 in Beijing time", term.SetTime(qn, "w01018", at.UTC()), "QN=20160801085857223;ST=32;CN=1012;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018;SystemTime=20160801085857&&"},
		{"1013", term.TimeCalibration(qn, ""), "QN=20160801085857223;ST=32;CN=1013;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"1061", term.GetRtdInterval(qn), "QN=20160801085857223;ST=32;CN=1061;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"1063", term.GetMinInterval(qn), "QN=20160801085857223;ST=32;CN=1063;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"1064", must(term.SetMinInterval(qn, 5*time.Minute)), "QN=20160801085857223;ST=32;CN=1064;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&MinInterval=5&&"},
		{"1072", must(term.SetPassword(qn, "abc123")), "QN=20160801085857223;ST=32;CN=1072;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&NewPW=abc123&&"},
		{"2011 start", term.StartRealtime(qn), "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"2012 stop", term.StopRealtime(qn), "QN=20160801085857223;ST=32;CN=2012;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"2021 start", term.StartRunState(qn), "QN=20160801085857223;ST=32;CN=2021;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"2022 stop", term.StopRunState(qn), "QN=20160801085857223;ST=32;CN=2022;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"},
		{"2051 history (C.23 style)", must(term.History(qn, hj212.CNMinuteHistory, at, at.Add(time.Hour))), "QN=20160801085857223;ST=32;CN=2051;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&BeginTime=20160801085857,EndTime=20160801095857&&"},
		{"2061", must(term.History(qn, hj212.CNHourHistory, at, at)), "QN=20160801085857223;ST=32;CN=2061;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&BeginTime=20160801085857,EndTime=20160801085857&&"},
		{"2031", must(term.History(qn, hj212.CNDayHistory, at, at)), "QN=20160801085857223;ST=32;CN=2031;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&BeginTime=20160801085857,EndTime=20160801085857&&"},
		{"2025 ST=44 history with CN 2011", must(t25.History(qn, hj212.CNRealtime, at, at)), "QN=20160801085857223;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=9;CP=&&BeginTime=20160801085857;EndTime=20160801085857&&"},
		{"2011 upload (field side)", t25.Upload(qn, hj212.CNRealtime, at, true, hj212.Field{Key: "d20105-Rtd", Value: "220.20"}, hj212.Field{Key: "d20105-Flag", Value: "N", Grouped: true}), "QN=20160801085857223;ST=44;CN=2011;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=9;CP=&&DataTime=20160801085857;d20105-Rtd=220.20,d20105-Flag=N&&"},
		{"9015 heartbeat", t25.Heartbeat(qn), "QN=20160801085857223;ST=91;CN=9015;PW=123456;MN=3A1B2C3D4E5F60718293A4B5;Flag=8;CP=&&&&"},
	}
	for _, tt := range tests {
		b, err := tt.p.Encode()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := mustParse(t, string(b)).Segment(); got != tt.want {
			t.Errorf("%s segment =\n%q, want\n%q", tt.name, got, tt.want)
		}
	}
	if b, _ := must(term.SetRtdInterval(qn, 30*time.Second)).Encode(); string(b) != hj212test.ByName("Std1062").Raw {
		t.Errorf("1062 frame = %q, want the Appendix A frame", b)
	}
}

func TestCommandValidation(t *testing.T) {
	term := hj212.Terminal{MN: "010000A8900016F000169DC0", PW: "100000", Version: hj212.Version2017}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, hj212.Beijing())
	errs := map[string]error{}
	_, errs["RtdInterval 29 s"] = term.SetRtdInterval("1", 29*time.Second)
	_, errs["RtdInterval 3601 s"] = term.SetRtdInterval("1", 3601*time.Second)
	_, errs["RtdInterval 30.5 s"] = term.SetRtdInterval("1", 30500*time.Millisecond)
	_, errs["MinInterval 7 min"] = term.SetMinInterval("1", 7*time.Minute)
	_, errs["MinInterval 60 min"] = term.SetMinInterval("1", time.Hour)
	_, errs["NewPW 7 chars"] = term.SetPassword("1", "1234567")
	_, errs["NewPW with ;"] = term.SetPassword("1", "a;b")
	_, errs["OverTime 0"] = term.SetOverTime("1", 0, 3)
	_, errs["ReCount 100"] = term.SetOverTime("1", time.Second, 100)
	_, errs["history CN 2012"] = term.History("1", "2012", at, at)
	_, errs["history 2011 on 2017"] = term.History("1", "2011", at, at)
	_, errs["history end before begin"] = term.History("1", "2051", at, at.Add(-time.Second))
	for name, err := range errs {
		if !errors.Is(err, hj212.ErrField) {
			t.Errorf("%s: err = %v, want ErrField", name, err)
		}
	}
	for _, d := range []int{1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30} {
		if _, err := term.SetMinInterval("1", time.Duration(d)*time.Minute); err != nil {
			t.Errorf("SetMinInterval(%d min): %v", d, err)
		}
	}
}

func TestQnRtnFor(t *testing.T) {
	good := hj212test.ByName("Std1062").Raw
	tests := []struct {
		frame string
		want  hj212.QnRtn
	}{
		{good, hj212.QnReady},
		{strings.Replace(good, "1C80", "1C81", 1), hj212.QnBadCRC},
		{seg("ST=44;CN=20;MN=1;CP=&&&&"), hj212.QnBadCN},
		{seg("ST=4-4;CN=2011;MN=1;CP=&&&&"), hj212.QnBadST},
		{seg("QN=x;ST=44;CN=2011;MN=1;CP=&&&&"), hj212.QnBadQN},
		{seg("ST=44;CN=2011;MN=1;Flag=x;CP=&&&&"), hj212.QnBadFlag},
	}
	for _, tt := range tests {
		_, err := hj212.Parse([]byte(tt.frame))
		if got := hj212.QnRtnFor(err); got != tt.want {
			t.Errorf("QnRtnFor(%v) = %v, want %v", err, got, tt.want)
		}
	}
	if s := hj212.ExeNoData.String(); !strings.Contains(s, "no data") {
		t.Errorf("ExeNoData.String() = %q", s)
	}
}

func TestNewQN(t *testing.T) {
	at := time.Date(2026, 1, 15, 2, 30, 0, 123456789, time.UTC)
	if got := hj212.NewQN(at); got != "20260115103000123" {
		t.Errorf("NewQN = %q, want 20260115103000123 (+08:00, ms)", got)
	}
}
