package peer

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"powerwatch/listener/hj212"
)

// upload is a 2017 upload of mn built with the project's codec, so the
// centre's own framing is checked against it; pad adds CP bytes.
func upload(t *testing.T, mn, qn string, pad int) []byte {
	t.Helper()
	p := hj212.Packet{QN: qn, ST: "44", CN: "2011", PW: "123456", MN: mn, Flag: 5}
	p.Add("DataTime", "20261205100000").Add("e10101-Rtd", "1.5")
	if pad > 0 {
		p.Add("x", strings.Repeat("9", pad))
	}
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCentreAnswers ensures each centre answers (or not) as the field's
// platforms do, and that its framing agrees with the project's codec: the
// answers parse with CRC checked.
func TestCentreAnswers(t *testing.T) {
	const mnA, mnB = "010000A8900016F000100001", "010000A8900016F000100002"
	type want struct{ qn, mn string } // "" qn: no answer; "fresh": a QN not sent
	tests := []struct {
		kind CentreKind
		pad  int
		want []want
	}{
		{CentreMux, 0, []want{{"20261205100000001", mnA}, {"20261205100000002", mnB}}},
		{CentreFirstMN, 0, []want{{"20261205100000001", mnA}, {"20261205100000002", mnA}}},
		{CentreSilent, 0, nil},
		{CentreFreshQN, 0, []want{{"fresh", mnA}, {"fresh", mnB}}},
		{CentreStrict, 0, []want{{"20261205100000001", mnA}, {"20261205100000002", mnB}}},
		{CentreStrict, 1000, nil}, // both over 1,024 bytes: rejected, unanswered
		{CentreMux, 1000, []want{{"20261205100000001", mnA}, {"20261205100000002", mnB}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/pad=%d", tt.kind, tt.pad), func(t *testing.T) {
			c, err := StartCentre(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conn, err := net.Dial("tcp", c.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write(append(upload(t, mnA, "20261205100000001", tt.pad), upload(t, mnB, "20261205100000002", tt.pad)...))
			rd := hj212.NewReader(conn, 4096)
			for i, w := range tt.want {
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				p, err := rd.ReadPacket()
				if err != nil {
					t.Fatalf("answer %d: %v", i, err)
				}
				if p.CN != "9014" || p.MN != w.mn || (w.qn == "fresh" && (p.QN == "20261205100000001" || p.QN == "20261205100000002")) || (w.qn != "fresh" && p.QN != w.qn) {
					t.Errorf("answer %d = CN %s QN %s MN %s, want 9014 %s %s", i, p.CN, p.QN, p.MN, w.qn, w.mn)
				}
			}
			// No (further) answer: the centre has read both frames and is silent.
			if err := c.Wait(t.Context(), func(fs []CentreFrame) bool { return len(fs) == 2 }); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if p, err := rd.ReadPacket(); err == nil {
				t.Errorf("unexpected answer %s %s", p.CN, p.QN)
			}
			fs := c.Frames()
			if tt.kind == CentreFirstMN && fs[1].FiledAs != mnA {
				t.Errorf("first-MN centre filed %s's frame as %s, want %s", mnB, fs[1].FiledAs, mnA)
			}
			rejected := tt.kind == CentreStrict && tt.pad > 0
			if (fs[0].Rejected != "") != rejected {
				t.Errorf("frame 0 Rejected = %q, want rejected %v", fs[0].Rejected, rejected)
			}
		})
	}
}

// TestCentreBadCRC ensures a frame with a wrong checksum (here the MODBUS
// CRC some terminals send) is recorded as rejected and not answered.
func TestCentreBadCRC(t *testing.T) {
	c, err := StartCentre(CentreMux)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := net.Dial("tcp", c.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f := upload(t, "010000A8900016F000100001", "20261205100000001", 0)
	copy(f[len(f)-6:], "0000")
	conn.Write(f)
	if err := c.Wait(t.Context(), func(fs []CentreFrame) bool { return len(fs) == 1 }); err != nil {
		t.Fatal(err)
	}
	if fs := c.Frames(); fs[0].Rejected == "" {
		t.Errorf("frame with a bad CRC accepted: %+v", fs[0])
	}
}

// TestCentreRequest ensures Request sends a request that the project's
// codec reads, addressed to the MN bound to the connection, and that a 9011
// answer lands in Replies, not in Frames.
func TestCentreRequest(t *testing.T) {
	c, err := StartCentre(CentreMux)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := net.Dial("tcp", c.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const mn = "010000A8900016F000100001"
	conn.Write(upload(t, mn, "20261205100000001", 0))
	rd := hj212.NewReader(bufio.NewReader(conn), 4096)
	if _, err := rd.ReadPacket(); err != nil { // the 9014
		t.Fatal(err)
	}
	if n := c.Request("1011"); n != 1 {
		t.Fatalf("Request sent on %d connections, want 1", n)
	}
	req, err := rd.ReadPacket()
	if err != nil || req.CN != "1011" || req.MN != mn || !req.Flag.Answer() {
		t.Fatalf("request = %+v, %v; want CN 1011 to %s asking an answer", req, err, mn)
	}
	ans, _ := hj212.RequestAck(req, hj212.QnRejected).Encode()
	conn.Write(ans)
	for deadline := time.Now().Add(10 * time.Second); len(c.Replies()) == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
	}
	if r := c.Replies(); len(r) != 1 || r[0].CN != "9011" || r[0].QN != req.QN || len(c.Frames()) != 1 {
		t.Errorf("Replies = %+v, frames %d; want the 9011 only", r, len(c.Frames()))
	}
}

// TestCountingCentre ensures a counting centre answers as the full one and
// counts frames and rejections without keeping them.
func TestCountingCentre(t *testing.T) {
	c, err := StartCountingCentre(CentreStrict)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := net.Dial("tcp", c.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write(append(upload(t, "010000A8900016F000100001", "20261205100000001", 0), upload(t, "010000A8900016F000100001", "20261205100000002", 1100)...))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if p, err := hj212.NewReader(conn, 4096).ReadPacket(); err != nil || p.QN != "20261205100000001" || p.PW != "123456" {
		t.Fatalf("answer = %+v, %v; want the 9014 of the first frame", p, err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if n, _ := c.Received(); n == 2 {
			break
		}
	}
	if n, rej := c.Received(); n != 2 || rej != 1 || len(c.Frames()) != 0 {
		t.Errorf("Received = %d, %d rejected, %d kept; want 2, 1, none", n, rej, len(c.Frames()))
	}
}
