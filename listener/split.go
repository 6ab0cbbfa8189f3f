package listener

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// Split uploads (HJ212-2017 Table 3, C.49/C.50). Every part is a complete
// frame with its own QN, and a terminal that follows the standard waits for
// each part's 9014 before it sends the next. So each part is recorded and
// acknowledged on its own, as soon as it is durable; the parts are joined
// here, across connections, by (MN, ST, CN, DataTime, PNUM), and the whole
// message goes to the Recorder once more, as values only (Upload.Assembled):
// the alarm engine and statistics see it once, whole. A SplitJournal keeps
// the stored parts of messages not yet whole, so that a restart takes them up.

// A SplitJournal keeps the parts of split uploads that were stored but not
// yet assembled. *sqlite.DB implements it: its ingest records each new part
// it stores. When the Journal does not implement it, parts wait in memory
// only (their frames are stored all the same).
type SplitJournal interface {
	// PendingSplitParts returns the stored parts of messages not yet done.
	PendingSplitParts(ctx context.Context) ([]store.SplitPart, error)
	// DoneSplitParts forgets the parts of the messages of ps (by MN, ST, CN,
	// DataTime and PNUM).
	DoneSplitParts(ctx context.Context, ps []store.SplitPart) error
}

// splitKey identifies a split message (hj212.md §3: each part has its own QN).
type splitKey struct {
	mn, st, cn, dataTime string
	pnum                 int
}

func splitKeyOf(p *hj212.Packet) splitKey {
	dt, _ := p.Get("DataTime")
	return splitKey{p.MN, p.ST, p.CN, dt, p.PNUM}
}

// isPart reports whether p is one part of a split upload the listener
// assembles: Flag bit D with 1 ≤ PNO ≤ PNUM and PNUM > 1 (a PNUM of 1 is a
// whole message) and a DataTime to join the parts by.
func isPart(p *hj212.Packet) bool {
	_, ok := p.DataTime()
	return p.Flag.Split() && p.PNUM > 1 && p.PNO >= 1 && p.PNO <= p.PNUM && ok
}

// doneFor is how long a joined message is remembered: far longer than a
// terminal retries a part whose 9014 it missed (OverTime × ReCount, about
// 30 s by HJ212-2017 Table 1).
const doneFor = time.Hour

// doneFlushes is how many journal flushes tell the SplitJournal a message is
// done: its parts may reach the tables (the store moves its inbox in a few
// seconds later) after the first one.
const doneFlushes = 3

// splitDone is a joined or closed message.
type splitDone struct {
	at      time.Time // when its values were stored; zero until then
	flushes int       // journal flushes that have told the SplitJournal
}

// splitMsg is one split message with the parts stored so far.
type splitMsg struct {
	key   splitKey
	reg   *Registration
	parts map[int]*hj212.Packet // by PNO
	first time.Time             // when its first part was received
	last  time.Time             // when its newest part was
	bytes int
	asked bool // the missing parts were asked for again, or cannot be
}

// splitter holds the incomplete split messages of all connections.
type splitter struct {
	s     *Server
	mu    sync.Mutex
	m     map[splitKey]*splitMsg
	perMN map[string]int
	bytes int
	// done holds messages assembled or closed in the last doneFor: a part of
	// theirs sent again (its 9014 was lost) is stored and acknowledged, not
	// taken as the start of a new message.
	done  map[splitKey]*splitDone
	ready []*Upload // whole or closed messages waiting for the committer
	kick  chan struct{}
}

func newSplitter(s *Server) splitter {
	return splitter{s: s, m: map[splitKey]*splitMsg{}, perMN: map[string]int{}, done: map[splitKey]*splitDone{},
		kick: make(chan struct{}, 1)}
}

// admit decides whether part p may be received: parts of a message already
// under way always may (they complete it); a new message may while its
// terminal and the whole listener are under the caps. A part refused is
// not acknowledged, so the terminal sends it again later.
func (sp *splitter) admit(p *hj212.Packet) bool {
	lim := &sp.s.lim
	k := splitKeyOf(p)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if _, ok := sp.m[k]; ok {
		return true
	}
	if _, ok := sp.done[k]; ok {
		return true
	}
	return sp.perMN[p.MN] < lim.MaxSplitPerTerminal && len(sp.m) < lim.MaxSplitTotal &&
		sp.bytes+len(p.Raw()) <= lim.MaxSplitBytes
}

