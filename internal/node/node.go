// Package node is the composition root: it builds a node's parts from its
// configuration (keyspace, command table, network server), wires them
// together, and owns the order in which they start and stop.
package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/server"
)

// Version is Shoal's own version.
const Version = "0.1.0"

// Node is one running Shoal node.
type Node struct {
	cfg    *config.Config
	log    *slog.Logger
	engine *engine.Engine
	cmd    *command.Node
	srv    *server.Server

	cancel   context.CancelFunc
	bg       sync.WaitGroup
	stopOnce sync.Once
	stopped  chan struct{}
}

// New builds a node from cfg; nothing listens until Start.
func New(cfg *config.Config, log *slog.Logger) *Node {
	if log == nil {
		log = slog.Default()
	}
	eng := engine.New(engine.Options{
		Databases: int(cfg.Int("databases")),
		Shards:    int(cfg.Int("shards")),
	})
	n := &Node{cfg: cfg, log: log, engine: eng, stopped: make(chan struct{})}
	n.cmd = &command.Node{
		Engine:  eng,
		Config:  cfg,
		Table:   command.NewTable(),
		Log:     log,
		RunID:   newRunID(),
		Version: Version,
		Started: time.Now(),
	}
	n.cmd.Shutdown = func() { go n.Stop() }
	n.applyMemorySettings()
	cfg.Watch(n.applyMemorySettings)
	n.srv = server.New(n.cmd)
	return n
}

func newRunID() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Start binds the listener and starts serving and background work.
func (n *Node) Start() error {
	addr := net.JoinHostPort(firstBind(n.cfg.String("bind")), strconv.FormatInt(n.cfg.Int("port"), 10))
	if err := n.srv.Start(addr); err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	n.cmd.TCPPort = n.srv.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		n.engine.RunActiveExpiry(ctx, func() int { return int(n.cfg.Int("hz")) })
	}()
	n.engine.MarkBaseline()
	n.log.Info("ready to accept connections", "addr", n.srv.Addr().String(), "version", Version)
	return nil
}

// firstBind returns the first address of a bind directive ("127.0.0.1 ::1").
func firstBind(bind string) string {
	for i := range len(bind) {
		if bind[i] == ' ' {
			return bind[:i]
		}
	}
	return bind
}

// Addr is the address clients connect to.
func (n *Node) Addr() string { return n.srv.Addr().String() }

// Engine returns the node's keyspace, for tests and embedding.
func (n *Node) Engine() *engine.Engine { return n.engine }

// Stop closes every connection, stops background work and waits for it.
// It is safe to call more than once and from several goroutines.
func (n *Node) Stop() {
	n.stopOnce.Do(func() {
		n.log.Info("shutting down")
		n.srv.Close()
		if n.cancel != nil {
			n.cancel()
		}
		n.bg.Wait()
		close(n.stopped)
	})
}

// Done is closed once the node has stopped (also after SHUTDOWN).
func (n *Node) Done() <-chan struct{} { return n.stopped }
