// Package netloop serves TCP connections from a few event loops, each an
// epoll instance read by one goroutine, and moves connections between
// the loops while they run. It owns the sockets: accepting, reading,
// writing what the socket does not take at once, and closing; what the
// bytes mean is the Handler's.
//
// # Why loops that come and go
//
// A second loop pays only when it has a core to run on. On a machine
// whose cores are also running the clients (two cores and
// redis-benchmark, docs/benchmarks.md), two loops that each wake for
// every unpipelined request cost about a quarter more CPU per request
// than one loop that finds several requests per wake-up, and lose to
// redis-server's single thread; with pipelined or script-heavy load, one
// loop saturates while a core sits idle, and two loops win. gnet, used
// before, keeps a connection on the loop that accepted it, so the number
// of loops serving had to be chosen once. Here the loops that take work
// (active) follow the load: a balancer adds a loop when the active ones
// are saturated and the machine has a processor idle, and takes one away
// when the load would fit in fewer; the connections of a loop taken away
// move to the others (SetActive).
//
// # Threads and ordering
//
// Everything about a connection runs on the loop that owns it: reads, the
// Handler's callbacks, writes. Other goroutines reach it through
// AsyncWrite and Close, which queue on the connection itself, so what one
// goroutine queues is written in order even if the connection moves
// between loops meanwhile.
package netloop

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Handler is what a server does with its connections. Every call for a
// connection runs on the loop that owns it at the time.
type Handler interface {
	// OnOpen is a new connection's first call. A non-empty greeting is
	// written to it; close then closes it.
	OnOpen(c *Conn) (greeting []byte, close bool)
	// OnData hands over what one read returned; data is valid only
	// during the call. close closes the connection after it.
	OnData(c *Conn, data []byte) (close bool)
	// OnMove tells that c now runs on c.Loop(), before anything else
	// runs for it there.
	OnMove(c *Conn)
	// OnClose is a connection's last call; err is why, nil for an
	// ordinary close.
	OnClose(c *Conn, err error)
}

// Options tunes a Server.
type Options struct {
	// Loops is how many loops there are; 0 means GOMAXPROCS.
	Loops int
	// Adaptive lets the balancer choose how many loops take work; off,
	// every loop does.
	Adaptive bool
	// KeepAlive is the TCP keep-alive period; 0 leaves it off.
	KeepAlive time.Duration
	// Backlog is listen(2)'s; 0 means 511, Redis's tcp-backlog.
	Backlog int
}

// Server is a listening socket and its loops.
type Server struct {
	h      Handler
	opts   Options
	lfd    int
	addr   *net.TCPAddr
	loops  []*Loop
	active atomic.Int32 // loops[:active] take connections

	stopping atomic.Bool
	stopOnce sync.Once
	done     sync.WaitGroup // the loops
	balancer chan struct{}  // closed to stop it
	balDone  sync.WaitGroup
	// acceptDone is the accepting goroutine's: accepts wait in a
	// blocking accept(2) of their own, not on a loop, so that a loop
	// held by a long command does not keep new clients out.
	acceptDone sync.WaitGroup
	moves      atomic.Int64 // connections moved, for tests and stats
	conns      atomic.Int64 // open connections
}

// lastClosed counts a connection closed; with none left, one loop takes
// the next clients: a load with no connection is light, and the
// balancer would see it only after lightWindows (a benchmark's next run,
// unpipelined, would start on the loops its last, pipelined, needed).
func (s *Server) lastClosed() {
	if s.conns.Add(-1) == 0 && s.Active() > 1 && s.opts.Adaptive {
		s.SetActive(1)
	}
}

// Listen binds addr ("127.0.0.1:6379"; port 0 picks a free one) and
// starts serving.
func Listen(addr string, h Handler, opts Options) (*Server, error) {
	if opts.Loops <= 0 {
		opts.Loops = runtime.GOMAXPROCS(0)
	}
	if opts.Backlog <= 0 {
		opts.Backlog = 511
	}
	lfd, bound, err := listen(addr, opts.Backlog)
	if err != nil {
		return nil, err
	}
	s := &Server{h: h, opts: opts, lfd: lfd, addr: bound, balancer: make(chan struct{})}
	for i := range opts.Loops {
		l, err := newLoop(s, i)
		if err != nil {
			for _, l := range s.loops {
				l.free()
			}
			syscall.Close(lfd)
			return nil, err
		}
		s.loops = append(s.loops, l)
	}
	if opts.Adaptive {
		s.active.Store(1)
	} else {
		s.active.Store(int32(len(s.loops)))
	}
	for _, l := range s.loops {
		s.done.Add(1)
		go l.run()
	}
	s.acceptDone.Add(1)
	go s.accept()
	if opts.Adaptive && len(s.loops) > 1 {
		s.balDone.Add(1)
		go s.balance()
	}
	return s, nil
}

// Addr is the bound address.
func (s *Server) Addr() *net.TCPAddr { return s.addr }

// Loops is how many loops there are; Active how many take connections.
func (s *Server) Loops() int  { return len(s.loops) }
func (s *Server) Active() int { return int(s.active.Load()) }

// Moves is how many times a connection moved between loops.
func (s *Server) Moves() int64 { return s.moves.Load() }

// SetActive has the first n loops (at least one, at most Loops) take the
// connections: the loops beyond n hand theirs to the others, and a loop
// added takes its share from the busiest. It returns at once; the moves
// happen on the loops.
func (s *Server) SetActive(n int) {
	n = max(1, min(n, len(s.loops)))
	if s.stopping.Load() {
		return
	}
	s.active.Store(int32(n))
	total := 0
	for _, l := range s.loops {
		total += int(l.nconns.Load())
	}
	share := (total + n - 1) / n
	for i, l := range s.loops {
		if i >= n {
			l.post(func() { l.shed(0) })
		} else if int(l.nconns.Load()) > share {
			l.post(func() { l.shed(share) })
		}
	}
}