// stored files u, now durable: a part is added to its message, which when
// whole is queued for the committer; an assembled message is done, and its
// parts can be forgotten by the SplitJournal.
func (sp *splitter) stored(u *Upload) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if u.Assembled {
		sp.done[u.split] = &splitDone{at: sp.s.Now()}
		return
	}
	sp.addLocked(u.Packet, u.Terminal, u.ReceivedAt)
}

func (sp *splitter) addLocked(p *hj212.Packet, reg *Registration, at time.Time) {
	k := splitKeyOf(p)
	if _, ok := sp.done[k]; ok {
		return
	}
	m := sp.m[k]
	if m == nil {
		m = &splitMsg{key: k, reg: reg, parts: map[int]*hj212.Packet{}, first: at}
		sp.m[k] = m
		sp.perMN[k.mn]++
		sp.s.state.incomplete(k.mn, sp.perMN[k.mn])
	}
	if _, ok := m.parts[p.PNO]; ok {
		return // the same part again
	}
	m.parts[p.PNO] = p
	m.bytes += len(p.Raw())
	sp.bytes += len(p.Raw())
	m.first, m.last = minTime(m.first, at), maxTime(m.last, at)
	if len(m.parts) == k.pnum {
		sp.closeLocked(m, at, false)
	}
}

// closeLocked takes m out of the incomplete messages and queues its values
// for the committer: whole, or (incomplete) the values of the parts received.
func (sp *splitter) closeLocked(m *splitMsg, now time.Time, incomplete bool) {
	delete(sp.m, m.key)
	sp.bytes -= m.bytes
	if sp.perMN[m.key.mn]--; sp.perMN[m.key.mn] <= 0 {
		delete(sp.perMN, m.key.mn)
	}
	sp.s.state.incomplete(m.key.mn, sp.perMN[m.key.mn])
	sp.done[m.key] = &splitDone{} // done once its values are stored (stored)
	parts := make([]*hj212.Packet, 0, len(m.parts))
	for _, pno := range slices.Sorted(maps.Keys(m.parts)) {
		parts = append(parts, m.parts[pno])
	}
	u := &Upload{Terminal: m.reg, Packet: hj212.Merge(parts), ReceivedAt: m.last,
		Assembled: true, Incomplete: incomplete, split: m.key}
	sp.ready = append(sp.ready, u)
	select {
	case sp.kick <- struct{}{}:
	default:
	}
}

// takeReady returns the messages waiting for the committer.
func (sp *splitter) takeReady() []*Upload {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	r := sp.ready
	sp.ready = nil
	return r
}

// retry puts back an assembled message whose batch failed.
func (sp *splitter) retry(u *Upload) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.ready = append(sp.ready, u)
}

// doneKeys returns the messages whose values are stored, for
// SplitJournal.DoneSplitParts, each at doneFlushes flushes.
func (sp *splitter) doneKeys() []store.SplitPart {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var out []store.SplitPart
	for k, d := range sp.done {
		if d.at.IsZero() || d.flushes >= doneFlushes {
			continue
		}
		d.flushes++
		dt, err := parseN14(k.dataTime)
		if err != nil {
			continue
		}
		out = append(out, store.SplitPart{MN: k.mn, ST: k.st, CN: k.cn, DataTime: dt, PNUM: k.pnum})
	}
	return out
}

// missing lists the PNOs m lacks, for the terminal's events.
func (m *splitMsg) missing() string {
	var b strings.Builder
	for pno := 1; pno <= m.key.pnum; pno++ {
		if _, ok := m.parts[pno]; ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if b.Len() > 60 {
			b.WriteString("…")
			break
		}
		b.WriteString(strconv.Itoa(pno))
	}
	return b.String()
}

// splitPull is a history pull that asks for a message again.
type splitPull struct {
	mn, cn   string
	at       time.Time
	missing  string
	pnum     int
	received int
}

