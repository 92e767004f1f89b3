package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/persist"
	"github.com/shoal-cache/shoal/internal/replication"
)

// replState is the node's replication: the stream state (always there,
// the node's effect sink once a backlog exists), and the link to a
// primary while the node is a replica.
type replState struct {
	st *replication.State
	// mu serialises role changes (REPLICAOF).
	mu       sync.Mutex
	follower *replication.Follower
	replica  atomic.Bool
	// flags are the per-command checks' settings, refreshed on CONFIG SET.
	flags atomic.Pointer[replFlags]
	// handshakes are what connections told in REPLCONF before PSYNC.
	hsMu       sync.Mutex
	handshakes map[int64]handshake
	replay     *command.Replayer
}

type replFlags struct {
	readOnly, serveStale, sync bool
	// minReplicas and minLag are min-replicas-to-write and
	// min-replicas-max-lag: as in Redis, the check is on only when both
	// are above 0.
	minReplicas, minLag int64
}

type handshake struct {
	port    int
	ip      string // REPLCONF ip-address: shown instead of the peer's
	capaEOF bool
}

// initReplication builds the replication state and wires it to the
// commands; called by New.
func (n *Node) initReplication() {
	n.repl.st = replication.NewState(n.log, n.replSettings())
	n.repl.handshakes = map[int64]handshake{}
	n.repl.replay = n.cmd.NewReplayer()
	n.repl.replay.ApplyPrimary()
	n.applyReplConfig()
	n.cfg.Watch(n.applyReplConfig)
	n.cmd.Repl = replControl{n}
}

// seconds is n seconds as a Duration, the longest one for more than it
// holds (repl-backlog-ttl goes up to 2^63-1 seconds, as in Redis).
func seconds(n int64) time.Duration {
	if n > int64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
}

func (n *Node) replSettings() replication.Settings {
	c := n.cfg
	limit := c.ClientOutputBufferLimit(config.ClassReplica)
	return replication.Settings{
		BacklogSize:     c.Int("repl-backlog-size"),
		BacklogTTL:      seconds(c.Int("repl-backlog-ttl")),
		Timeout:         time.Duration(c.Int("repl-timeout")) * time.Second,
		PingPeriod:      time.Duration(c.Int("repl-ping-replica-period")) * time.Second,
		MinReplicas:     int(c.Int("min-replicas-to-write")),
		MinReplicasLag:  time.Duration(c.Int("min-replicas-max-lag")) * time.Second,
		Sync:            c.String("replication-mode") == "sync",
		SyncTimeout:     time.Duration(c.Int("sync-replication-timeout")) * time.Millisecond,
		OutputHardLimit: int64(limit.Hard),
		AsyncBatch:      time.Duration(c.Int("repl-async-batch-usec")) * time.Microsecond,
		SourceAddr:      c.String("bind-source-addr"),
	}
}

func (n *Node) applyReplConfig() {
	n.repl.st.SetSettings(n.replSettings())
	old := n.repl.flags.Load()
	n.repl.flags.Store(&replFlags{
		readOnly:    n.cfg.Bool("replica-read-only"),
		serveStale:  n.cfg.Bool("replica-serve-stale-data"),
		sync:        n.cfg.String("replication-mode") == "sync",
		minReplicas: n.cfg.Int("min-replicas-to-write"),
		minLag:      n.cfg.Int("min-replicas-max-lag"),
	})
	if old != nil && old.sync != n.repl.flags.Load().sync {
		n.repl.st.DropReplicas() // they ask for the new ack mode
	}
	if n.repl.flags.Load().sync && !n.repl.st.Active() {
		n.repl.st.Activate()
		n.attachSink()
	}
}

// startReplication runs the replication's background work and, with
// replicaof set, follows that primary. Called by Start once the dataset
// is loaded.
func (n *Node) startReplication(ctx context.Context) error {
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		n.repl.st.Run(ctx)
	}()
	if v := strings.Fields(n.cfg.String("replicaof")); len(v) > 0 {
		if len(v) != 2 {
			return fmt.Errorf("replicaof: want \"host port\", got %q", n.cfg.String("replicaof"))
		}
		port, err := strconv.Atoi(v[1])
		if err != nil || port <= 0 || port > 65535 {
			return fmt.Errorf("replicaof: invalid port %q", v[1])
		}
		n.follow(v[0], port, false)
	}
	return nil
}

