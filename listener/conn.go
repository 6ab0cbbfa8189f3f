package listener

import (
	"container/list"
	"context"
	"errors"
	"io"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/listener/hj212"
)

// conn is one terminal connection: a reader goroutine (readLoop) and a writer
// goroutine (writeLoop) joined by the out queue.
type conn struct {
	s    *Server
	nc   net.Conn
	info ConnInfo
	ip   string
	// Guarded by s.mu: c's places among the unidentified connections
	// (nil once identified), and whether admit dropped it (admit.go).
	inAll, inIP *list.Element
	evicted     bool
	ident       atomic.Bool
	firstMN     atomic.Pointer[string]

	rd       deadlineReader
	inflight chan struct{} // one token per upload waiting for its commit
	pending  sync.WaitGroup

	mu        sync.Mutex
	out       chan []byte
	outClosed bool
	killOnce  sync.Once

	// Used by the reader goroutine only.
	mns []string // MNs identified on this connection (a concentrator may carry several)
}

func newConn(s *Server, nc net.Conn, id uint64, ip string) *conn {
	c := &conn{
		s: s, nc: nc, ip: ip,
		info:     ConnInfo{ID: id, Remote: nc.RemoteAddr().String()},
		inflight: make(chan struct{}, s.lim.MaxInFlight),
		out:      make(chan []byte, s.lim.WriteQueue),
	}
	c.rd = deadlineReader{nc: nc, idle: s.lim.IdleTimeout, frame: s.lim.FrameTimeout}
	return c
}

// serveConn runs the connection until the peer hangs up, breaks a limit or the
// server stops. A panic is logged with its stack and ends only this connection.
// Before the socket is closed, every upload already read is committed and its
// acknowledgement written.
func (s *Server) serveConn(ctx context.Context, c *conn) {
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()
	defer func() {
		if v := recover(); v != nil {
			s.stats.panics.Add(1)
			s.log.Error("panic serving terminal", "remote", c.info.Remote, "panic", v, "stack", string(debug.Stack()))
		}
		c.pending.Wait()
		c.closeOut()
		<-writerDone
		c.nc.Close()
		s.untrack(c)
		now := s.Now()
		for _, mn := range c.mns {
			s.cmds.detach(mn, c)
			s.state.disconnect(mn, c, now)
		}
	}()
	c.readLoop(ctx)
}

func (c *conn) readLoop(ctx context.Context) {
	s := c.s
	r := hj212.NewReader(&c.rd, s.lim.MaxFrame)
	bad := 0
	for {
		p, err := r.ReadPacket()
		c.rd.frameDone()
		if err != nil {
			var se *hj212.SyntaxError
			if !errors.As(err, &se) {
				c.readEnded(err)
				return
			}
			s.stats.badFrames.Add(1)
			if errors.Is(err, hj212.ErrTooLarge) {
				s.stats.oversize.Add(1)
			}
			c.rejected(ctx, se)
			if bad++; bad == 1 {
				s.log.Warn("bad frame", "remote", c.info.Remote, "mn", headerField(se.Frame, "MN"), "err", err)
			}
			if bad >= s.lim.MaxBadFrames {
				c.kill(&s.stats.closedBadData, "too many bad frames in a row")
				return
			}
			continue
		}
		bad = 0
		s.stats.frames.Add(1)
		c.handle(ctx, p)
	}
}

// readEnded counts why reading stopped.
func (c *conn) readEnded(err error) {
	var ne net.Error
	switch {
	case c.rd.stopped.Load(), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.As(err, &ne) && ne.Timeout():
		if c.rd.timedOutInFrame {
			c.s.stats.closedFrameTimeout.Add(1)
		} else {
			c.s.stats.closedIdle.Add(1)
		}
	default:
		c.s.log.Debug("read", "remote", c.info.Remote, "err", err)
	}
}

// writeLoop writes queued frames, several per system call when they pile up,
// until the queue is closed. A failed write closes the connection.
func (c *conn) writeLoop() {
	buf := make([]byte, 0, 512)
	for b := range c.out {
		buf = append(buf[:0], b...)
	more:
		for len(buf) < 32<<10 {
			select {
			case b, ok := <-c.out:
				if !ok {
					break more
				}
				buf = append(buf, b...)
			default:
				break more
			}
		}
		wt := c.s.lim.WriteTimeout
		if c.rd.stopped.Load() {
			wt = min(wt, drainTimeout) // shutting down: don't wait long for a peer that does not read
		}
		c.nc.SetWriteDeadline(time.Now().Add(wt))
		if _, err := c.nc.Write(buf); err != nil {
			c.kill(&c.s.stats.closedWriteError, "write: "+err.Error())
			for range c.out { // let senders finish; the queue is closed by the reader's exit
			}
			return
		}
	}
}

// send queues frame b for the writer without blocking. When the peer does not
// read and the queue is full, the connection is closed: one slow reader must
// never hold up the committer or other terminals.
func (c *conn) send(b []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outClosed {
		return false
	}
	select {
	case c.out <- b:
		return true
	default:
		c.kill(&c.s.stats.closedSlowReader, "reply queue full: the terminal does not read")
		return false
	}
}

func (c *conn) closeOut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.outClosed {
		c.outClosed = true
		close(c.out)
	}
}

// kill closes the socket once, counting why.
func (c *conn) kill(counter *atomic.Uint64, reason string) {
	c.killOnce.Do(func() {
		counter.Add(1)
		c.s.log.Info("closing connection", "remote", c.info.Remote, "mn", c.mnAttr(), "reason", reason)
		c.nc.Close()
	})
}

func (c *conn) mnAttr() string {
	if p := c.firstMN.Load(); p != nil {
		return *p
	}
	return ""
}

func (c *conn) stopReading() {
	c.rd.stopped.Store(true)
	c.nc.SetReadDeadline(time.Unix(1, 0))
}

// deadlineReader sets the read deadline per frame, not per read: while no
// frame is under way the idle timeout applies; once a frame's first byte has
// arrived, the whole frame must arrive within the frame timeout however slowly
// its bytes trickle in (slowloris).
type deadlineReader struct {
	nc          net.Conn
	idle, frame time.Duration
	inFrame     bool
	stopped     atomic.Bool
	// timedOutInFrame records which deadline expired: the Reader reports the
	// truncated frame first, which resets inFrame.
	timedOutInFrame bool
}

var errStopped = errors.New("server stopping")

// drainTimeout bounds each write while the server shuts down.
const drainTimeout = 2 * time.Second

func (d *deadlineReader) Read(b []byte) (int, error) {
	if !d.inFrame {
		d.nc.SetReadDeadline(time.Now().Add(d.idle))
	}
	// Checked after setting the deadline: stopReading sets the flag first and
	// the past deadline second, so one of the two is always seen.
	if d.stopped.Load() {
		return 0, errStopped
	}
	n, err := d.nc.Read(b)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		d.timedOutInFrame = d.inFrame
	}
	if n > 0 && !d.inFrame {
		d.inFrame = true
		d.nc.SetReadDeadline(time.Now().Add(d.frame))
	}
	return n, err
}

// frameDone is called after each frame (good or bad): the next one gets its own deadline.
func (d *deadlineReader) frameDone() { d.inFrame = false }
