package listener_test

import (
	"fmt"
	"strings"
	"testing"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
)

// withCRC reframes good frame b with checksum crc.
func withCRC(b []byte, crc uint16) []byte { return wrapCRC(b[6:len(b)-6], crc) }

// wrapCRC frames data segment seg with checksum crc.
func wrapCRC(seg []byte, crc uint16) []byte {
	return fmt.Appendf(nil, "##%04d%s%04X\r\n", len(seg), seg, crc)
}

// TestRejectedFramesShown: a rejected frame naming a registered MN is counted
// on that terminal with the reason — MODBUS CRC recognised, another CRC, a
// segment that does not parse, the 2025 EncryptedData envelope — while a
// rejected frame of an unregistered MN, or with no MN, leaves no state.
func TestRejectedFramesShown(t *testing.T) {
	const stranger = "010000A8900016F000169DFF"
	good := realtime(t, testMN, "20260302100000001", t0)
	seg := good[6 : len(good)-6]
	badSeg := []byte(strings.Replace(string(seg), "CN=2011", "CN=20x1", 1))
	envSeg := []byte("QN=20260302100000009;ST=44;CN=2011;PW=" + testPW + ";MN=" + testMN + ";Flag=9;CP=&&EncryptedData=0A1B2C3D&&")
	envelope := wrapCRC(envSeg, hj212.Checksum(envSeg))
	tests := []struct {
		name   string
		frame  []byte
		mn     string
		reason string // "" when nothing is to be shown
	}{
		{"MODBUS CRC", withCRC(good, hj212.ModbusChecksum(seg)), testMN, "疑似使用 MODBUS CRC"},
		{"other CRC", withCRC(good, 0x1234), testMN, "CRC 不符 / CRC mismatch: frame says 1234"},
		{"bad segment", wrapCRC(badSeg, hj212.Checksum(badSeg)), testMN, "数据段无法解析"},
		{"EncryptedData envelope", envelope, testMN, "unsupported envelope"},
		{"wrong password", frame(t, testMN, "654321", "20260302100000008", "2011", 5, t0), testMN, "密码错误"},
		{"unregistered MODBUS", withCRC(realtime(t, stranger, "1", t0), 0x4B37), stranger, ""},
		{"no MN", wrapCRC([]byte("QN=1;CN=2011;CP=&&&&"), 0x1111), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN)}
			c := dial(t, startServer(t, s))
			c.write(tt.frame)
			c.write(realtime(t, testMN, "20260302100000002", t0)) // a good frame after it: the connection lives on
			if p := c.read(); p.CN != "9014" || p.QN != "20260302100000002" {
				t.Fatalf("reply = %s %s, want the good frame's 9014 only", p.CN, p.QN)
			}
			var got string
			var n int64
			for _, st := range s.Terminals() {
				if st.MN != testMN && st.Rejected > 0 {
					t.Errorf("state of %s: %+v, want none", st.MN, st)
				}
				if st.MN == testMN {
					got, n = st.RejectReason, st.Rejected
				}
			}
			switch {
			case tt.reason == "" && n != 0:
				t.Errorf("rejected %d (%q), want nothing shown", n, got)
			case tt.reason != "" && (n != 1 || !strings.Contains(got, tt.reason)):
				t.Errorf("rejected %d, reason %q; want 1 with %q", n, got, tt.reason)
			}
		})
	}
}
