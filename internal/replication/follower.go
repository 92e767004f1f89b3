package replication

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Host is what a Follower needs from its node.
type Host interface {
	// ListeningPort is the port this node serves clients on.
	ListeningPort() int
	// AnnounceIP is the address the primary should show for this node
	// (replica-announce-ip), "" for the one it sees.
	AnnounceIP() string
	// MasterAuth is masterauth / masteruser ("" when unset).
	MasterAuth() (user, pass string)
	// TempDir is where a full sync's snapshot is written before loading.
	TempDir() string
	// SnapshotKeys counts the keys of the snapshot at path.
	SnapshotKeys(path string) (int64, error)
	// HasKeys reports whether the dataset holds a key.
	HasKeys() bool
	// LoadFull replaces the dataset with the snapshot at path.
	LoadFull(path string) error
	// Apply runs one command of the primary's stream.
	Apply(args [][]byte)
}

// Follower state, as ROLE names it.
const (
	FollowConnect    = "connect"
	FollowConnecting = "connecting"
	FollowHandshake  = "handshake"
	FollowSync       = "sync"
	FollowConnected  = "connected"
)

// Follower is this node's link to its primary: it connects, handshakes,
// loads full syncs and applies the stream, again after every failure,
// until stopped.
type Follower struct {
	s     *State
	host  Host
	Host_ string
	Port  int

	cancel context.CancelFunc
	done   chan struct{}

	state   atomic.Value // string
	lastIO  atomic.Int64 // Unix ms of the last byte from the primary
	syncing atomic.Bool
	// syncSize is the size of the full sync's snapshot as Redis reports
	// it (master_sync_total_bytes): -1 until its header came, 0 in the
	// EOF-marker form, else the length.
	syncSize atomic.Int64
	syncRead atomic.Int64
	// consent lets the next full sync replace a dataset with an empty
	// one (an operator's REPLICAOF); without it such a sync is refused.
	consent atomic.Bool
	// Refused counts full syncs refused by that rule.
	Refused atomic.Int64

	wmu  sync.Mutex
	conn net.Conn
	// eager acknowledges after every batch applied (the primary is in
	// sync mode).
	eager bool
}

// Follow starts following host:port. consent is whether an operator
// asked for it (REPLICAOF) rather than the configuration at start.
func (s *State) Follow(host Host, addr string, port int, consent bool) *Follower {
	s.BecomeReplica()
	f := &Follower{s: s, host: host, Host_: addr, Port: port, done: make(chan struct{})}
	f.state.Store(FollowConnect)
	f.consent.Store(consent)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	go f.run(ctx)
	return f
}

// Consent lets the next full sync empty the dataset (REPLICAOF again for
// the same primary).
func (f *Follower) Consent() { f.consent.Store(true) }

// Stop ends the link and waits for its goroutine.
func (f *Follower) Stop() {
	f.cancel()
	f.wmu.Lock()
	if f.conn != nil {
		f.conn.Close()
	}
	f.wmu.Unlock()
	<-f.done
	f.s.setLinked(false)
}

// State is the link's state as ROLE shows it.
func (f *Follower) State() string { return f.state.Load().(string) }

// Status is what INFO replication shows of the link.
type Status struct {
	Up                    bool
	LastIOSecs            int64
	DownSinceSecs         int64
	SyncInProgress        bool
	SyncTotal, SyncRead   int64
	SyncLastIOSecs        int64 // since the last byte of the full sync
	ReadOffset, AppliedTo int64
}

// Status reports the link's state.
func (f *Follower) Status() Status {
	now := time.Now().UnixMilli()
	st := Status{Up: f.State() == FollowConnected, LastIOSecs: -1, DownSinceSecs: -1,
		SyncInProgress: f.syncing.Load(), SyncTotal: f.syncSize.Load(), SyncRead: f.syncRead.Load()}
	if st.SyncInProgress {
		st.SyncLastIOSecs = (now - f.lastIO.Load()) / 1000
	}
	if st.Up {
		st.LastIOSecs = (now - f.lastIO.Load()) / 1000
	} else if d := f.s.downSince(); d != 0 {
		st.DownSinceSecs = (now - d) / 1000
	}
	st.AppliedTo = f.s.Offset()
	st.ReadOffset = st.AppliedTo
	return st
}

