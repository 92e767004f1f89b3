// Package server owns the network side of a node: the listener, one
// goroutine per client connection, the read–execute–flush loop that makes
// pipelining cheap, and the limits on clients (maxclients, idle timeout,
// query buffer size). It knows no data types: every command goes to the
// command table.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/shoal-cache/shoal/internal/command"
)

// Server accepts client connections and runs their commands.
type Server struct {
	node *command.Node
	log  *slog.Logger
	ln   net.Listener

	nextID atomic.Int64
	mu     sync.Mutex
	conns  map[int64]*conn
	closed bool
	wg     sync.WaitGroup

	totalConns, rejected atomic.Int64
	netIn, netOut        atomic.Int64
}

// New returns a server that runs commands on node. It registers itself as
// the node's client registry.
func New(node *command.Node) *Server {
	s := &Server{node: node, log: node.Log, conns: map[int64]*conn{}}
	node.Clients = s
	return s
}

// Listen binds addr ("127.0.0.1:6379"; port 0 picks a free one).
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts connections until Close. It returns nil after Close.
func (s *Server) Serve() error {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.accept(nc)
	}
}

func (s *Server) accept(nc net.Conn) {
	s.totalConns.Add(1)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if int64(len(s.conns)) >= s.node.Config.Int("maxclients") {
		s.mu.Unlock()
		s.rejected.Add(1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		return
	}
	c := newConn(s, nc, s.nextID.Add(1))
	s.conns[c.id] = c
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		c.serve()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
	}()
}

// Close stops accepting, closes every connection and waits for their
// goroutines to finish.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, c := range s.conns {
		c.Kill()
	}
	s.mu.Unlock()
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.wg.Wait()
	return err
}

// Shutdown closes the server, giving up when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// List returns the connected clients ordered by id. Clients killed by
// CLIENT KILL are gone at once, as in Redis, though their goroutines may
// still be finishing.
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
		st.MaxInputBuffer = max(st.MaxInputBuffer, int64(c.qbufLen.Load()))
	}
	s.mu.Unlock()
	st.TotalConnections = s.totalConns.Load()
	st.Rejected = s.rejected.Load()
	st.NetInputBytes = s.netIn.Load()
	st.NetOutputBytes = s.netOut.Load()
	return st
}

// ResetStats zeroes the connection counters (CONFIG RESETSTAT).
func (s *Server) ResetStats() {
	s.totalConns.Store(0)
	s.rejected.Store(0)
	s.netIn.Store(0)
	s.netOut.Store(0)
}