// stopReplication ends the link to the primary (Stop).
func (n *Node) stopReplication() {
	n.repl.mu.Lock()
	f := n.repl.follower
	n.repl.follower = nil
	n.repl.mu.Unlock()
	if f != nil {
		f.Stop()
	}
}

// follow makes the node a replica of host:port. The caller holds no lock.
func (n *Node) follow(host string, port int, consent bool) (already bool) {
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	if f := n.repl.follower; f != nil {
		if f.Host_ == host && f.Port == port {
			f.Consent()
			return true
		}
		f.Stop()
	}
	n.repl.replica.Store(true)
	n.cmd.Engine.SetReplicaMode(true)
	n.repl.follower = n.repl.st.Follow(replicaHost{n}, host, port, consent)
	n.attachSink()
	n.log.Info("replica of", "primary", net.JoinHostPort(host, strconv.Itoa(port)))
	return false
}

// promote makes a replica a primary (REPLICAOF NO ONE).
func (n *Node) promote() {
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	f := n.repl.follower
	if f == nil {
		return
	}
	n.repl.follower = nil
	f.Stop()
	n.repl.st.Promote()
	n.cmd.Engine.SetReplicaMode(false)
	n.repl.replica.Store(false)
	n.log.Info("primary mode enabled (REPLICAOF NO ONE)")
}

// attachAOF makes a the log effects go to (nil: none), directly or
// through the replication state when that is the sink. Call it where no
// command runs, as SetEffects.
func (n *Node) attachAOF(a *persist.AOF) {
	if a == nil {
		n.repl.st.SetAOF(nil)
	} else {
		n.repl.st.SetAOF(a)
	}
	n.attachSink()
}

// attachSink sets the node's effect sink: the replication state once a
// backlog exists, else the log, else none (no cost at all).
func (n *Node) attachSink() {
	if n.repl.st.Active() {
		n.cmd.SetEffects(n.repl.st)
		return
	}
	if a := n.repl.st.AOF(); a != nil {
		n.cmd.SetEffects(a)
		return
	}
	n.cmd.SetEffects(nil)
}

// replicaHost is the node as its Follower sees it.
type replicaHost struct{ n *Node }

func (h replicaHost) ListeningPort() int {
	if p := h.n.cfg.Int("replica-announce-port"); p > 0 {
		return int(p)
	}
	return h.n.cmd.TCPPort
}

func (h replicaHost) AnnounceIP() string { return h.n.cfg.String("replica-announce-ip") }

func (h replicaHost) MasterAuth() (string, string) {
	return h.n.cfg.String("masteruser"), h.n.cfg.String("masterauth")
}

func (h replicaHost) TempDir() string { return h.n.cfg.String("dir") }

func (h replicaHost) SnapshotKeys(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := command.CheckSnapshot(f, h.n.cfg)
	return st.Keys, err
}

func (h replicaHost) HasKeys() bool {
	e := h.n.engine
	for i := range e.NumDBs() {
		if e.DB(i).Size() > 0 {
			return true
		}
	}
	return false
}

// LoadFull replaces the dataset with the primary's snapshot, the node
// answering LOADING meanwhile. A log, if on, is rewritten afterwards so
// that it holds the new dataset.
func (h replicaHost) LoadFull(path string) error {
	n := h.n
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	progress, done := n.cmd.StartLoading(size)
	n.engine.FlushAll()
	_, err = n.cmd.LoadSnapshot(f, progress)
	done()
	if err != nil {
		n.engine.FlushAll()
		return err
	}
	if a := n.aof.log.Load(); a != nil {
		go func() {
			if err := n.waitForSnapshot(); err == nil {
				if err := a.StartRewrite(n.aofBase, nil); err != nil && !errors.Is(err, persist.ErrRewriteInProgress) {
					n.log.Warn("rewriting the AOF after a full sync", "error", err)
				}
			}
		}()
	}
	return nil
}

func (h replicaHost) Apply(args [][]byte) {
	if err := h.n.repl.replay.Apply(args); err != nil {
		h.n.log.Warn("applying the primary's stream", "error", err)
	}
}

// replControl is the node's replication as commands see it.
type replControl struct{ n *Node }

func (r replControl) ReplicaOf(host string, port int) bool { return r.n.follow(host, port, true) }

func (r replControl) NoOne() { r.n.promote() }

