package listener

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// Rejected frames of registered terminals. Rejecting a frame with a bad CRC
// is right (HJ212-2017: "如果 CRC 错误，执行结束"), hiding it is not: to an
// installer, a terminal whose every frame fails the check looks as if it
// never connected. So a rejected frame that names a registered MN is counted
// on that terminal with the reason, shown on its page. Several peer
// implementations compute CRC-16/MODBUS instead of HJ 212's (hj212.md §2):
// when the MODBUS CRC matches, the reason says so.

// Reasons shown on the terminal's page.
const (
	rejectModbus   = "CRC 不符 — 疑似使用 MODBUS CRC / CRC mismatch — the terminal seems to use CRC-16/MODBUS"
	rejectCRC      = "CRC 不符 / CRC mismatch"
	rejectSegment  = "数据段无法解析 / data segment rejected"
	rejectEnvelope = "不支持的加密封装 EncryptedData / unsupported envelope (EncryptedData=…)"
	rejectPassword = "密码错误 / wrong password (PW)"
	rejectKey      = "无法用登记的密钥解密 / cannot decrypt with the registered SM4 key"
)

// rejectEventEvery bounds the events one terminal's rejected frames write:
// one per reason change, else one per this period (the count says the rest).
const rejectEventEvery = time.Hour

// rejected looks at a frame the codec refused: when it names a registered
// MN, the terminal's state counts it with the reason.
func (c *conn) rejected(ctx context.Context, se *hj212.SyntaxError) {
	if se.Frame == nil {
		return
	}
	mn := headerField(se.Frame, "MN")
	if mn == "" {
		return
	}
	if _, err := c.s.dir.lookup(ctx, mn); err != nil {
		return // unregistered (or the registry unreadable): nothing to show it on
	}
	c.s.stats.rejectedRegistered.Add(1)
	c.s.state.reject(mn, rejectReason(se), c.info.Remote, c.s.Now())
}

// rejectReason says in words why a frame was refused.
func rejectReason(se *hj212.SyntaxError) string {
	if se.Kind != hj212.KindCRC {
		return rejectSegment + ": " + se.Message()
	}
	f := bytes.TrimRight(se.Frame, "\r\n")
	if len(f) < 10 {
		return rejectCRC
	}
	seg, sent := f[6:len(f)-4], string(f[len(f)-4:])
	want, err := strconv.ParseUint(sent, 16, 16)
	if err != nil {
		return rejectCRC + ": " + se.Detail
	}
	if uint16(want) == hj212.ModbusChecksum(seg) {
		return fmt.Sprintf("%s（帧中 %s，应为 %04X / frame says %s, HJ 212 gives %04X）", rejectModbus, sent, hj212.Checksum(seg), sent, hj212.Checksum(seg))
	}
	return rejectCRC + ": " + se.Detail
}

// headerField returns the value of header field key (e.g. "MN") of a frame,
// looked for by name before "CP=&&"; "" when absent.
func headerField(frame []byte, key string) string {
	if len(frame) < 6 {
		return ""
	}
	seg := frame[6:]
	if i := bytes.Index(seg, []byte("CP=&&")); i >= 0 {
		seg = seg[:i]
	}
	for f := range bytes.SplitSeq(seg, []byte(";")) {
		if k, v, ok := bytes.Cut(f, []byte("=")); ok && string(k) == key {
			return string(v)
		}
	}
	return ""
}

// isEnvelope reports whether p's CP is the HJ 212-2025 "EncryptedData=<hex>"
// envelope one peer simulator sends: a form whose rules we have not read,
// distinct from an SM4-encrypted CP with a wrong key.
func isEnvelope(p *hj212.Packet) bool {
	for i := range p.NumFields() {
		if p.Field(i).Key == "EncryptedData" {
			return true
		}
	}
	return false
}

// errEnvelope is logged for a packet in the EncryptedData envelope.
var errEnvelope = errors.New("unsupported envelope: CP is EncryptedData=<hex> (HJ 212-2025 form not supported)")

// reject counts a rejected frame of registered terminal mn.
func (t *tracker) reject(mn, reason, remote string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.get(mn)
	st := &ts.st
	if reason != st.RejectReason || now.Sub(st.RejectedAt) >= rejectEventEvery {
		t.event(mn, store.EventRejected, now, "%s（来自 %s，累计 %d 帧 / from %s, %d so far）", reason, remote, st.Rejected+1, remote, st.Rejected+1)
	}
	st.Rejected++
	st.RejectReason, st.RejectedAt = reason, now
	ts.dirty = true
}
