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
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/metrics"
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
	// aof is the append-only log (persist.go).
	aof aofState
	// repl is the replication (replication.go).
	repl replState
	// registry holds the node's metrics; nil when metrics-addr is empty.
	registry *prometheus.Registry
	metrics  *metrics.Endpoint
	// serving is set once the client port is bound: Stop must not close
	// a server that never started, whose Close would wait for it forever.
	serving atomic.Bool

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
	n.cmd.AOF = aofControl{n}
	n.initReplication()
	// Keys the engine expires or evicts leave the effect stream as DEL.
	eng.SetDropHook(func(db int, key []byte) {
		if sink := n.cmd.Effects(); sink != nil {
			sink.Feed(db, [][]byte{delWord, key})
		}
	})
	n.applyMemorySettings()
	cfg.Watch(n.applyMemorySettings)
	n.cmd.WatchKeyspaceEvents()
	n.srv = server.New(n.cmd)
	if cfg.String("metrics-addr") != "" {
		n.registry = newRegistry(n.cmd)
		n.registry.MustRegister(replCollector{n})
	}
	return n
}

// newRegistry registers the node's metrics, and the Go runtime's and the
// process's, on a registry of the node's own, so nodes sharing a process
// do not share metrics.
func newRegistry(cmd *command.Node) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	// A fresh registry refuses a collector only for a duplicate metric
	// name, a bug that MustRegister would report the same way.
	if err := metrics.RegisterRuntime(reg); err != nil {
		panic("node: registering runtime metrics: " + err.Error())
	}
	if _, err := metrics.Register(reg, cmd); err != nil {
		panic("node: registering metrics: " + err.Error())
	}
	return reg
}

func newRunID() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Start binds the listener and starts serving and background work.
func (n *Node) Start() error {
	if err := n.startMetrics(); err != nil {
		return err
	}
	addr := net.JoinHostPort(firstBind(n.cfg.String("bind")), strconv.FormatInt(n.cfg.Int("port"), 10))
	if err := n.srv.Start(addr); err != nil {
		n.stopMetrics()
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	n.serving.Store(true)
	n.cmd.TCPPort = n.srv.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		n.engine.RunActiveExpiry(ctx, func() int { return int(n.cfg.Int("hz")) })
	}()
	n.engine.MarkBaseline()
	// Clients may connect while the dataset loads: they get LOADING.
	n.log.Info("listening, loading the dataset", "addr", n.srv.Addr().String())
	// With appendonly yes the log is the dataset; else the snapshot is.
	load := n.loadSnapshot
	if n.cfg.Bool("appendonly") {
		load = n.openAOF
	}
	if err := load(); err != nil {
		n.Stop()
		return err
	}
	n.cfg.Watch(n.applyAOFConfig)
	if err := n.startReplication(ctx); err != nil {
		n.Stop()
		return err
	}
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		n.runAOFRewrites(ctx)
	}()
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		n.cmd.RunSaveSchedule(ctx)
	}()
	n.log.Info("ready to accept connections", "addr", n.srv.Addr().String(), "version", Version)
	return nil
}

// startMetrics serves /metrics on metrics-addr, when it is set. It binds
// before the client port so that a taken metrics port stops start-up
// before any client can connect.
func (n *Node) startMetrics() error {
	if n.registry == nil {
		return nil
	}
	addr := n.cfg.String("metrics-addr")
	ep, err := metrics.Listen(addr, n.registry)
	if err != nil {
		return fmt.Errorf("can't serve metrics on metrics-addr %s: %w (set metrics-addr to a free address, or to \"\" to disable metrics)", addr, err)
	}
	n.metrics = ep
	n.log.Info("serving metrics", "metrics-addr", ep.Addr().String())
	return nil
}

func (n *Node) stopMetrics() {
	if n.metrics != nil {
		n.metrics.Close()
	}
}

// MetricsAddr is the address of the /metrics endpoint, "" when metrics
// are off.
func (n *Node) MetricsAddr() string {
	if n.metrics == nil {
		return ""
	}
	return n.metrics.Addr().String()
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
		n.stopReplication()
		if n.serving.Load() {
			n.srv.Close()
		}
		n.stopMetrics()
		if n.cancel != nil {
			n.cancel()
		}
		n.bg.Wait()
		n.closeAOF()
		close(n.stopped)
	})
}

// Done is closed once the node has stopped (also after SHUTDOWN).
func (n *Node) Done() <-chan struct{} { return n.stopped }

// StopOnSignal stops the node for SIGINT or SIGTERM as Redis 7.0 does,
// with flags from shutdown-on-sigint or shutdown-on-sigterm: it saves
// first when SHUTDOWN would, and when that save fails it keeps running
// (unless force) and returns the error.
func (n *Node) StopOnSignal(flags int64) error {
	err := n.cmd.SaveOnSignal(flags&config.ShutdownSave != 0, flags&config.ShutdownNoSave != 0)
	if err != nil && flags&config.ShutdownForce == 0 {
		return err
	}
	n.Stop()
	return nil
}
