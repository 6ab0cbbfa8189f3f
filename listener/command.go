package listener

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// command is a queued or running store.Command with its parsed CP.
type command struct {
	store.Command
	fields   []hj212.Field
	deadline time.Time // for the 9011 (sent) or the 9012 (accepted)
	from, to time.Time // requested period of a history pull, zero otherwise
}

// commander keeps one FIFO of commands per MN. Only the head of a queue is in
// flight, so replies and data are matched to it without ambiguity.
type commander struct {
	s        *Server
	mu       sync.Mutex
	queues   map[string][]*command
	conns    map[string]*conn
	pw       map[string]string // password to send, per MN
	overtime map[string]timeoutRule
	dirty    []*command
	lastQN   time.Time
}

// timeoutRule is a terminal's OverTime and ReCount, set with CN 1000.
type timeoutRule struct {
	overtime time.Duration
	recount  int
}

func (m *commander) restore(open []store.Command) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range open {
		cmd, err := newCommand(c)
		if err != nil {
			continue
		}
		// A command in flight when the service stopped is sent again.
		cmd.Status, cmd.QN = store.CommandQueued, ""
		m.queues[c.MN] = append(m.queues[c.MN], cmd)
	}
}

func newCommand(c store.Command) (*command, error) {
	fields, err := hj212.ParseCP(c.CP)
	if err != nil {
		return nil, fmt.Errorf("command %s to %s: CP %q: %w", c.CN, c.MN, c.CP, err)
	}
	cmd := &command{Command: c, fields: fields}
	for _, f := range fields {
		switch f.Key {
		case "BeginTime":
			cmd.from, _ = parseN14(f.Value)
		case "EndTime":
			cmd.to, _ = parseN14(f.Value)
		}
	}
	return cmd, nil
}

func parseN14(s string) (time.Time, error) {
	return time.ParseInLocation("20060102150405", s, hj212.Beijing())
}

// EnqueueCommand validates c, records it as queued and sends it as soon as
// the terminal is connected (at once when it is). MN and CN are required;
// CP is "key=value;…" as in the frame. It returns the stored command.
func (s *Server) EnqueueCommand(ctx context.Context, c store.Command) (store.Command, error) {
	s.init()
	if err := validateCommand(c); err != nil {
		return store.Command{}, err
	}
	cmd, err := newCommand(c)
	if err != nil {
		return store.Command{}, fmt.Errorf("%w: %w", store.ErrInvalid, err)
	}
	cmd.ID, cmd.Status, cmd.Tries, cmd.CreatedAt = 0, store.CommandQueued, 0, s.Now()
	if cmd.ID, err = s.Journal.SaveCommand(ctx, cmd.Command); err != nil {
		return store.Command{}, fmt.Errorf("queue command %s to %s: %w", c.CN, c.MN, err)
	}
	m := &s.cmds
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queues[c.MN] = append(m.queues[c.MN], cmd)
	m.pump(c.MN, s.Now())
	return cmd.Command, nil
}

// Commands returns the commands of mn (all terminals' when empty), newest first.
func (s *Server) Commands(ctx context.Context, mn string) ([]store.Command, error) {
	s.init()
	if err := s.flushCommands(ctx); err != nil {
		return nil, err
	}
	return s.Journal.Commands(ctx, mn, 500)
}

// CancelCommand cancels a command that is queued and not yet sent. It returns
// an error wrapping store.ErrNotFound when no such command waits.
func (s *Server) CancelCommand(ctx context.Context, id int64) error {
	s.init()
	m := &s.cmds
	m.mu.Lock()
	found := false
	for mn, q := range m.queues {
		for i, c := range q {
			if c.ID == id && c.Status == store.CommandQueued {
				c.Status, c.DoneAt, c.Result = store.CommandCanceled, s.Now(), "canceled"
				m.dirty = append(m.dirty, c)
				m.queues[mn] = append(q[:i:i], q[i+1:]...)
				found = true
				break
			}
		}
	}
	m.mu.Unlock()
	if !found {
		return fmt.Errorf("cancel command %d: %w", id, store.ErrNotFound)
	}
	return s.flushCommands(ctx)
}

func (m *commander) attach(mn string, c *conn, reg *Registration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.conns[mn] = c
	m.pw[mn] = reg.Terminal.Password
	m.pump(mn, m.s.Now())
}

func (m *commander) detach(mn string, c *conn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conns[mn] == c {
		delete(m.conns, mn)
	}
}

// pump sends the head of mn's queue when it waits and the terminal is connected.
func (m *commander) pump(mn string, now time.Time) {
	q := m.queues[mn]
	if len(q) == 0 || q[0].Status != store.CommandQueued {
		return
	}
	if c := m.conns[mn]; c != nil {
		m.transmit(q[0], c, now)
	}
}

