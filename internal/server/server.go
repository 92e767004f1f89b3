// Package server owns the network side of a node: the listener, the event
// loops that read, execute and reply, and the limits on clients (maxclients,
// idle timeout, query buffer size). It knows no data types: every command
// goes to the command table.
//
// # Event loops, not a goroutine per connection
//
// Connections are served by a few event loops (gnet, one per CPU, each an
// epoll loop on its own thread) rather than one goroutine each. A request
// that arrives is read, executed and answered on the loop that saw it, with
// no hand-off between goroutines: measured against a goroutine per
// connection on a 2-core machine running redis-benchmark beside the node,
// this took unpipelined throughput from about 0.7 of redis-server's to
// about parity, because the Go scheduler no longer wakes and parks threads
// for every request. Every complete command in a read is executed before
// the replies are written once, which is where pipelined throughput comes
// from.
//
// A command runs on its connection's loop, so a slow one (KEYS on a large
// keyspace) delays the other clients of that loop, as one delays every
// client of redis-server.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/stripe"
)

// tickInterval is how often idle clients are looked for. Redis checks
// at hz; a tenth of a second keeps `timeout` within 10 % at its smallest.
const tickInterval = 100 * time.Millisecond

// Server accepts client connections and runs their commands.
type Server struct {
	gnet.BuiltinEventEngine
	node *command.Node
	log  *slog.Logger

	eng     gnet.Engine
	addr    *net.TCPAddr
	booted  chan error
	stopped chan struct{}

	nextID atomic.Int64
	mu     sync.Mutex
	conns  map[int64]*conn
	closed bool

	totalConns, rejected atomic.Int64
	netIn, netOut        *stripe.Counter // by event loop: every batch adds
	netReplOut           atomic.Int64    // to replicas (replica.go)
	loops                sync.Map        // gnet.EventLoop → *loopState (replica.go)
	loopsSeen            atomic.Int64
}

// New returns a server that runs commands on node. It registers itself as
// the node's client registry.
func New(node *command.Node) *Server {
	s := &Server{node: node, log: node.Log, conns: map[int64]*conn{},
		netIn: new(stripe.Counter), netOut: new(stripe.Counter),
		booted: make(chan error, 1), stopped: make(chan struct{})}
	node.Clients = s
	return s
}

// Start binds addr ("127.0.0.1:6379"; port 0 picks a free one) and serves
// in the background until Close.
func (s *Server) Start(addr string) error {
	loops := s.eventLoops()
	spareProcessor(loops)
	opts := []gnet.Option{
		gnet.WithNumEventLoop(loops),
		gnet.WithTicker(true),
		gnet.WithReuseAddr(true),
		gnet.WithTCPNoDelay(gnet.TCPNoDelay),
		gnet.WithLogger(gnetLogger{s.log}),
	}
	if ka := s.node.Config.Int("tcp-keepalive"); ka > 0 {
		opts = append(opts, gnet.WithTCPKeepAlive(time.Duration(ka)*time.Second))
	}
	go func() {
		err := gnet.Run(s, "tcp://"+addr, opts...)
		select {
		case s.booted <- err: // Run failed before booting.
		default:
		}
		close(s.stopped)
	}()
	if err := <-s.booted; err != nil {
		return err
	}
	return nil
}

// OnBoot learns the bound address, which gnet does not report, from a
// duplicate of the listening socket.
func (s *Server) OnBoot(eng gnet.Engine) gnet.Action {
	s.eng = eng
	addr, err := listenAddr(eng)
	if err != nil {
		s.booted <- err
		return gnet.Shutdown
	}
	s.addr = addr
	s.booted <- nil
	return gnet.None
}

func listenAddr(eng gnet.Engine) (*net.TCPAddr, error) {
	fd, err := eng.Dup()
	if err != nil {
		return nil, fmt.Errorf("reading the listening address: %w", err)
	}
	defer syscall.Close(fd)
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return nil, fmt.Errorf("reading the listening address: %w", err)
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(a.Addr[:]), Port: a.Port}, nil
	case *syscall.SockaddrInet6:
		return &net.TCPAddr{IP: net.IP(a.Addr[:]), Port: a.Port}, nil
	}
	return nil, errors.New("listening socket is not TCP")
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.addr }

// OnOpen admits a client, or refuses it with Redis's error when the node
// is at maxclients.
func (s *Server) OnOpen(gc gnet.Conn) ([]byte, gnet.Action) {
	s.totalConns.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, gnet.Close
	}
	if int64(len(s.conns)) >= s.node.Config.Int("maxclients") {
		s.rejected.Add(1)
		return []byte("-ERR max number of clients reached\r\n"), gnet.Close
	}
	c := newConn(s, gc, s.nextID.Add(1))
	s.conns[c.id] = c
	gc.SetContext(c)
	return nil, gnet.None
}