func (r replControl) Role() command.RoleInfo {
	n := r.n
	st := n.repl.st
	n.repl.mu.Lock()
	f := n.repl.follower
	n.repl.mu.Unlock()
	if f != nil {
		off := int64(-1)
		if st.Active() {
			off = st.Offset()
		}
		return command.RoleInfo{Replica: true, Host: f.Host_, Port: f.Port, State: f.State(), Offset: off}
	}
	ri := command.RoleInfo{Offset: st.Offset()}
	for _, l := range st.LinkInfo() {
		// Redis lists only the replicas past their full sync.
		if l.State != replication.LinkOnline.String() {
			continue
		}
		ri.Replicas = append(ri.Replicas, command.ReplicaInfo{IP: l.Addr, Port: l.Port, Offset: l.Offset})
	}
	return ri
}

func (r replControl) Handshake(connID int64, port int, ip string, capaEOF bool) {
	n := r.n
	n.repl.hsMu.Lock()
	defer n.repl.hsMu.Unlock()
	hs := n.repl.handshakes[connID]
	if port >= 0 {
		hs.port = port
	}
	if ip != "" {
		hs.ip = ip
	}
	hs.capaEOF = hs.capaEOF || capaEOF
	if len(n.repl.handshakes) > 10000 { // connections that never sent PSYNC
		clear(n.repl.handshakes)
	}
	n.repl.handshakes[connID] = hs
}

func (r replControl) PSync(conn command.Conn, stream command.ReplStream, id string, off int64, legacy bool) error {
	n := r.n
	if n.repl.replica.Load() && !n.repl.st.Linked() {
		return command.ErrNoMasterLink
	}
	n.repl.hsMu.Lock()
	hs := n.repl.handshakes[conn.ID()]
	delete(n.repl.handshakes, conn.ID())
	n.repl.hsMu.Unlock()
	host, _, _ := net.SplitHostPort(conn.Addr())
	if hs.ip != "" {
		host = hs.ip
	}
	req := replication.Request{ConnID: conn.ID(), Addr: host, Port: hs.port, ID: id, Offset: off,
		CapaEOF: hs.capaEOF, Legacy: legacy, Stream: stream}
	l, partial := n.repl.st.PSync(req)
	if partial {
		return nil
	}
	n.log.Info("replica asks for synchronization: starting a full sync", "replica", conn.Addr(), "replid", id, "offset", off)
	go n.repl.st.FullSync(l, hs.capaEOF, legacy, n.syncSnapshot, func() { n.cmd.SetEffects(n.repl.st) })
	return nil
}

// syncSnapshot writes the snapshot of a full sync, after any snapshot
// already running (one runs at a time).
func (n *Node) syncSnapshot(w io.Writer, atStart func()) error {
	for {
		if err := n.waitForSnapshot(); err != nil {
			return err
		}
		_, err := n.cmd.WriteSnapshot(w, false, atStart)
		if !errors.Is(err, engine.ErrSnapshotRunning) {
			return err
		}
	}
}

func (r replControl) Ack(connID, off int64) {
	if l := r.n.repl.st.Link(connID); l != nil {
		l.Ack(off)
	}
}

func (r replControl) Offset() int64 { return r.n.repl.st.Offset() }

func (r replControl) NetInputBytes() int64 { return r.n.repl.st.NetIn.Load() }

func (r replControl) Wait(off int64, need int, timeout time.Duration, done func(int)) (int, bool) {
	if done == nil {
		return r.n.repl.st.Acked(off), false
	}
	return r.n.repl.st.Wait(off, need, timeout, done)
}

// Redis's error texts.
const (
	errReadOnly   = "READONLY You can't write against a read only replica."
	errMasterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
	errNoReplicas = "NOREPLICAS Not enough good replicas to write."
)

func (r replControl) Refusal(write, denyStale bool) string {
	n := r.n
	fl := n.repl.flags.Load()
	if n.repl.replica.Load() {
		if write && fl.readOnly {
			return errReadOnly
		}
		if denyStale && !fl.serveStale && !n.repl.st.Linked() {
			return errMasterDown
		}
		return ""
	}
	if write && fl.minReplicas > 0 && fl.minLag > 0 && !fl.sync && n.repl.st.GoodReplicas() < int(fl.minReplicas) {
		return errNoReplicas
	}
	return ""
}

func (r replControl) SnapshotAux() [][2]string {
	id, _, _ := r.n.repl.st.IDs()
	return [][2]string{{"repl-stream-db", "0"}, {"repl-id", id}, {"repl-offset", strconv.FormatInt(r.n.repl.st.Offset(), 10)}}
}

