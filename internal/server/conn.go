package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/resp"
)

// flushThreshold bounds the replies buffered within one batch, so a client
// that pipelines thousands of large GETs does not make the server hold
// them all.
const flushThreshold = 256 * 1024

// conn is one client connection. Its fields are written by its own
// goroutine; those other clients read (CLIENT LIST) are atomics or under mu.
type conn struct {
	srv *Server
	nc  net.Conn
	id  int64

	rd  *resp.Reader
	wr  *resp.Writer
	ctx command.Ctx

	db, proto  atomic.Int32
	authed     atomic.Bool
	created    time.Time
	lastActive atomic.Int64 // Unix ms
	qbufLen    atomic.Int64
	lastCmd    atomic.Pointer[command.Spec]
	noEvict    atomic.Bool

	mu      sync.Mutex
	name    string
	user    string
	libName string
	libVer  string

	fd int
	// deadlineSet tells armTimeout a read deadline may be in force.
	deadlineSet bool
	killed      atomic.Bool
	closeAfter  bool
}

func newConn(s *Server, nc net.Conn, id int64) *conn {
	c := &conn{srv: s, nc: nc, id: id, created: time.Now(), user: "default"}
	c.rd = resp.NewReader(countingReader{nc, &s.netIn})
	c.wr = resp.NewWriter(countingWriter{nc, &s.netOut})
	c.proto.Store(2)
	c.authed.Store(s.node.Config.String("requirepass") == "")
	c.lastActive.Store(c.created.UnixMilli())
	c.fd = fileDescriptor(nc)
	c.ctx = command.Ctx{W: c.wr, Conn: c, Node: s.node, Txn: s.node.Engine.NewTxn()}
	return c
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// serve runs the connection's read–execute–flush loop: every complete
// command in the read buffer is executed before the replies are flushed
// once, so a pipelined batch costs one read and one write.
func (c *conn) serve() {
	defer c.nc.Close()
	for {
		c.rd.AuthRequired = !c.authed.Load()
		args, err := c.rd.Next()
		switch {
		case err == nil:
			if len(args) == 0 {
				continue
			}
			c.exec(args)
			if c.closeAfter || c.killed.Load() {
				c.wr.Flush()
				return
			}
			if c.wr.Len() > flushThreshold && c.wr.Flush() != nil {
				return
			}
		case errors.Is(err, resp.ErrIncomplete):
			if c.wr.Flush() != nil || !c.fill() {
				return
			}
		default:
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				c.wr.Error("ERR " + pe.Error())
				c.wr.Flush()
				c.srv.log.Debug("closing client after protocol error", "client", c.id, "addr", c.Addr(), "error", pe.Msg)
			}
			return
		}
	}
}

// fill waits for more input, enforcing the idle timeout and the query
// buffer limit. It reports false when the connection should close.
func (c *conn) fill() bool {
	cfg := c.srv.node.Config
	c.rd.MaxBulkLen = cfg.Int("proto-max-bulk-len")
	c.armTimeout()
	err := c.rd.Fill()
	c.qbufLen.Store(int64(c.rd.Buffered()))
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.srv.log.Debug("closing idle client", "client", c.id, "addr", c.Addr())
		}
		return false
	}
	if int64(c.rd.Buffered()) > cfg.Int("client-query-buffer-limit") {
		c.srv.log.Warn("closing client that reached max query buffer length", "client", c.id, "addr", c.Addr(), "qbuf", c.rd.Buffered())
		return false
	}
	now := time.Now()
	c.lastActive.Store(now.UnixMilli())
	c.ctx.StartBatch(now)
	return true
}

// armTimeout sets the idle deadline for the coming read when a timeout is
// configured; with none, the deadline is cleared once rather than on
// every read, which would cost a poller update per batch.
func (c *conn) armTimeout() {
	if t := c.srv.node.Config.Int("timeout"); t > 0 {
		c.nc.SetReadDeadline(time.Now().Add(time.Duration(t) * time.Second))
		c.deadlineSet = true
	} else if c.deadlineSet {
		c.nc.SetReadDeadline(time.Time{})
		c.deadlineSet = false
	}
}

