package peer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// A CentreKind is one receiving-centre behaviour seen in deployed platforms.
type CentreKind int

// Centre behaviours.
const (
	// CentreMux behaves: any number of terminals on one connection, each
	// upload asking an answer gets a 9014 with its own QN and MN.
	CentreMux CentreKind = iota
	// CentreFirstMN binds a connection to the first MN it reads (one field
	// device per TCP connection), answers every 9014 with that MN and files
	// every frame of the connection under it.
	CentreFirstMN
	// CentreSilent reads everything and never answers.
	CentreSilent
	// CentreFreshQN answers each upload with a 9014 carrying the upload's MN
	// but a QN of its own.
	CentreFreshQN
	// CentreStrict rejects, without an answer, a frame whose data segment
	// is over 1,024 bytes (as common Java parsers do); it answers the rest.
	CentreStrict
)

var centreNames = [...]string{"mux", "first-mn", "silent", "fresh-qn", "strict"}

func (k CentreKind) String() string {
	if int(k) < len(centreNames) {
		return centreNames[k]
	}
	return "CentreKind(" + strconv.Itoa(int(k)) + ")"
}

// CentreKinds lists every behaviour, for tests that run against all.
var CentreKinds = []CentreKind{CentreMux, CentreFirstMN, CentreSilent, CentreFreshQN, CentreStrict}

// A CentreFrame is one frame a centre read.
type CentreFrame struct {
	Conn     int    // connection number, from 1
	FiledAs  string // the MN the centre files it under (CentreFirstMN: the connection's first)
	MN, QN   string // header fields as sent
	PW       string
	CN       string
	Flag     int
	PNUM     int // 0 when absent
	PNO      int
	Segment  string // the data segment as received
	CP       []string
	Rejected string // why the centre refused it; "" when accepted
}

// Centre is a receiving centre on 127.0.0.1. Start it with StartCentre.
type Centre struct {
	Kind CentreKind
	Addr string // host:port it listens on

	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	frames  []CentreFrame
	replies []CentreFrame // answers to the centre's own requests
	conns   map[int]*centreConn
	closed  bool
	// counting keeps counts only; received and rejected count frames.
	counting           bool
	received, rejected int
	nconn              int
	maxOpen            int
	qn                 int64
}

type centreConn struct {
	c     net.Conn
	wmu   sync.Mutex
	bound string // first MN read
}

// StartCentre listens on 127.0.0.1:0 and serves until Close.
func StartCentre(kind CentreKind) (*Centre, error) { return startCentre(kind, false) }

// StartCountingCentre is StartCentre for load tests: the centre keeps only
// counts (Received), not the frames.
func StartCountingCentre(kind CentreKind) (*Centre, error) { return startCentre(kind, true) }

func startCentre(kind CentreKind, counting bool) (*Centre, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s centre: %w", kind, err)
	}
	c := &Centre{Kind: kind, Addr: ln.Addr().String(), ln: ln, conns: map[int]*centreConn{}, counting: counting}
	c.wg.Go(c.accept)
	return c, nil
}

func (c *Centre) accept() {
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.mu.Lock()
		if c.closed { // Close has already closed the open ones
			c.mu.Unlock()
			conn.Close()
			return
		}
		c.nconn++
		id := c.nconn
		cc := &centreConn{c: conn}
		c.conns[id] = cc
		c.maxOpen = max(c.maxOpen, len(c.conns))
		c.mu.Unlock()
		c.wg.Go(func() { c.serve(id, cc) })
	}
}

// serve reads frames until the connection ends.
func (c *Centre) serve(id int, cc *centreConn) {
	defer func() {
		cc.c.Close()
		c.mu.Lock()
		delete(c.conns, id)
		c.mu.Unlock()
	}()
	r := bufio.NewReader(cc.c)
	for {
		seg, err := centreReadSegment(r)
		if err != nil && !errors.Is(err, errCentreCRC) {
			return
		}
		f := c.record(id, cc, seg, err)
		if answer := c.answer(f, cc); answer != "" {
			cc.wmu.Lock()
			_, werr := cc.c.Write(centreWrap(answer))
			cc.wmu.Unlock()
			if werr != nil {
				return
			}
		}
	}
}