// tick closes messages older than Limits.SplitMaxAge with the values of the
// parts they have, forgets done messages after a day, and returns the
// messages waiting longer than Timing.SplitAskAfter, to be asked for again.
func (sp *splitter) tick(now time.Time) []splitPull {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var pulls []splitPull
	for _, m := range sp.m {
		age := now.Sub(m.first)
		switch {
		case age >= sp.s.lim.SplitMaxAge:
			sp.s.state.record(m.key.mn, store.EventSplit, now, "分包上传 CN %s DataTime %s 缺第 %s 包（共 %d 包），已超过 %s，按已收到的分包入库并标记不完整 / "+
				"split upload incomplete after %s, stored from the parts received, marked incomplete",
				m.key.cn, m.key.dataTime, m.missing(), m.key.pnum, sp.s.lim.SplitMaxAge, sp.s.lim.SplitMaxAge)
			sp.closeLocked(m, now, true)
		case age >= sp.s.tim.SplitAskAfter && !m.asked:
			m.asked = true
			dt, _ := parseN14(m.key.dataTime)
			pulls = append(pulls, splitPull{mn: m.key.mn, cn: m.key.cn, at: dt, missing: m.missing(), pnum: m.key.pnum, received: len(m.parts)})
		}
	}
	for k, d := range sp.done {
		if !d.at.IsZero() && now.Sub(d.at) > doneFor {
			delete(sp.done, k)
		}
	}
	if len(sp.ready) > 0 { // a batch failed: try again
		select {
		case sp.kick <- struct{}{}:
		default:
		}
	}
	return pulls
}

// askAgain asks the terminal for a split message still missing parts with
// the history command of its CN (HJ212-2017 Table 9: 2031/2041/2051/2061
// with BeginTime/EndTime; 2011 in the 2025 electricity form). Other CNs have
// no way to be asked for: the event says so.
func (s *Server) askAgain(ctx context.Context, p splitPull) {
	st, version := s.state.protocolOf(p.mn)
	cn := p.cn
	pullable := cn == hj212.CNDayHistory || cn == hj212.CNRunTimeHistory || cn == hj212.CNMinuteHistory || cn == hj212.CNHourHistory ||
		cn == hj212.CNRealtime && version == hj212.Version2025 && st == hj212.STElectricity
	what := fmt.Sprintf("分包上传 CN %s DataTime %s 缺第 %s 包（已收 %d/%d） / split upload missing parts", cn, n14(p.at), p.missing, p.received, p.pnum)
	if !pullable {
		s.state.record(p.mn, store.EventSplit, s.Now(), "%s；该 CN 无历史补传命令，等待终端重发 / no history command for this CN, waiting for the terminal", what)
		return
	}
	c, err := HistoryPull(p.mn, cn, p.at, p.at.Add(time.Second))
	if err == nil {
		c.Origin = "split"
		c, err = s.EnqueueCommand(ctx, c)
	}
	if err != nil {
		s.log.Error("ask for a split upload again", "mn", p.mn, "err", err)
		s.state.record(p.mn, store.EventSplit, s.Now(), "%s；补传命令未能发出 / history pull failed: %v", what, err)
		return
	}
	s.state.record(p.mn, store.EventSplit, s.Now(), "%s；已发补传命令 #%d / asked again (command #%d)", what, c.ID, c.ID)
}

// restoreSplits takes up the stored parts of messages not yet assembled.
func (s *Server) restoreSplits(ctx context.Context) error {
	sj, ok := s.Journal.(SplitJournal)
	if !ok {
		return nil
	}
	parts, err := sj.PendingSplitParts(ctx)
	if err != nil {
		return fmt.Errorf("restore split uploads: %w", err)
	}
	sp := &s.splits
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for _, part := range parts {
		p, err := hj212.Parse(append(part.Frame[:len(part.Frame):len(part.Frame)], '\r', '\n'))
		if err != nil {
			s.log.Warn("restore split upload: stored part unreadable", "mn", part.MN, "err", err)
			continue
		}
		reg, err := s.dir.lookup(ctx, p.MN)
		if err != nil {
			s.log.Warn("restore split upload: terminal", "mn", part.MN, "err", err)
			continue
		}
		if q, err := s.decrypt(reg, p); err == nil {
			p = q // stored as received; decrypted frames are stored in clear
		}
		if !isPart(p) {
			s.log.Warn("restore split upload: stored frame is not a part", "mn", part.MN)
			continue
		}
		sp.addLocked(p, reg, part.ReceivedAt)
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
