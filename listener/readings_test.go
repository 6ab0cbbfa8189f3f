package listener_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

func mustParse(t *testing.T, seg string) *hj212.Packet {
	t.Helper()
	b, err := hj212.Wrap(nil, []byte(seg))
	if err != nil {
		t.Fatal(err)
	}
	p, err := hj212.Parse(b)
	if err != nil {
		t.Fatalf("Parse(%s): %v", b, err)
	}
	return p
}

// TestReadings checks the edge mapping from CP values to point samples.
func TestReadings(t *testing.T) {
	const head = "QN=20260302100000001;ST=44;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&"
	at := t0
	full := store.Point{ID: 7, PowerCode: "p1", CurrentCode: "i1", VoltageCode: "u1", EnergyCode: "e1", PFCode: "f1", StateCode: "s1"}
	nan := math.NaN()
	tests := []struct {
		name   string
		cp     string
		points []store.Point
		want   []store.Sample
	}{
		{
			name:   "every quantity from Rtd; state and unmapped codes stay raw",
			cp:     "DataTime=20260302100000;p1-Rtd=12.5;i1-Rtd=20.1;u1-Rtd=220;e1-Rtd=1000.5;f1-Rtd=0.9;s1-Rtd=1;x9-Rtd=3",
			points: []store.Point{full},
			want:   []store.Sample{{PointID: 7, At: at, P: 12.5, I: 20.1, U: 220, E: 1000.5, PF: 0.9}},
		},
		{
			name:   "minute data: Avg for analog values, Max for the energy counter",
			cp:     "DataTime=20260302100000;p1-Min=1;p1-Avg=2;p1-Max=3;e1-Avg=10;e1-Max=11;e1-Cou=1",
			points: []store.Point{full},
			want:   []store.Sample{{PointID: 7, At: at, P: 2, I: nan, U: nan, E: 11, PF: nan}},
		},
		{
			name:   "flags: P is loss of supply, D a fault, N normal",
			cp:     "DataTime=20260302100000;p1-Rtd=0,p1-Flag=P;i1-Rtd=5,i1-Flag=D;u1-Rtd=220,u1-Flag=N",
			points: []store.Point{full},
			want:   []store.Sample{{PointID: 7, At: at, P: 0, I: 5, U: 220, E: nan, PF: nan, Flags: store.FlagPowerOff | store.FlagFault}},
		},
		{
			name:   "flags by the rule set's table: T over range, M maintenance, an unknown token a fault",
			cp:     "DataTime=20260302100000;p1-Rtd=900,p1-Flag=T;i1-Rtd=5,i1-Flag=M;u1-Rtd=220,u1-Flag=Q",
			points: []store.Point{full},
			want: []store.Sample{{PointID: 7, At: at, P: 900, I: 5, U: 220, E: nan, PF: nan,
				Flags: store.FlagOverRange | store.FlagFault | store.FlagMaintenance}},
		},
		{
			name:   "two points of one terminal; a point with no code in the packet gets no sample",
			cp:     "DataTime=20260302100000;a-Rtd=1;b-Rtd=2",
			points: []store.Point{{ID: 1, PowerCode: "a"}, {ID: 2, CurrentCode: "b"}, {ID: 3, PowerCode: "c"}},
			want: []store.Sample{
				{PointID: 1, At: at, P: 1, I: nan, U: nan, E: nan, PF: nan},
				{PointID: 2, At: at, P: nan, I: 2, U: nan, E: nan, PF: nan},
			},
		},
		{
			name:   "a value that is not a number is left missing",
			cp:     "DataTime=20260302100000;p1-Rtd=abc;i1-Rtd=3",
			points: []store.Point{full},
			want:   []store.Sample{{PointID: 7, At: at, P: nan, I: 3, U: nan, E: nan, PF: nan}},
		},
		{
			name:   "Inf, -Inf and NaN are rejected: missing, flagged, never a number",
			cp:     "DataTime=20260302100000;p1-Rtd=Inf;i1-Rtd=-Inf;u1-Rtd=NaN;e1-Rtd=+infinity;f1-Rtd=0.9",
			points: []store.Point{full},
			want:   []store.Sample{{PointID: 7, At: at, P: nan, I: nan, U: nan, E: nan, PF: 0.9, Flags: store.FlagRejected}},
		},
		{
			name:   "a point whose only value is rejected still gets a flagged sample",
			cp:     "DataTime=20260302100000;a-Rtd=inf",
			points: []store.Point{{ID: 1, PowerCode: "a"}},
			want:   []store.Sample{{PointID: 1, At: at, P: nan, I: nan, U: nan, E: nan, PF: nan, Flags: store.FlagRejected}},
		},
		{
			name:   "a huge finite value passes here; the ingest's limits judge it",
			cp:     "DataTime=20260302100000;a-Rtd=1.7e308",
			points: []store.Point{{ID: 1, PowerCode: "a"}},
			want:   []store.Sample{{PointID: 1, At: at, P: 1.7e308, I: nan, U: nan, E: nan, PF: nan}},
		},
		{
			name:   "no DataTime: no sample",
			cp:     "p1-Rtd=1",
			points: []store.Point{full},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := listener.Readings(mustParse(t, head+tt.cp+"&&"), tt.points)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateNaNs(), cmpopts.EquateApproxTime(0)); diff != "" {
				t.Errorf("Readings mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// minute and hour uploads mark the period their values cover
	for cn, flag := range map[string]uint8{"2011": 0, "2051": store.FlagMinuteValue, "2061": store.FlagHourValue} {
		t.Run("CN "+cn, func(t *testing.T) {
			h := strings.Replace(head, "CN=2011", "CN="+cn, 1)
			got := listener.Readings(mustParse(t, h+"DataTime=20260302100000;p1-Avg=2,p1-Flag=N&&"), []store.Point{full})
			if len(got) != 1 || got[0].Flags != flag {
				t.Errorf("CN %s: samples %+v, want flags %d", cn, got, flag)
			}
		})
	}
}

func TestFrameCRCOK(t *testing.T) {
	good := realtime(t, testMN, "20260302100000001", t0)
	bad := append([]byte(nil), good...)
	copy(bad[len(bad)-6:], "0000")
	lower := append([]byte(nil), good...)
	copy(lower[len(lower)-6:], bytes.ToLower(good[len(good)-6:len(good)-2]))
	tests := []struct {
		name  string
		frame []byte
		want  bool
	}{
		{"good, with CR LF", good, true},
		{"good, without", good[:len(good)-2], true},
		{"lower-case hex (peers send it)", lower, true},
		{"wrong CRC", bad, false},
		{"too short", []byte("##00"), false},
		{"not hex", append(append([]byte(nil), good[:len(good)-6]...), "ZZZZ\r\n"...), false},
	}
	for _, tt := range tests {
		if got := listener.FrameCRCOK(tt.frame); got != tt.want {
			t.Errorf("%s: FrameCRCOK = %v, want %v", tt.name, got, tt.want)
		}
	}
}
