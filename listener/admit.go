package listener

import (
	"container/list"
	"net"
)

// Admission. A connection that has not yet identified a registered terminal
// costs the server without proving anything, and anyone can open thousands:
// refusing new connections once some limit is reached would let those
// thousands lock every terminal out for the idle timeout, renewable. So the
// limits on unidentified connections — per address and in total — never
// refuse: at a limit the oldest unidentified connection (of that address,
// or of all) is dropped to make room, and a terminal that identifies itself
// with its first packet is out of reach. Only when every connection is an
// identified terminal is a new one refused at MaxConns.

// unidentified keeps the connections that have not identified themselves in
// admission order, in total and per address, so that the oldest can be
// dropped first. Guarded by Server.mu.
type unidentified struct {
	all   list.List             // of *conn, oldest first
	perIP map[string]*list.List // of *conn, oldest first
}

// add counts c, just admitted.
func (u *unidentified) add(c *conn) {
	if u.perIP == nil {
		u.perIP = map[string]*list.List{}
	}
	l := u.perIP[c.ip]
	if l == nil {
		l = list.New()
		u.perIP[c.ip] = l
	}
	c.inAll, c.inIP = u.all.PushBack(c), l.PushBack(c)
}

// remove stops counting c (identified, or gone).
func (u *unidentified) remove(c *conn) {
	if c.inAll == nil {
		return
	}
	u.all.Remove(c.inAll)
	if l := u.perIP[c.ip]; l != nil {
		l.Remove(c.inIP)
		if l.Len() == 0 {
			delete(u.perIP, c.ip)
		}
	}
	c.inAll, c.inIP = nil, nil
}

func (u *unidentified) count(ip string) int {
	if l := u.perIP[ip]; l != nil {
		return l.Len()
	}
	return 0
}

// oldest is the oldest unidentified connection, of ip or ("") of all; nil when none.
func (u *unidentified) oldest(ip string) *conn {
	l := &u.all
	if ip != "" {
		if l = u.perIP[ip]; l == nil {
			return nil
		}
	}
	if e := l.Front(); e != nil {
		return e.Value.(*conn)
	}
	return nil
}

// admit applies the connection limits: it makes room by dropping the oldest
// unidentified connections, and refuses nc (nil and the reason) only when
// the server is closing or every connection is identified and MaxConns are
// open. Caller holds nothing; admit takes s.mu.
func (s *Server) admit(nc net.Conn) (*conn, string) {
	ip := hostOf(nc.RemoteAddr().String())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, "shutting down"
	}
	if s.unident.count(ip) >= s.lim.MaxConnsPerIP {
		s.evict(s.unident.oldest(ip))
	}
	if s.unident.all.Len() >= s.lim.MaxUnidentified {
		s.evict(s.unident.oldest(""))
	}
	if s.open() >= s.lim.MaxConns {
		if old := s.unident.oldest(""); old != nil {
			s.evict(old)
		} else {
			s.stats.refusedMaxConns.Add(1)
			return nil, "too many connections, all of them identified terminals"
		}
	}
	s.nextID++
	c := newConn(s, nc, s.nextID, ip)
	s.conns[c] = struct{}{}
	s.unident.add(c)
	s.stats.accepted.Add(1)
	return c, ""
}

// open is the connections that count against MaxConns: those not yet
// dropped. Caller holds s.mu.
func (s *Server) open() int { return len(s.conns) - s.evicting }

// evict drops c, the oldest unidentified connection of a full limit: it
// stops counting at once and its reader ends (serveConn then closes it).
// Caller holds s.mu.
func (s *Server) evict(c *conn) {
	if c == nil {
		return
	}
	s.unident.remove(c)
	if !c.evicted {
		c.evicted = true
		s.evicting++
	}
	s.stats.evictedUnidentified.Add(1)
	c.stopReading()
}

// identified stops counting c as unidentified.
func (s *Server) identified(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unident.remove(c)
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unident.remove(c)
	if c.evicted {
		s.evicting--
	}
	delete(s.conns, c)
}
