// Package server owns the network side of a node: the listener, the event
// loops that read, execute and reply, and the limits on clients (maxclients,
// idle timeout, query buffer size). It knows no data types: every command
// goes to the command table.
//
// # Event loops, not a goroutine per connection
//
// Connections are served by a few event loops (package netloop, up to one
// per CPU, each an epoll instance read by one goroutine) rather than one
// goroutine each; how many of them take work follows the load
// (io-threads-adaptive). A request
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
	"log/slog"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/netloop"
	"github.com/shoal-cache/shoal/internal/stripe"
)

// tickInterval is how often idle clients are looked for. Redis checks
// at hz; a tenth of a second keeps `timeout` within 10 % at its smallest.
const tickInterval = 100 * time.Millisecond

// Server accepts client connections and runs their commands.
type Server struct {
	node *command.Node
	log  *slog.Logger

	eng     *netloop.Server
	addr    *net.TCPAddr
	stopped chan struct{} // closed to stop the ticker

	nextID atomic.Int64
	mu     sync.Mutex
	conns  map[int64]*conn
	closed bool

	totalConns, rejected atomic.Int64
	netIn, netOut        *stripe.Counter // by event loop: every batch adds
	netReplOut           atomic.Int64    // to replicas (replica.go)
	loopStates           []*loopState    // by netloop.Loop.ID (replica.go)
	// reads and writes count read events and reply writes to clients,
	// INFO's total_reads_processed and total_writes_processed.
	reads, writes *stripe.Counter
	// maxBulk and queryLimit are read on every batch.
	maxBulk, queryLimit config.Live
}

// New returns a server that runs commands on node. It registers itself as
// the node's client registry.
func New(node *command.Node) *Server {
	s := &Server{node: node, log: node.Log, conns: map[int64]*conn{},
		netIn: new(stripe.Counter), netOut: new(stripe.Counter), reads: new(stripe.Counter), writes: new(stripe.Counter),
		stopped: make(chan struct{}),
		maxBulk: node.Config.Live("proto-max-bulk-len"), queryLimit: node.Config.Live("client-query-buffer-limit")}
	node.Clients = s
	return s
}

// Start binds addr ("127.0.0.1:6379"; port 0 picks a free one) and serves
// in the background until Close.
func (s *Server) Start(addr string) error {
	loops := s.eventLoops()
	spareProcessor(loops)
	s.loopStates = make([]*loopState, loops)
	for i := range s.loopStates {
		s.loopStates[i] = &loopState{stripe: i}
	}
	opts := netloop.Options{Loops: loops, Adaptive: s.node.Config.Bool("io-threads-adaptive"),
		Backlog: int(s.node.Config.Int("tcp-backlog"))}
	if ka := s.node.Config.Int("tcp-keepalive"); ka > 0 {
		opts.KeepAlive = time.Duration(ka) * time.Second
	}
	eng, err := netloop.Listen(addr, s, opts)
	if err != nil {
		return err
	}
	s.eng, s.addr = eng, eng.Addr()
	go s.tick()
	return nil
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.addr }

// OnOpen admits a client, or refuses it with Redis's error when the node
// is at maxclients.
func (s *Server) OnOpen(gc *netloop.Conn) ([]byte, bool) {
	s.totalConns.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, true
	}
	if deniedByProtectedMode(s.node.Config, gc.RemoteAddr()) {
		return []byte(errProtectedMode), true
	}
	if int64(len(s.conns)) >= s.node.Config.Int("maxclients") {
		s.rejected.Add(1)
		return []byte("-ERR max number of clients reached\r\n"), true
	}
	c := newConn(s, gc, s.nextID.Add(1))
	s.conns[c.id] = c
	gc.SetContext(c)
	return nil, false
}

// OnData runs what a client sent.
func (s *Server) OnData(gc *netloop.Conn, data []byte) bool {
	c, ok := gc.Context().(*conn)
	if !ok {
		return true
	}
	s.netIn.Add(c.loop.stripe, int64(len(data)))
	s.reads.Add(c.loop.stripe, 1)
	return c.traffic(data)
}

// OnMove follows a client to the loop it moved to.
func (s *Server) OnMove(gc *netloop.Conn) {
	if c, ok := gc.Context().(*conn); ok {
		c.moved()
	}
}

// OnClose forgets a client.
func (s *Server) OnClose(gc *netloop.Conn, _ error) {
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
}

// tick closes clients idle for longer than `timeout`, read afresh each
// time so CONFIG SET timeout applies to clients already idle.
func (s *Server) tick() {
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			return
		case <-t.C:
		}
		secs := s.node.Config.Int("timeout")
		if secs <= 0 {
			continue
		}
		limit := time.Now().Add(-time.Duration(secs) * time.Second).UnixMilli()
		for _, c := range s.List() {
			// A blocked client waits by its own timeout, not the idle one.
			if cc := c.(*conn); cc.lastActive.Load() < limit && !cc.blocked.Load() {
				s.log.Debug("closing idle client", "client", cc.id, "addr", cc.addr)
				cc.Kill()
			}
		}
	}
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
	if s.eng == nil {
		return nil // never started
	}
	close(s.stopped)
	done := make(chan struct{})
	go func() {
		s.eng.Close()
		close(done)
	}()
	select {
	case <-done:
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
	st.Reads, st.Writes = s.reads.Load(), s.writes.Load()
	st.NetReplOutputBytes = s.netReplOut.Load()
	if s.eng != nil {
		st.EventLoops, st.ActiveLoops, st.LoopMoves = s.eng.Loops(), s.eng.Active(), s.eng.Moves()
	}
	return st
}

// ResetStats zeroes the connection counters (CONFIG RESETSTAT).
func (s *Server) ResetStats() {
	s.totalConns.Store(0)
	s.rejected.Store(0)
	s.netIn.Reset()
	s.netOut.Reset()
	s.reads.Reset()
	s.writes.Reset()
	s.netReplOut.Store(0)
}

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