func (f *Follower) run(ctx context.Context) {
	defer close(f.done)
	for ctx.Err() == nil {
		err := f.session(ctx)
		f.s.setLinked(false)
		f.state.Store(FollowConnect)
		f.syncing.Store(false)
		if ctx.Err() != nil {
			return
		}
		f.s.log.Warn("connection with primary lost or failed", "primary", f.addr(), "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (f *Follower) addr() string { return net.JoinHostPort(f.Host_, strconv.Itoa(f.Port)) }

// session is one connection to the primary: handshake, sync, stream.
func (f *Follower) session(ctx context.Context) error {
	f.state.Store(FollowConnecting)
	set := f.s.Settings()
	d := net.Dialer{Timeout: set.Timeout}
	if ip := net.ParseIP(set.SourceAddr); ip != nil {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	conn, err := d.DialContext(ctx, "tcp", f.addr())
	if err != nil {
		return err
	}
	f.wmu.Lock()
	f.conn = conn
	f.wmu.Unlock()
	defer conn.Close()
	in := socketReader{conn: conn, timeout: set.Timeout, n: &f.s.NetIn, lastIO: &f.lastIO}
	l := &linkIO{conn: conn, br: bufio.NewReaderSize(in, 64<<10), f: f}
	f.state.Store(FollowHandshake)
	if err := f.handshake(l); err != nil {
		return err
	}
	full, err := f.psync(l)
	if err != nil {
		return err
	}
	if full != nil {
		if err := f.fullSync(l, full); err != nil {
			return err
		}
	}
	f.state.Store(FollowConnected)
	f.s.setLinked(true)
	f.s.log.Info("primary link up: replicating", "primary", f.addr(), "offset", f.s.Offset())
	return f.stream(ctx, l)
}

// linkIO is the connection to the primary, read through a socketReader.
type linkIO struct {
	conn net.Conn
	br   *bufio.Reader
	f    *Follower
}

func (l *linkIO) send(args ...string) error {
	var b []byte
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	b = resp.AppendCommand(b, bs...)
	return l.f.write(b)
}

// line reads one reply line, skipping the newlines a primary sends as
// keepalives while it prepares a sync.
func (l *linkIO) line() (string, error) {
	for {
		s, err := l.br.ReadString('\n')
		if err != nil {
			return "", err
		}
		if s = strings.TrimRight(s, "\r\n"); s != "" {
			return s, nil
		}
	}
}

func (l *linkIO) expect(args ...string) error {
	if err := l.send(args...); err != nil {
		return err
	}
	reply, err := l.line()
	if err != nil {
		return err
	}
	if strings.HasPrefix(reply, "-") {
		return fmt.Errorf("primary replied to %s: %s", args[0], reply[1:])
	}
	return nil
}

func (f *Follower) write(b []byte) error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if f.conn == nil {
		return net.ErrClosed
	}
	f.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := f.conn.Write(b)
	return err
}

// handshake is Redis's: PING, AUTH, REPLCONF listening-port and capa.
func (f *Follower) handshake(l *linkIO) error {
	if err := l.send("PING"); err != nil {
		return err
	}
	reply, err := l.line()
	if err != nil {
		return err
	}
	// A primary that wants AUTH answers NOAUTH to PING: fine, AUTH comes.
	if strings.HasPrefix(reply, "-") && !strings.HasPrefix(reply, "-NOAUTH") && !strings.HasPrefix(reply, "-NOPERM") &&
		!strings.HasPrefix(reply, "-ERR operation not permitted") {
		return fmt.Errorf("error reply to PING from primary: %s", reply)
	}
	if user, pass := f.host.MasterAuth(); pass != "" {
		args := []string{"AUTH", pass}
		if user != "" {
			args = []string{"AUTH", user, pass}
		}
		if err := l.expect(args...); err != nil {
			return err
		}
	}
	if err := l.expect("REPLCONF", "listening-port", strconv.Itoa(f.host.ListeningPort())); err != nil {
		return err
	}
	if ip := f.host.AnnounceIP(); ip != "" {
		if err := l.expect("REPLCONF", "ip-address", ip); err != nil {
			return err
		}
	}
	if err := l.expect("REPLCONF", "capa", "eof", "capa", "psync2"); err != nil {
		return err
	}
	return f.askAckMode(l)
}

// askAckMode asks a Shoal primary whether it runs in sync mode, where it
// needs an acknowledgement after every batch applied rather than every
// second (Redis primaries answer an error: every second it is). The
// primary drops its replicas when its mode changes, so they ask again.
func (f *Follower) askAckMode(l *linkIO) error {
	if err := l.send("REPLCONF", "shoal-sync", "?"); err != nil {
		return err
	}
	reply, err := l.line()
	if err != nil {
		return err
	}
	f.eager = reply == "+1"
	return nil
}

// fullStart is a +FULLRESYNC's ID and offset.
type fullStart struct {
	id  string
	off int64
}

// psync asks to continue from the offset this node is at; it returns nil
// when the primary continues, else where the full sync starts.
func (f *Follower) psync(l *linkIO) (*fullStart, error) {
	id, _, _ := f.s.IDs()
	off := f.s.Offset() + 1
	if !f.s.Active() {
		id, off = "?", -1
	}
	if err := l.send("PSYNC", id, strconv.FormatInt(off, 10)); err != nil {
		return nil, err
	}
	reply, err := l.line()
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(reply)
	switch {
	case fields[0] == "+CONTINUE":
		newID := ""
		if len(fields) > 1 {
			newID = fields[1]
		}
		f.s.Continued(newID)
		f.s.log.Info("successful partial resynchronization with primary", "primary", f.addr(), "offset", off)
		return nil, nil
	case fields[0] == "+FULLRESYNC" && len(fields) == 3:
		o, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad FULLRESYNC reply: %q", reply)
		}
		return &fullStart{fields[1], o}, nil
	}
	return nil, fmt.Errorf("unexpected reply to PSYNC from primary: %q", reply)
}

// fullSync receives the snapshot to a temporary file (the dataset is
// served meanwhile), checks that it may replace the dataset, and loads it.
func (f *Follower) fullSync(l *linkIO, start *fullStart) error {
	f.syncSize.Store(-1)
	f.syncRead.Store(0)
	f.state.Store(FollowSync)
	f.syncing.Store(true)
	defer f.syncing.Store(false)
	path, err := f.receive(l)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	if err := f.mayReplace(path); err != nil {
		return err
	}
	f.s.log.Info("loading the dataset from the primary", "primary", f.addr())
	if err := f.host.LoadFull(path); err != nil {
		return fmt.Errorf("loading the primary's snapshot: %w", err)
	}
	f.s.FullSynced(start.id, start.off)
	f.consent.Store(false)
	return nil
}

// ErrEmptyPrimary refuses a full sync that would replace a dataset with
// an empty one without an operator's say.
var ErrEmptyPrimary = errors.New("refusing a full sync from a primary with an empty dataset: this replica holds keys " +
	"(a primary restarted without persistence?); run REPLICAOF host port again to accept it")

// mayReplace is the safety rule: a replica that holds keys does not let
// an empty snapshot wipe them unless an operator asked for this primary.
func (f *Follower) mayReplace(path string) error {
	if f.consent.Load() || !f.host.HasKeys() {
		return nil
	}
	keys, err := f.host.SnapshotKeys(path)
	if err != nil {
		return err
	}
	if keys == 0 {
		f.Refused.Add(1)
		return ErrEmptyPrimary
	}
	return nil
}

// receive writes the snapshot the primary sends to a temporary file:
// "$len" then len bytes, or "$EOF:<mark>" then bytes up to the mark.
func (f *Follower) receive(l *linkIO) (string, error) {
	head, err := l.line()
	if err != nil {
		return "", err
	}
	if len(head) < 2 || head[0] != '$' {
		return "", fmt.Errorf("bad bulk header from primary: %q", head)
	}
	tmp, err := os.CreateTemp(f.host.TempDir(), fmt.Sprintf("temp-%d-*.rdb", os.Getpid()))
	if err != nil {
		return "", err
	}
	defer tmp.Close()
	w := bufio.NewWriterSize(tmp, 256<<10)
	if mark, ok := strings.CutPrefix(head, "$EOF:"); ok {
		f.syncSize.Store(0)
		err = f.copyToMark(l, w, []byte(mark))
	} else {
		n, perr := strconv.ParseInt(head[1:], 10, 64)
		if perr != nil || n < 0 {
			err = fmt.Errorf("bad bulk length from primary: %q", head)
		} else {
			f.syncSize.Store(n)
			err = f.copyN(l, w, n)
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

func (f *Follower) copyN(l *linkIO, w io.Writer, n int64) error {
	buf := make([]byte, 64<<10)
	for n > 0 {
		k, err := l.br.Read(buf[:min(int64(len(buf)), n)])
		if k > 0 {
			f.syncRead.Add(int64(k))
			if _, werr := w.Write(buf[:k]); werr != nil {
				return werr
			}
			n -= int64(k)
		}
		if err != nil && n > 0 {
			return err
		}
	}
	return nil
}

// copyToMark copies bytes until the mark, which ends the snapshot. It
// consumes nothing past the mark: the command stream may follow in the
// same read. The last len(mark)-1 bytes seen are held back, in case the
// mark straddles two reads.
func (f *Follower) copyToMark(l *linkIO, w io.Writer, mark []byte) error {
	var held []byte
	for {
		if _, err := l.br.Peek(1); err != nil {
			return err
		}
		chunk, _ := l.br.Peek(l.br.Buffered())
		data := append(held, chunk...)
		if i := bytes.Index(data, mark); i >= 0 {
			used := i + len(mark) - len(held) // bytes of chunk up to the mark's end
			f.syncRead.Add(int64(used))
			l.br.Discard(used)
			_, err := w.Write(data[:i])
			return err
		}
		keep := min(len(data), len(mark)-1)
		if _, err := w.Write(data[:len(data)-keep]); err != nil {
			return err
		}
		held = append(held[:0], data[len(data)-keep:]...)
		f.syncRead.Add(int64(len(chunk)))
		l.br.Discard(len(chunk))
	}
}

// stream applies the primary's commands as they come, acknowledging the
// offset after each batch read and every second.
func (f *Follower) stream(ctx context.Context, l *linkIO) error {
	stop := make(chan struct{})
	defer close(stop)
	go f.ackEverySecond(stop)
	r := &commandReader{br: l.br}
	inMulti := false
	for ctx.Err() == nil {
		args, size, err := r.next()
		if err != nil {
			return err
		}
		if int64(len(r.raw)) != size {
			return errProtocol
		}
		f.apply(args, r.raw, &inMulti)
		if f.eager && l.br.Buffered() == 0 {
			f.ack()
		}
	}
	return ctx.Err()
}

// apply runs one command and appends its bytes to this node's stream at
// the moment its effect is applied (State.Feed takes the pending bytes),
// so a snapshot taken for a sub-replica is at an offset that matches its
// content. A MULTI block's bytes wait for its EXEC.
func (f *Follower) apply(args [][]byte, raw []byte, inMulti *bool) {
	s := f.s
	s.addPending(raw)
	if len(args) == 0 {
		s.flushPending()
		return
	}
	name := args[0]
	switch {
	case bytes.EqualFold(name, wordREPLCONF) && len(args) >= 2 && bytes.EqualFold(args[1], wordGETACK):
		s.flushPending()
		f.ack()
		return
	case bytes.EqualFold(name, wordMULTI):
		*inMulti = true
	case bytes.EqualFold(name, wordEXEC) || bytes.EqualFold(name, wordDISCARD):
		*inMulti = false
	}
	f.host.Apply(args)
	if !*inMulti {
		s.flushPending()
	}
}

func (f *Follower) ack() {
	off := strconv.FormatInt(f.s.Offset(), 10)
	f.write(resp.AppendCommand(nil, wordREPLCONF, wordACK, []byte(off)))
}

func (f *Follower) ackEverySecond(stop chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			f.ack()
		}
	}
}

// socketReader reads the link's socket for its bufio.Reader. Before each
// read it renews the read deadline, so repl-timeout bounds a silence of
// the primary however the bytes split into commands (once per read, not
// per command: a read brings many); it counts the bytes into n and notes
// when they came in lastIO (master_last_io_seconds_ago).
type socketReader struct {
	conn    net.Conn
	timeout time.Duration
	n       *atomic.Int64
	lastIO  *atomic.Int64
}

func (s socketReader) Read(p []byte) (int, error) {
	if s.timeout > 0 {
		s.conn.SetReadDeadline(time.Now().Add(s.timeout))
	}
	k, err := s.conn.Read(p)
	if k > 0 {
		s.n.Add(int64(k))
		s.lastIO.Store(time.Now().UnixMilli())
	}
	return k, err
}