// transmit writes cmd (HJ212-2017 §6.5: a request with A=1, answered by 9011
// then 9012; a notification answered by 9013).
func (m *commander) transmit(cmd *command, c *conn, now time.Time) {
	if cmd.QN == "" {
		cmd.QN = m.newQN(now)
	}
	st, ver := m.s.state.protocolOf(cmd.MN)
	if cmd.ST != "" {
		st = cmd.ST
	}
	fields := cmd.fields
	if cmd.CN == hj212.CNSetTime && !hasKey(fields, "SystemTime") {
		// The centre's time at the moment of sending, not of queueing.
		fields = append(fields[:len(fields):len(fields)], hj212.Field{Key: "SystemTime", Value: hj212.FormatN14(now)})
		cmd.CP = formatCP(fields)
	}
	t := hj212.Terminal{MN: cmd.MN, PW: m.pw[cmd.MN], ST: st, Version: ver}
	frame, err := t.Request(cmd.QN, cmd.CN, fields...).Encode()
	if err != nil {
		m.finish(cmd, store.CommandFailed, now, "encode: "+err.Error())
		return
	}
	cmd.Tries++
	cmd.Status, cmd.SentAt = store.CommandSent, now
	cmd.deadline = now.Add(m.rule(cmd.MN).overtime)
	m.dirty = append(m.dirty, cmd)
	if c.send(frame) {
		m.s.stats.commandsSent.Add(1)
	}
}

func hasKey(fs []hj212.Field, k string) bool {
	for _, f := range fs {
		if f.Key == k {
			return true
		}
	}
	return false
}

func formatCP(fs []hj212.Field) string {
	b := make([]byte, 0, 64)
	for i, f := range fs {
		switch {
		case i > 0 && f.Grouped:
			b = append(b, ',')
		case i > 0:
			b = append(b, ';')
		}
		b = append(append(append(b, f.Key...), '='), f.Value...)
	}
	return string(b)
}

// newQN returns a QN (YYYYMMDDhhmmsszzz) unique within this server, so that
// replies match one command even when several are sent in one millisecond.
func (m *commander) newQN(now time.Time) string {
	t := now.Truncate(time.Millisecond)
	if !t.After(m.lastQN) {
		t = m.lastQN.Add(time.Millisecond)
	}
	m.lastQN = t
	return hj212.NewQN(t)
}

func (m *commander) rule(mn string) timeoutRule {
	if r, ok := m.overtime[mn]; ok {
		return r
	}
	return timeoutRule{overtime: m.s.tim.CommandTimeout, recount: m.s.tim.CommandRetries}
}

// finish ends cmd and starts the next command of its terminal.
func (m *commander) finish(cmd *command, status store.CommandStatus, now time.Time, result string) {
	cmd.Status, cmd.DoneAt = status, now
	if result != "" {
		cmd.Result = result
	}
	m.dirty = append(m.dirty, cmd)
	q := m.queues[cmd.MN]
	if len(q) > 0 && q[0] == cmd {
		q = q[1:]
	}
	if len(q) == 0 {
		delete(m.queues, cmd.MN)
	} else {
		m.queues[cmd.MN] = q
	}
	m.s.state.commandEvent(cmd, now)
	m.pump(cmd.MN, now)
}

// head returns the in-flight command of p's MN whose QN p echoes.
func (m *commander) head(mn, qn string) *command {
	q := m.queues[mn]
	if len(q) == 0 || q[0].QN != qn || q[0].Status == store.CommandQueued {
		return nil
	}
	return q[0]
}

// reply applies a 9011, 9012 or 9013 from a terminal to the command it answers.
func (m *commander) reply(p *hj212.Packet, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cmd := m.head(p.MN, p.QN)
	if cmd == nil {
		return
	}
	m.s.stats.commandReplies.Add(1)
	switch p.CN {
	case hj212.CNRequestReply: // HJ212-2017 Table 7 QnRtn: 1 means ready to execute
		v, _ := p.Get("QnRtn")
		cmd.QnRtn, _ = strconv.Atoi(v)
		if cmd.QnRtn != 1 {
			m.finish(cmd, store.CommandFailed, now, "QnRtn="+v+" "+qnRtnText(cmd.QnRtn))
			return
		}
		cmd.Status, cmd.deadline = store.CommandAccepted, now.Add(m.s.tim.ExecTimeout)
		m.dirty = append(m.dirty, cmd)
	case hj212.CNExecResult: // HJ212-2017 Table 6 ExeRtn: 1 means success
		v, _ := p.Get("ExeRtn")
		cmd.ExeRtn, _ = strconv.Atoi(v)
		if cmd.ExeRtn != 1 {
			m.finish(cmd, store.CommandFailed, now, "ExeRtn="+v+" "+exeRtnText(cmd.ExeRtn))
			return
		}
		if cmd.CN == hj212.CNSetOverTime {
			m.setRule(cmd)
		}
		m.finish(cmd, store.CommandDone, now, "")
	case hj212.CNNotifyReply: // a notification (2012, 2022) needs only this answer
		m.finish(cmd, store.CommandDone, now, "")
	}
}