// OnTraffic runs what a client sent.
func (s *Server) OnTraffic(gc gnet.Conn) gnet.Action {
	c, ok := gc.Context().(*conn)
	if !ok {
		return gnet.Close
	}
	data, _ := gc.Next(-1)
	s.netIn.Add(c.loop.stripe, int64(len(data)))
	return c.traffic(data)
}

// OnClose forgets a client.
func (s *Server) OnClose(gc gnet.Conn, _ error) gnet.Action {
	if c, ok := gc.Context().(*conn); ok {
		c.killed.Store(true)
		if rs := c.stream.Load(); rs != nil {
			rs.closeSock()
		}
		c.ctx.Release()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
	}
	return gnet.None
}

// OnTick closes clients idle for longer than `timeout`, read afresh each
// time so CONFIG SET timeout applies to clients already idle.
func (s *Server) OnTick() (time.Duration, gnet.Action) {
	if t := s.node.Config.Int("timeout"); t > 0 {
		limit := time.Now().Add(-time.Duration(t) * time.Second).UnixMilli()
		for _, c := range s.List() {
			// A blocked client waits by its own timeout, not the idle one.
			if cc := c.(*conn); cc.lastActive.Load() < limit && !cc.blocked.Load() {
				s.log.Debug("closing idle client", "client", cc.id, "addr", cc.addr)
				cc.Kill()
			}
		}
	}
	return tickInterval, gnet.None
}

// Close stops accepting, closes every connection and waits for the event
// loops to finish.
func (s *Server) Close() error {
	return s.Shutdown(context.Background())
}

// Shutdown closes the server, giving up waiting when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if s.addr == nil {
		return nil // never started
	}
	// Engine.Stop starts the shutdown at once but then polls for its end
	// every half second; gnet.Run returning is the earlier signal.
	stopCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.eng.Stop(stopCtx)
	select {
	case <-s.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// List returns the connected clients ordered by id.
func (s *Server) List() []command.Conn {
	s.mu.Lock()
	out := make([]command.Conn, 0, len(s.conns))
	for _, c := range s.conns {
		if !c.killed.Load() {
			out = append(out, c)
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}

// Stats returns the connection counters.
func (s *Server) Stats() command.ClientStats {
	s.mu.Lock()
	st := command.ClientStats{Connected: len(s.conns)}
	for _, c := range s.conns {
		st.MaxInputBuffer = max(st.MaxInputBuffer, c.qbufLen.Load())
		if c.blocked.Load() {
			st.Blocked++
		}
	}
	s.mu.Unlock()
	st.TotalConnections = s.totalConns.Load()
	st.Rejected = s.rejected.Load()
	st.NetInputBytes = s.netIn.Load()
	st.NetOutputBytes = s.netOut.Load()
	st.NetReplOutputBytes = s.netReplOut.Load()
	return st
}

// ResetStats zeroes the connection counters (CONFIG RESETSTAT).
func (s *Server) ResetStats() {
	s.totalConns.Store(0)
	s.rejected.Store(0)
	s.netIn.Reset()
	s.netOut.Reset()
	s.netReplOut.Store(0)
}

// gnetLogger sends gnet's own messages to the node's log; its routine
// start-up line is debug-level here.
type gnetLogger struct{ log *slog.Logger }

func (l gnetLogger) Debugf(format string, args ...any) { l.log.Debug(fmt.Sprintf(format, args...)) }
func (l gnetLogger) Infof(format string, args ...any)  { l.log.Debug(fmt.Sprintf(format, args...)) }
func (l gnetLogger) Warnf(format string, args ...any)  { l.log.Warn(fmt.Sprintf(format, args...)) }
func (l gnetLogger) Errorf(format string, args ...any) { l.log.Error(fmt.Sprintf(format, args...)) }
func (l gnetLogger) Fatalf(format string, args ...any) { l.log.Error(fmt.Sprintf(format, args...)) }

// spareProcessor lets Go run one goroutine more than there are event
// loops at a time (GOMAXPROCS), unless the environment sets GOMAXPROCS.
// A loop waiting in epoll_wait holds its processor; with as many
// processors as loops, every other goroutine (timers, the replication
// link, scripts' goroutine, the garbage collector's workers) waits until
// the runtime's monitor takes a processor back from a loop, and the loops
// then hop between threads. One spare processor took unpipelined
// throughput on a 2-core machine from 0.7-0.95 of redis-server's, varying
// from run to run, to 0.9-1.0 (docs/benchmarks.md).
func spareProcessor(loops int) {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if runtime.GOMAXPROCS(0) < loops+1 {
		runtime.GOMAXPROCS(loops + 1)
	}
}

// startProcs is GOMAXPROCS as the runtime set it at start: the CPUs the
// process may use, a container's CPU quota included (which NumCPU does
// not know), before spareProcessor raised it.
var startProcs = runtime.GOMAXPROCS(0)

// eventLoops is io-threads, or one loop per CPU the process may use when
// it is 0.
func (s *Server) eventLoops() int {
	if n := s.node.Config.Int("io-threads"); n > 0 {
		return int(n)
	}
	return startProcs
}