func (c *conn) exec(args [][]byte) {
	c.ctx.Args = args
	c.srv.node.Table.Exec(&c.ctx)
}

// NoteCommand records the command about to run for CLIENT LIST's cmd
// field. Redis records it before running it, so CLIENT INFO shows itself
// and a command that does not exist shows as NULL.
func (c *conn) NoteCommand(s *command.Spec) {
	if c.lastCmd.Load() != s {
		c.lastCmd.Store(s)
	}
}

// The command.Conn interface.

func (c *conn) ID() int64 { return c.id }

func (c *conn) Name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

func (c *conn) SetName(n string) {
	c.mu.Lock()
	c.name = n
	c.mu.Unlock()
}

func (c *conn) DB() int           { return int(c.db.Load()) }
func (c *conn) SetDB(i int)       { c.db.Store(int32(i)) }
func (c *conn) Proto() int        { return int(c.proto.Load()) }
func (c *conn) SetNoEvict(b bool) { c.noEvict.Store(b) }

func (c *conn) SetProto(p int) {
	c.proto.Store(int32(p))
	c.wr.Proto = p
}

func (c *conn) User() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

func (c *conn) Authenticated() bool { return c.authed.Load() }

func (c *conn) Authenticate(user string) {
	c.mu.Lock()
	c.user = user
	c.mu.Unlock()
	c.authed.Store(true)
}

func (c *conn) SetLib(name, version string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name != "" {
		c.libName = name
	}
	if version != "" {
		c.libVer = version
	}
}

func (c *conn) Addr() string      { return c.nc.RemoteAddr().String() }
func (c *conn) LocalAddr() string { return c.nc.LocalAddr().String() }

// Kill closes the socket; the connection's goroutine then ends.
func (c *conn) Kill() {
	if c.killed.CompareAndSwap(false, true) {
		c.nc.Close()
	}
}

func (c *conn) CloseAfterReply() { c.closeAfter = true }

// RefreshTimeout re-arms the idle deadline from the current timeout
// directive. CONFIG SET timeout calls it on every client, so that one
// already idle when the timeout is set is closed too, as Redis's
// clientsCron closes it.
func (c *conn) RefreshTimeout() {
	if t := c.srv.node.Config.Int("timeout"); t > 0 {
		c.nc.SetReadDeadline(time.UnixMilli(c.lastActive.Load()).Add(time.Duration(t) * time.Second))
	} else {
		c.nc.SetReadDeadline(time.Time{})
	}
}

func (c *conn) Reset() {
	c.SetDB(0)
	c.SetProto(2)
	c.SetName("")
	c.mu.Lock()
	c.user = "default"
	c.mu.Unlock()
	c.authed.Store(c.srv.node.Config.String("requirepass") == "")
}

// Info formats the client as a CLIENT LIST line, with Redis's fields.
func (c *conn) Info() string {
	now := time.Now()
	cmd := "NULL"
	if s := c.lastCmd.Load(); s != nil {
		cmd = s.FullName()
	}
	flags := "N"
	if c.noEvict.Load() {
		flags = "e"
	}
	c.mu.Lock()
	name, user, libName, libVer := c.name, c.user, c.libName, c.libVer
	c.mu.Unlock()
	qbuf := c.qbufLen.Load()
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d sub=0 psub=0 ssub=0 multi=-1 "+
		"qbuf=%d qbuf-free=%d argv-mem=0 multi-mem=0 rbs=%d rbp=0 obl=0 oll=0 omem=0 tot-mem=%d events=r cmd=%s user=%s redir=-1 resp=%d lib-name=%s lib-ver=%s",
		c.id, c.Addr(), c.LocalAddr(), c.fd, name, int64(now.Sub(c.created).Seconds()),
		(now.UnixMilli()-c.lastActive.Load())/1000, flags, c.DB(), qbuf, max(0, 16384-qbuf), 16384, 16384+qbuf,
		cmd, user, c.Proto(), libName, libVer)
}

// fileDescriptor returns the socket's descriptor for CLIENT LIST's fd field.
func fileDescriptor(nc net.Conn) int {
	fd := -1
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			raw.Control(func(f uintptr) { fd = int(f) })
		}
	}
	return fd
}