// Close stops accepting, closes every connection (OnClose runs for each)
// and waits for the loops to end.
func (s *Server) Close() error {
	s.stopOnce.Do(func() {
		s.stopping.Store(true)
		syscall.Shutdown(s.lfd, syscall.SHUT_RDWR) // ends the blocked accept
		s.acceptDone.Wait()
		syscall.Close(s.lfd)
		close(s.balancer)
		s.balDone.Wait()
		for _, l := range s.loops {
			l.post(l.stop)
		}
		s.done.Wait()
		// A connection accepted or moved toward a loop that had
		// stopped waits on its ready list.
		for _, l := range s.loops {
			l.mu.Lock()
			ready := l.ready
			l.ready = nil
			l.mu.Unlock()
			for _, c := range ready {
				c.close(nil) // no loop runs: the connection is ours
			}
			l.free()
		}
	})
	return nil
}

// pick returns the active loop other than except with the fewest
// connections, one not stuck in a long command if there is one; loop 0
// if there is none.
func (s *Server) pick(except *Loop) *Loop {
	var best *Loop
	bestStuck := false
	now := time.Now().UnixNano()
	for _, l := range s.loops[:s.active.Load()] {
		if l == except {
			continue
		}
		stuck := l.stuck(now)
		if best == nil || bestStuck && !stuck || stuck == bestStuck && l.nconns.Load() < best.nconns.Load() {
			best, bestStuck = l, stuck
		}
	}
	if best == nil {
		return s.loops[0]
	}
	return best
}

// accept takes new connections and sends each to the active loop with
// the fewest, and not to a stuck one while a loop could be added.
func (s *Server) accept() {
	defer s.acceptDone.Done()
	for {
		fd, sa, err := syscall.Accept4(s.lfd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
		if err != nil {
			if s.stopping.Load() {
				return
			}
			if err != syscall.EINTR && err != syscall.ECONNABORTED {
				time.Sleep(10 * time.Millisecond) // EMFILE and the like: later
			}
			continue
		}
		syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
		if ka := s.opts.KeepAlive; ka > 0 {
			secs := max(1, int(ka/time.Second))
			syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1)
			syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, secs)
			syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, max(1, secs/3))
			syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, 3)
		}
		c := &Conn{fd: fd, remote: tcpAddr(sa), local: s.addr}
		if la, err := syscall.Getsockname(fd); err == nil {
			c.local = tcpAddr(la) // the address the client reached, for a wildcard bind
		}
		to := s.pick(nil)
		if n := s.Active(); n < len(s.loops) && to.stuck(time.Now().UnixNano()) {
			s.SetActive(n + 1) // what the balancer would do at its next look
			to = s.pick(nil)
		}
		c.loop.Store(to)
		to.nconns.Add(1)
		s.conns.Add(1)
		to.schedule(c)
	}
}

// ErrClosed is what writes to a closed connection return.
var ErrClosed = net.ErrClosed

// listen opens a listening socket on addr, blocking: Server.accept
// waits in it.
func listen(addr string, backlog int) (int, *net.TCPAddr, error) {
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return -1, nil, err
	}
	if ta.IP == nil {
		// No host: every address, IPv6 and IPv4 on one socket where the
		// machine has IPv6 (as Go's net.Listen does), IPv4 alone if not.
		any6 := &net.TCPAddr{IP: net.IPv6unspecified, Port: ta.Port}
		if fd, bound, err := listenOn(any6, backlog, true); err == nil {
			return fd, bound, nil
		}
		ta = &net.TCPAddr{IP: net.IPv4zero, Port: ta.Port}
	}
	return listenOn(ta, backlog, false)
}

// listenOn opens a listening socket on ta; dual takes IPv4 as well on
// an IPv6 socket.
func listenOn(ta *net.TCPAddr, backlog int, dual bool) (int, *net.TCPAddr, error) {
	family, sa := syscall.AF_INET, syscall.Sockaddr(nil)
	if ip4 := ta.IP.To4(); ip4 != nil {
		a := &syscall.SockaddrInet4{Port: ta.Port}
		copy(a.Addr[:], ip4)
		sa = a
	} else {
		family = syscall.AF_INET6
		a := &syscall.SockaddrInet6{Port: ta.Port}
		copy(a.Addr[:], ta.IP.To16())
		if ta.Zone != "" {
			if ifi, err := net.InterfaceByName(ta.Zone); err == nil {
				a.ZoneId = uint32(ifi.Index)
			}
		}
		sa = a
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("socket: %w", err)
	}
	fail := func(what string, err error) (int, *net.TCPAddr, error) {
		syscall.Close(fd)
		return -1, nil, &net.OpError{Op: what, Net: "tcp", Addr: ta, Err: err}
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return fail("setsockopt", err)
	}
	if dual {
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0); err != nil {
			return fail("setsockopt", err)
		}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		return fail("listen", err)
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		return fail("listen", err)
	}
	got, err := syscall.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	return fd, tcpAddr(got), nil
}

func tcpAddr(sa syscall.Sockaddr) *net.TCPAddr {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port}
	case *syscall.SockaddrInet6:
		ta := &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port}
		if a.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.ZoneId)); err == nil {
				ta.Zone = ifi.Name
			}
		}
		return ta
	}
	return &net.TCPAddr{}
}

// temporary reports whether a socket call should simply be tried later.
func temporary(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)
}