func (m *commander) setRule(cmd *command) {
	r := m.rule(cmd.MN)
	for _, f := range cmd.fields {
		n, err := strconv.Atoi(f.Value)
		switch {
		case err != nil:
		case f.Key == "OverTime" && n > 0:
			r.overtime = time.Duration(n) * time.Second
		case f.Key == "ReCount" && n >= 0:
			r.recount = n
		}
	}
	if m.overtime == nil {
		m.overtime = map[string]timeoutRule{}
	}
	m.overtime[cmd.MN] = r
}

// data counts a data packet toward the in-flight command of the same CN: the
// answer of a query (1011 SystemTime, 1061 RtdInterval …) or one packet of a
// history pull (DataTime within the requested period).
func (m *commander) data(p *hj212.Packet, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queues[p.MN]
	if len(q) == 0 || q[0].CN != p.CN || q[0].Status == store.CommandQueued {
		return
	}
	cmd := q[0]
	if !cmd.from.IsZero() {
		dt, ok := p.DataTime()
		if !ok || dt.Before(cmd.from) || dt.After(cmd.to) {
			return
		}
	} else {
		cmd.Result = p.CPText()
	}
	cmd.Packets++
	m.dirty = append(m.dirty, cmd)
}

// calibrate answers a terminal's 1013 time-calibration request with a 1012
// carrying the centre's time, unless one is already waiting.
func (m *commander) calibrate(mn, polID string, now time.Time) {
	// HJ212-2017 Table 9: a 1013 with PolId asks for that instrument's
	// clock; the 1012 must carry the same PolId, or it sets the logger's.
	cp := ""
	if polID != "" {
		cp = "PolId=" + polID
	}
	m.mu.Lock()
	for _, c := range m.queues[mn] {
		if c.CN == hj212.CNSetTime && !c.Status.Final() && polIDOf(c.CP) == polID {
			m.mu.Unlock()
			return
		}
	}
	m.mu.Unlock()
	c := SetTime(mn)
	c.CP = cp
	c.Origin = "time-calibration"
	if _, err := m.s.EnqueueCommand(context.Background(), c); err != nil {
		m.s.log.Error("queue time calibration", "mn", mn, "err", err)
	}
}

// tick applies the standard's OverTime and ReCount (HJ212-2017 Table 1,
// CN 1000): a request not answered by 9011 in time is sent again, ReCount
// times, then fails; an accepted one fails when its 9012 does not come.
func (m *commander) tick(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for mn, q := range m.queues {
		cmd := q[0]
		switch {
		case cmd.Status == store.CommandQueued:
			m.pump(mn, now)
		case now.Before(cmd.deadline):
		case cmd.Status == store.CommandAccepted:
			m.finish(cmd, store.CommandFailed, now, fmt.Sprintf("no 9012 within %s of the 9011", m.s.tim.ExecTimeout))
		case cmd.Tries > m.rule(mn).recount:
			m.finish(cmd, store.CommandFailed, now, fmt.Sprintf("no 9011 after %d tries", cmd.Tries))
		case m.conns[mn] != nil:
			m.transmit(cmd, m.conns[mn], now)
		default:
			cmd.Status = store.CommandQueued // sent again when the terminal is back
			m.dirty = append(m.dirty, cmd)
		}
	}
}

// takeDirty returns copies of the commands changed since the last call.
func (m *commander) takeDirty() []*command {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dirty
	m.dirty = nil
	return d
}

func (s *Server) flushCommands(ctx context.Context) error {
	d := s.cmds.takeDirty()
	seen := map[*command]bool{}
	for i := len(d) - 1; i >= 0; i-- { // the newest copy of each, once
		c := d[i]
		if seen[c] {
			continue
		}
		seen[c] = true
		s.cmds.mu.Lock()
		snap := c.Command
		s.cmds.mu.Unlock()
		if _, err := s.Journal.SaveCommand(ctx, snap); err != nil {
			return fmt.Errorf("save command %d: %w", snap.ID, err)
		}
	}
	return nil
}

func qnRtnText(v int) string {
	switch v {
	case 2:
		return "rejected"
	case 3:
		return "PW wrong"
	case 4:
		return "MN wrong"
	case 5:
		return "ST wrong"
	case 6:
		return "Flag wrong"
	case 7:
		return "QN wrong"
	case 8:
		return "CN wrong"
	case 9:
		return "CRC wrong"
	}
	return "unknown"
}

func exeRtnText(v int) string {
	switch v {
	case 2:
		return "failed"
	case 3:
		return "request condition wrong"
	case 4:
		return "communication timeout"
	case 5:
		return "busy"
	case 6:
		return "system fault"
	case 100:
		return "no data"
	}
	return "unknown"
}

// polIDOf returns the PolId of a command's CP text, "" when none.
func polIDOf(cp string) string {
	for _, f := range strings.FieldsFunc(cp, func(r rune) bool { return r == ';' || r == ',' }) {
		if v, ok := strings.CutPrefix(f, "PolId="); ok {
			return v
		}
	}
	return ""
}
