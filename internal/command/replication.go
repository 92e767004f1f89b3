package command

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	disk "github.com/shoal-cache/shoal/internal/persist"
	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/scripting"
)

// Replication commands: REPLICAOF/SLAVEOF, ROLE, WAIT, and the ones a
// replica sends its primary (REPLCONF, PSYNC, SYNC). The replication
// itself is internal/replication, wired by the node (node/replication.go)
// behind the Replication interface.

// Replication is the node's replication as commands see it.
type Replication interface {
	// ReplicaOf makes the node a replica of host:port; already reports
	// that it is one of that primary.
	ReplicaOf(host string, port int) (already bool)
	// NoOne makes the node a primary (REPLICAOF NO ONE).
	NoOne()
	// Role is what ROLE reports.
	Role() RoleInfo
	// InfoFields are INFO replication's fields, in order.
	InfoFields() [][2]string
	// Handshake records what a replica told in REPLCONF: its listening
	// port (-1: not told), the address it announces ("": not told) and
	// whether it takes the EOF-marker form of a full sync.
	Handshake(connID int64, port int, ip string, capaEOF bool)
	// PSync starts streaming to a replica (PSYNC, or SYNC when legacy);
	// it returns an error to reply when it cannot.
	PSync(conn Conn, stream ReplStream, id string, offset int64, legacy bool) error
	// Ack records a replica's REPLCONF ACK.
	Ack(connID int64, offset int64)
	// Offset is master_repl_offset.
	Offset() int64
	// Wait calls done with the number of replicas that acknowledged
	// offset once need did or timeout passed; it reports false, never
	// calling done, with the count when no wait is needed.
	Wait(offset int64, need int, timeout time.Duration, done func(int)) (int, bool)
	// Refusal is the error a command gets from replication (READONLY,
	// NOREPLICAS, MASTERDOWN), "" if none.
	Refusal(write, denyStale bool) string
	// NetInputBytes is what this node read from its primaries
	// (total_net_repl_input_bytes).
	NetInputBytes() int64
	// SnapshotAux are the AUX fields a snapshot taken now carries
	// (repl-id, repl-offset); called at the snapshot's instant.
	SnapshotAux() [][2]string
}

// RoleInfo is ROLE's answer.
type RoleInfo struct {
	Replica bool
	// A replica's primary and link state.
	Host   string
	Port   int
	State  string
	Offset int64
	// A primary's replicas.
	Replicas []ReplicaInfo
}

// ReplicaInfo is one replica in ROLE.
type ReplicaInfo struct {
	IP     string
	Port   int
	Offset int64
}

// ReplStream is a connection turned into a replica's stream.
type ReplStream interface {
	Write(p []byte) error
	Close()
	Alive() bool
}

// Streamer is a connection that can become a replica's stream: the
// server's connections are.
type Streamer interface {
	StartStream() ReplStream
}

// ErrNoMasterLink is PSYNC's error on a replica whose own link is down.
var ErrNoMasterLink = errors.New("NOMASTERLINK Can't SYNC while not connected with my master")

// replicaof is REPLICAOF host port | NO ONE (and SLAVEOF).
func replicaof(c *Ctx) {
	repl := c.Node.Repl
	if is(c.Args[1], "no") && is(c.Args[2], "one") {
		if repl != nil {
			repl.NoOne()
		}
		c.W.OK()
		return
	}
	port, ok := parseInt(c.Args[2])
	if !ok || port < 0 || port > 65535 {
		c.Error("ERR Invalid master port")
		return
	}
	if repl == nil {
		c.Error("ERR replication is not available on this node")
		return
	}
	if repl.ReplicaOf(string(c.Args[1]), int(port)) {
		c.W.Simple("OK Already connected to specified master")
		return
	}
	c.W.OK()
}

// role is ROLE.
func role(c *Ctx) {
	var r RoleInfo
	if c.Node.Repl != nil {
		r = c.Node.Repl.Role()
	}
	if r.Replica {
		// Redis reports the offset of its link to the primary, and -1
		// while there is none (any state but connected).
		off := r.Offset
		if r.State != "connected" {
			off = -1
		}
		c.W.Array(5)
		c.W.BulkString("slave")
		c.W.BulkString(r.Host)
		c.W.Int(int64(r.Port))
		c.W.BulkString(r.State)
		c.W.Int(off)
		return
	}
	c.W.Array(3)
	c.W.BulkString("master")
	c.W.Int(r.Offset)
	c.W.Array(len(r.Replicas))
	for _, rep := range r.Replicas {
		c.W.Array(3)
		c.W.BulkString(rep.IP)
		c.W.BulkString(strconv.Itoa(rep.Port))
		c.W.BulkString(strconv.FormatInt(rep.Offset, 10))
	}
}