// record files a frame read on connection id.
func (c *Centre) record(id int, cc *centreConn, seg string, readErr error) CentreFrame {
	h := centreHeader(seg)
	flag, _ := strconv.Atoi(h["Flag"])
	pnum, _ := strconv.Atoi(h["PNUM"])
	pno, _ := strconv.Atoi(h["PNO"])
	f := CentreFrame{Conn: id, MN: h["MN"], QN: h["QN"], PW: h["PW"], CN: h["CN"], Flag: flag, PNUM: pnum, PNO: pno,
		Segment: seg, CP: centreCP(seg)}
	switch {
	case readErr != nil:
		f.Rejected = readErr.Error()
	case c.Kind == CentreStrict && len(seg) > centreMaxSegment:
		f.Rejected = fmt.Sprintf("data segment of %d bytes, over %d", len(seg), centreMaxSegment)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc.bound == "" && f.MN != "" && f.Rejected == "" {
		cc.bound = f.MN
	}
	f.FiledAs = f.MN
	if c.Kind == CentreFirstMN && cc.bound != "" {
		f.FiledAs = cc.bound
	}
	c.received++
	if f.Rejected != "" {
		c.rejected++
	}
	if c.counting {
		f.Segment, f.CP = "", nil
		return f
	}
	if len(f.CN) == 4 && f.CN[0] == '9' {
		c.replies = append(c.replies, f)
	} else {
		c.frames = append(c.frames, f)
	}
	return f
}

// answer is the data segment the centre answers f with, or "".
func (c *Centre) answer(f CentreFrame, cc *centreConn) string {
	if f.Rejected != "" || f.Flag&1 == 0 || f.QN == "" || (len(f.CN) == 4 && f.CN[0] == '9') {
		return "" // HJ212-2017 Table 3: only Flag bit A asks an answer
	}
	qn, mn := f.QN, f.MN
	switch c.Kind {
	case CentreSilent:
		return ""
	case CentreFirstMN:
		mn = f.FiledAs
	case CentreFreshQN:
		qn = c.freshQN()
	}
	// HJ212-2017 §6.5.3: the data answer 9014 with ST=91 and Flag A=0.
	return fmt.Sprintf("QN=%s;ST=91;CN=9014;PW=%s;MN=%s;Flag=4;CP=&&&&", qn, f.PW, mn)
}

// freshQN is a QN no terminal sent: the centre's clock plus a counter in
// the milliseconds, so two answers never share one.
func (c *Centre) freshQN() string {
	c.mu.Lock()
	c.qn++
	n := c.qn
	c.mu.Unlock()
	t := time.Now().In(time.FixedZone("CST", 8*3600))
	return t.Format("20060102150405") + fmt.Sprintf("%03d", n%1000)
}

// Request sends the request cn (e.g. "1011", read the terminal's clock) on
// every open connection, addressed to the first MN each carried, and returns
// how many it sent. The answers are in Replies.
func (c *Centre) Request(cn string) int {
	c.mu.Lock()
	conns := make([]*centreConn, 0, len(c.conns))
	for _, cc := range c.conns {
		conns = append(conns, cc)
	}
	c.mu.Unlock()
	sent := 0
	for _, cc := range conns {
		c.mu.Lock()
		mn := cc.bound
		c.mu.Unlock()
		seg := fmt.Sprintf("QN=%s;ST=22;CN=%s;PW=123456;MN=%s;Flag=5;CP=&&&&", c.freshQN(), cn, mn)
		cc.wmu.Lock()
		_, err := cc.c.Write(centreWrap(seg))
		cc.wmu.Unlock()
		if err == nil {
			sent++
		}
	}
	return sent
}

// Frames returns the frames read so far (answers to requests excluded), in
// arrival order.
func (c *Centre) Frames() []CentreFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CentreFrame(nil), c.frames...)
}

// Replies returns the 90xx frames read: what the other side answered the
// centre's requests with.
func (c *Centre) Replies() []CentreFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CentreFrame(nil), c.replies...)
}

// Received reports how many frames the centre read (answers included) and
// how many of them it rejected.
func (c *Centre) Received() (n, rejected int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.received, c.rejected
}

// Conns reports the connections accepted so far, those open now, and the
// most open at once.
func (c *Centre) Conns() (total, open, maxOpen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nconn, len(c.conns), c.maxOpen
}

// Close stops listening, closes every connection and waits for them.
func (c *Centre) Close() error {
	err := c.ln.Close()
	c.mu.Lock()
	c.closed = true
	for _, cc := range c.conns {
		cc.c.Close()
	}
	c.mu.Unlock()
	c.wg.Wait()
	return err
}

// Wait blocks until cond holds for the centre's frames or ctx ends.
func (c *Centre) Wait(ctx context.Context, cond func([]CentreFrame) bool) error {
	for {
		if cond(c.Frames()) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