func (r replControl) SyncStats() (int64, int64, int64) {
	st := r.n.repl.st
	return st.SyncFull.Load(), st.SyncPartialOK.Load(), st.SyncPartialErr.Load()
}

// restoreReplication takes the replication ID and offset a snapshot was
// taken at (its repl-id and repl-offset AUX fields), so that a replica
// restarted from it continues from there with a partial resync, and a
// primary restarted from it lets its replicas do so.
func (n *Node) restoreReplication(aux map[string]string) {
	id, off := aux["repl-id"], aux["repl-offset"]
	o, err := strconv.ParseInt(off, 10, 64)
	if len(id) != 40 || err != nil || o < 0 {
		return
	}
	n.repl.st.Restore(id, o, n.cfg.String("replicaof") == "")
	n.attachSink()
	n.log.Info("replication ID and offset restored from the snapshot", "replid", id, "offset", o)
}

// InfoFields are INFO replication's fields, Redis 7.0's, in its order;
// in sync mode each replica line also says whether it is in sync.
func (r replControl) InfoFields() [][2]string {
	n := r.n
	st := n.repl.st
	var out [][2]string
	add := func(k string, v any) { out = append(out, [2]string{k, fmt.Sprint(v)}) }
	n.repl.mu.Lock()
	f := n.repl.follower
	n.repl.mu.Unlock()
	if f != nil {
		add("role", "slave")
		r.followerFields(f, add)
	} else {
		add("role", "master")
	}
	links := st.LinkInfo()
	add("connected_slaves", len(links))
	if fl := n.repl.flags.Load(); fl.minReplicas > 0 && fl.minLag > 0 {
		add("min_slaves_good_slaves", st.GoodReplicas())
	}
	sync := n.repl.flags.Load().sync
	inSync := 0
	for i, l := range links {
		line := fmt.Sprintf("ip=%s,port=%d,state=%s,offset=%d,lag=%d", l.Addr, l.Port, l.State, l.Offset, l.Lag)
		if sync {
			line += fmt.Sprintf(",in_sync=%d", b2i(l.InSync))
		}
		if l.InSync {
			inSync++
		}
		add(fmt.Sprintf("slave%d", i), line)
	}
	if sync {
		add("replicas_in_sync", inSync)
	}
	id, id2, second := st.IDs()
	bl := st.Backlog()
	add("master_failover_state", "no-failover")
	add("master_replid", id)
	add("master_replid2", id2)
	add("master_repl_offset", st.Offset())
	add("second_repl_offset", second)
	add("repl_backlog_active", b2i(bl.Active))
	add("repl_backlog_size", bl.Size)
	add("repl_backlog_first_byte_offset", bl.FirstByteOffset)
	add("repl_backlog_histlen", bl.Histlen)
	return out
}

func (r replControl) followerFields(f *replication.Follower, add func(string, any)) {
	s := f.Status()
	add("master_host", f.Host_)
	add("master_port", f.Port)
	add("master_link_status", map[bool]string{true: "up", false: "down"}[s.Up])
	add("master_last_io_seconds_ago", s.LastIOSecs)
	add("master_sync_in_progress", b2i(s.SyncInProgress))
	off := int64(-1)
	if r.n.repl.st.Active() {
		off = s.AppliedTo
	}
	add("slave_read_repl_offset", off)
	add("slave_repl_offset", off)
	if s.SyncInProgress {
		// Redis's arithmetic, signs and all: -1 bytes in all until the
		// snapshot's header comes, 0 in the EOF-marker form.
		perc := 0.0
		if s.SyncTotal != 0 {
			perc = float64(s.SyncRead) / float64(s.SyncTotal) * 100
		}
		add("master_sync_total_bytes", s.SyncTotal)
		add("master_sync_read_bytes", s.SyncRead)
		add("master_sync_left_bytes", s.SyncTotal-s.SyncRead)
		add("master_sync_perc", fmt.Sprintf("%.2f", perc))
		add("master_sync_last_io_seconds_ago", s.SyncLastIOSecs)
	}
	if !s.Up {
		add("master_link_down_since_seconds", s.DownSinceSecs)
	}
	add("slave_priority", r.n.cfg.Int("replica-priority"))
	add("slave_read_only", b2i(r.n.cfg.Bool("replica-read-only")))
	add("replica_announced", b2i(r.n.cfg.Bool("replica-announced")))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