// replconf is REPLCONF option value ...: what a replica tells its primary.
// ACK has no reply; GETACK is for replicas (their link handles it). The
// options are checked one by one, as Redis does: an error stops at its
// option, ACK and GETACK end the command without a reply.
func replconf(c *Ctx) {
	if len(c.Args)%2 == 0 {
		c.Error(errSyntax)
		return
	}
	repl := c.Node.Repl
	if len(c.Args) == 3 && is(c.Args[1], "shoal-sync") {
		// Shoal's replicas ask whether to acknowledge every batch.
		c.W.Simple(strconv.Itoa(b2i(c.Node.Config.String("replication-mode") == "sync")))
		return
	}
	port, ip, capaEOF := -1, "", false
	for i := 1; i < len(c.Args); i += 2 {
		opt, val := c.Args[i], c.Args[i+1]
		switch {
		case is(opt, "ack"):
			if off, ok := parseInt(val); ok && repl != nil {
				repl.Ack(c.Conn.ID(), off)
			}
			return
		case is(opt, "getack"):
			return
		case is(opt, "listening-port"):
			n, ok := parseInt(val)
			if !ok {
				c.Error(errNotInteger)
				return
			}
			port = int(n)
		case is(opt, "ip-address"):
			if len(val) >= maxAnnouncedIP {
				c.Errorf("ERR REPLCONF ip-address provided by replica instance is too long: %d bytes", len(val))
				return
			}
			ip = string(val)
		case is(opt, "capa"):
			capaEOF = capaEOF || is(val, "eof")
		case is(opt, "rdb-only"):
			if n, ok := parseInt(val); !ok {
				c.Error(errNotInteger)
				return
			} else if n != 0 && n != 1 {
				c.Error("ERR value is out of range, value must between 0 and 1")
				return
			}
		case is(opt, "rdb-filter-only"):
			if msg := rdbFilterRefusal(val); msg != "" {
				c.Error(msg)
				return
			}
		default:
			c.Errorf("ERR Unrecognized REPLCONF option: %s", opt)
			return
		}
	}
	if repl != nil {
		repl.Handshake(c.Conn.ID(), port, ip, capaEOF)
	}
	c.W.OK()
}

// maxAnnouncedIP bounds REPLCONF ip-address as Redis's NET_HOST_STR_LEN
// does (the text plus its NUL must fit 256 bytes).
const maxAnnouncedIP = 256

// rdbFilterRefusal is Redis's error for a REPLCONF rdb-filter-only value
// it would refuse, "" for one it takes: a list, split as redis-cli splits
// a line, of filters among which only "functions" exists. Shoal sends a
// full snapshot whatever the filter (redis-cli --functions-rdb reads the
// functions out of it).
func rdbFilterRefusal(val []byte) string {
	filters, ok := resp.SplitArgs(val, nil)
	if !ok {
		return "ERR Missing rdb-filter-only values"
	}
	for _, f := range filters {
		if !is(f, "functions") {
			return fmt.Sprintf("ERR Unsupported rdb-filter-only option: %s", f)
		}
	}
	return ""
}

// psync is PSYNC replid offset, and sync is SYNC: the connection becomes
// the replica's stream, written by the replication from then on.
func psync(c *Ctx) {
	off, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	startSync(c, string(c.Args[1]), off, false)
}

func syncCmd(c *Ctx) { startSync(c, "?", -1, true) }

func startSync(c *Ctx, id string, off int64, legacy bool) {
	st, ok := c.Conn.(Streamer)
	if c.Node.Repl == nil || !ok {
		c.Error("ERR replication is not available on this connection")
		return
	}
	if c.multi != nil || c.inExec {
		c.Error("ERR Replica can't interact with the keyspace")
		return
	}
	if err := c.Node.Repl.PSync(c.Conn, st.StartStream(), id, off, legacy); err != nil {
		c.Error(err.Error())
		return
	}
	c.replicaLink = true
}

// wait is WAIT numreplicas timeout: it blocks the client until that many
// replicas acknowledged the client's writes, or the timeout (ms, 0: none)
// passes, and replies how many did.
func wait(c *Ctx) {
	repl := c.Node.Repl
	// A replica refuses WAIT before it reads the arguments, as Redis does.
	if repl != nil && repl.Role().Replica {
		c.Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
		return
	}
	need, ok := parseInt(c.Args[1])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	timeout, ok := parseMsTimeout(c, c.Args[2])
	if !ok {
		return
	}
	if repl == nil {
		c.W.Int(0)
		return
	}
	target := min(c.writeOffset(), repl.Offset())
	if c.multi != nil || c.inExec {
		n, _ := repl.Wait(target, 0, 0, nil)
		c.W.Int(int64(n))
		return
	}
	conn := c.Conn
	n, waiting := repl.Wait(target, int(need), time.Duration(timeout)*time.Millisecond, func(n int) {
		conn.Unblock(append(strconv.AppendInt([]byte{':'}, int64(n), 10), '\r', '\n'))
	})
	if !waiting {
		c.W.Int(int64(n))
		return
	}
	conn.Block()
}

// replicationRefusal is READONLY for writes on a read-only replica,
// NOREPLICAS for writes on a primary short of good replicas, MASTERDOWN on
// a replica whose link is down with replica-serve-stale-data no; "" when
// replication lets spec run.
func (c *Ctx) replicationRefusal(spec *Spec) string {
	write := spec.Flags&Write != 0 || spec.exclusive && c.multi != nil && c.multi.flags&Write != 0
	return c.replRefusal(write, spec.Flags&Stale == 0)
}

// replRefusal is the error replication gives a command that writes or
// may not serve stale data, "" if none (or while loading).
func (c *Ctx) replRefusal(write, denyStale bool) string {
	if c.Node.Repl == nil || c.loading {
		return ""
	}
	return c.Node.Repl.Refusal(write, denyStale)
}

// scriptRefusal is what replication refuses a script before it runs, as
// Redis does: a script with flags (a shebang, every function) counts as
// a write unless it declares no-writes and may not serve stale data
// unless it declares allow-stale; EVAL's compatibility mode (no shebang)
// is refused only on a stale replica, its writes inside the script
// (scriptHost.check).
func (c *Ctx) scriptRefusal(flagged bool, flags scripting.Flags) string {
	if !flagged {
		return c.replRefusal(false, true)
	}
	return c.replRefusal(flags&scripting.NoWrites == 0, flags&scripting.AllowStale == 0)
}

// replInputBytes is total_net_repl_input_bytes.
func replInputBytes(c *Ctx) int64 {
	if c.Node.Repl == nil {
		return 0
	}
	return c.Node.Repl.NetInputBytes()
}

// infoReplicationFields writes INFO replication from the node's state.
func infoReplicationFields(w *infoWriter, fields [][2]string) {
	for _, f := range fields {
		w.str(f[0], f[1])
	}
}

// replicationCommands are the family's specs.
func replicationCommands() []*Spec {
	admin := []string{"dangerous"}
	return []*Spec{
		{Name: "replicaof", Arity: 3, Flags: Admin | NoScript | Stale | NoAsyncLoading, Group: "server", Categories: admin,
			Summary: "Make the server a replica of another instance, or promote it as master.", Since: "5.0.0", Handler: replicaof},
		{Name: "slaveof", Arity: 3, Flags: Admin | NoScript | Stale | NoAsyncLoading, Group: "server", Categories: admin,
			Summary: "Make the server a replica of another instance, or promote it as master.", Since: "1.0.0", Handler: replicaof},
		{Name: "role", Arity: 1, Flags: NoScript | Loading | Stale | Fast, Group: "server", Categories: []string{"admin", "dangerous"},
			Summary: "Return the role of the instance in the context of replication", Since: "2.8.12", Handler: role},
		{Name: "replconf", Arity: -1, Flags: Admin | NoScript | Loading | Stale | AllowBusy, Group: "server", Categories: admin,
			Summary: "An internal command for configuring the replication stream", Since: "3.0.0", Handler: replconf},
		{Name: "psync", Arity: -3, Flags: Admin | NoScript | NoAsyncLoading | NoMulti, Group: "server", Categories: admin,
			Summary: "Internal command used for replication", Since: "2.8.0", Handler: psync},
		{Name: "sync", Arity: 1, Flags: Admin | NoScript | NoAsyncLoading | NoMulti, Group: "server", Categories: admin,
			Summary: "Internal command used for replication", Since: "1.0.0", Handler: syncCmd},
		{Name: "wait", Arity: 3, Flags: NoScript, Group: "generic", Categories: []string{"connection"}, OwnCategories: true,
			Summary: "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
			Since:   "3.0.0", Handler: wait},
	}
}

// writeOffset is the stream position after the client's last write (its
// woff in Redis), for WAIT.
func (c *Ctx) writeOffset() int64 { return max(c.woff, c.fedPos) }

// SyncStats are INFO stats' sync_full, sync_partial_ok, sync_partial_err.
type SyncStats interface {
	SyncStats() (full, partialOK, partialErr int64)
}

func (n *Node) replSyncStats() (full, ok, bad int64) {
	if s, is := n.Repl.(SyncStats); is {
		return s.SyncStats()
	}
	return 0, 0, 0
}

// withReplAux makes a snapshot's start also note the replication ID and
// offset at that instant, for the file's AUX fields.
func (n *Node) withReplAux(atStart func()) func() {
	return func() {
		if n.Repl != nil {
			aux := n.Repl.SnapshotAux()
			n.replAux.Store(&aux)
		} else {
			n.replAux.Store(nil)
		}
		if atStart != nil {
			atStart()
		}
	}
}

// appendReplAux appends the AUX fields noted at the snapshot's start.
func (n *Node) appendReplAux(b []byte) []byte {
	p := n.replAux.Load()
	if p == nil {
		return b
	}
	for _, kv := range *p {
		b = appendRDBString(appendRDBString(append(b, disk.OpAux), []byte(kv[0])), []byte(kv[1]))
	}
	return b
}

// ApplyPrimary makes the Replayer apply a primary's stream: on a replica
// it sees the keys that expired by the replica's clock but not yet by a
// DEL from the primary.
func (r *Replayer) ApplyPrimary() { r.ctx.Txn.ApplyPrimary(true) }

// FallibleSink is an EffectSink whose durability may fail (sync
// replication): fail runs instead of done, with the error to reply.
type FallibleSink interface {
	AwaitDurableOrFail(pos int64, done func(), fail func(msg string)) bool
}
