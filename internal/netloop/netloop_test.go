package netloop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// echo answers every read with the same bytes, and checks that no two
// callbacks of one connection ever overlap (the race detector checks
// the rest of "owner only").
type echo struct {
	opened, moved, closed atomic.Int64
	greeting              []byte
	refuse                bool
}

type echoState struct {
	inside  atomic.Bool
	onLoops map[*Loop]bool // loops the connection ran on; owner only
}

func (e *echo) enter(t *Conn) *echoState {
	st := t.Context().(*echoState)
	if !st.inside.CompareAndSwap(false, true) {
		panic("two callbacks of one connection at once")
	}
	st.onLoops[t.Loop()] = true
	return st
}

func (e *echo) OnOpen(c *Conn) ([]byte, bool) {
	e.opened.Add(1)
	c.SetContext(&echoState{onLoops: map[*Loop]bool{}})
	return e.greeting, e.refuse
}

func (e *echo) OnData(c *Conn, data []byte) bool {
	st := e.enter(c)
	defer st.inside.Store(false)
	if bytes.Equal(data, []byte("quit\n")) {
		return true
	}
	c.Write(data)
	return false
}

func (e *echo) OnMove(c *Conn) {
	st := e.enter(c)
	e.moved.Add(1)
	st.inside.Store(false)
}

func (e *echo) OnClose(c *Conn, err error) {
	st := e.enter(c)
	e.closed.Add(1)
	st.inside.Store(false)
}

func start(t *testing.T, h Handler, opts Options) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0", h, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dial(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestEchoAndClose(t *testing.T) {
	h := &echo{}
	s := start(t, h, Options{Loops: 2})
	c := dial(t, s)
	r := bufio.NewReader(c)
	for i := range 100 {
		line := fmt.Sprintf("line %d\n", i)
		if _, err := io.WriteString(c, line); err != nil {
			t.Fatal(err)
		}
		got, err := r.ReadString('\n')
		if err != nil || got != line {
			t.Fatalf("echo %q = %q, %v", line, got, err)
		}
	}
	io.WriteString(c, "quit\n")
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("after quit: read %v, want EOF", err)
	}
	waitFor(t, "OnClose", func() bool { return h.closed.Load() == 1 })
}

func TestGreetingThenClose(t *testing.T) {
	h := &echo{greeting: []byte("-ERR max number of clients reached\r\n"), refuse: true}
	s := start(t, h, Options{Loops: 1})
	c := dial(t, s)
	got, err := io.ReadAll(c)
	if err != nil || string(got) != string(h.greeting) {
		t.Fatalf("read %q, %v; want the greeting then EOF", got, err)
	}
}

// A client that does not read: the loop keeps what the socket does not
// take and sends it once the client reads, also after the connection
// moved to another loop meanwhile.
func TestSlowReaderAcrossMoves(t *testing.T) {
	h := &echo{}
	s := start(t, h, Options{Loops: 2})
	c := dial(t, s)
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KB
	var sent bytes.Buffer
	done := make(chan error, 1)
	go func() {
		for i := range 64 { // 4 MB, far more than the socket buffers
			b := append([]byte{byte('A' + i%26)}, chunk[1:]...)
			sent.Write(b)
			if _, err := c.Write(b); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	// The echo backs up in the loop's output while the client is not
	// reading; move the connection back and forth meanwhile.
	time.Sleep(50 * time.Millisecond)
	for i := range 6 {
		l := s.loops[i%2]
		l.post(func() { l.shed(0) })
		time.Sleep(10 * time.Millisecond)
	}
	got := make([]byte, 0, 64*len(chunk))
	buf := make([]byte, 1<<16)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for len(got) < 64*len(chunk) {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		got = append(got, buf[:n]...)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent.Bytes()) {
		t.Fatal("echoed bytes differ from those sent")
	}
	if s.Moves() == 0 {
		t.Fatal("the connection never moved")
	}
}

// What goroutines queue with AsyncWrite arrives in their order, whole,
// while the connections move between loops under them.
func TestAsyncWritesKeepOrderWhileMoving(t *testing.T) {
	h := &echo{}
	s := start(t, h, Options{Loops: 3})
	const clients, messages = 6, 3000
	var conns []*Conn
	var peers []net.Conn
	for range clients {
		peers = append(peers, dial(t, s))
	}
	waitFor(t, "every connection open", func() bool { return h.opened.Load() == clients })
	// Find the server side of each connection through an echo: the
	// loops know them by descriptor only.
	for _, l := range s.loops {
		l := l
		got := make(chan []*Conn)
		l.post(func() {
			var cs []*Conn
			for _, c := range l.conns {
				cs = append(cs, c)
			}
			got <- cs
		})
		conns = append(conns, <-got...)
	}
	if len(conns) != clients {
		t.Fatalf("found %d connections, want %d", len(conns), clients)
	}
	var calls atomic.Int64
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range messages {
				msg := []byte(strconv.Itoa(i) + "\n")
				if err := c.AsyncWrite(msg, func(*Conn, error) { calls.Add(1) }); err != nil {
					t.Errorf("AsyncWrite: %v", err)
					return
				}
			}
		}()
	}
	stopMoving := make(chan struct{})
	moved := make(chan struct{})
	go func() {
		defer close(moved)
		for i := 0; ; i++ {
			select {
			case <-stopMoving:
				return
			default:
			}
			s.SetActive(1 + i%3)
			time.Sleep(time.Millisecond)
		}
	}()
	for i, p := range peers {
		r := bufio.NewReader(p)
		p.SetReadDeadline(time.Now().Add(20 * time.Second))
		for want := range messages {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("client %d, message %d: %v", i, want, err)
			}
			if line != strconv.Itoa(want)+"\n" {
				t.Fatalf("client %d: got %q, want %d", i, line, want)
			}
		}
	}
	close(stopMoving)
	<-moved
	wg.Wait()
	waitFor(t, "every callback", func() bool { return calls.Load() == clients*messages })
	if s.Moves() == 0 || h.moved.Load() == 0 {
		t.Fatalf("moves %d, OnMove %d: nothing moved", s.Moves(), h.moved.Load())
	}
}

// Close from another goroutine sends what was queued before it, and
// AsyncWrite after it fails.
func TestCloseAfterQueuedWrites(t *testing.T) {
	h := &echo{}
	s := start(t, h, Options{Loops: 1})
	p := dial(t, s)
	waitFor(t, "open", func() bool { return h.opened.Load() == 1 })
	var c *Conn
	got := make(chan *Conn)
	s.loops[0].post(func() {
		for _, x := range s.loops[0].conns {
			got <- x
		}
	})
	c = <-got
	var failed atomic.Bool
	c.AsyncWrite([]byte("one\n"), nil)
	c.AsyncWrite([]byte("two\n"), nil)
	c.Close()
	if err := c.AsyncWrite([]byte("three\n"), nil); err == nil {
		failed.Store(true)
	}
	all, err := io.ReadAll(p)
	if err != nil || string(all) != "one\ntwo\n" {
		t.Fatalf("read %q, %v; want the two queued writes then EOF", all, err)
	}
	if failed.Load() {
		t.Fatal("AsyncWrite after Close succeeded")
	}
	waitFor(t, "OnClose", func() bool { return h.closed.Load() == 1 })
}

// Server.Close closes every connection, each OnClose once, and frees the
// port.
func TestServerClose(t *testing.T) {
	h := &echo{}
	s, err := Listen("127.0.0.1:0", h, Options{Loops: 2})
	if err != nil {
		t.Fatal(err)
	}
	var peers []net.Conn
	for range 10 {
		peers = append(peers, dial(t, s))
	}
	waitFor(t, "open", func() bool { return h.opened.Load() == 10 })
	s.Close()
	if h.closed.Load() != 10 {
		t.Fatalf("OnClose ran %d times, want 10", h.closed.Load())
	}
	for _, p := range peers {
		p.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := p.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("client read %v after Close, want EOF", err)
		}
	}
	ln, err := net.Listen("tcp", s.Addr().String())
	if err != nil {
		t.Fatalf("port still taken after Close: %v", err)
	}
	ln.Close()
}

// The balancer adds a loop under load when processors are idle and
// gives it back when the load stops.
func TestBalancerGrowsAndShrinks(t *testing.T) {
	h := &busyEcho{spin: 200 * time.Microsecond}
	s := start(t, h, Options{Loops: 2, Adaptive: true})
	if s.Active() != 1 {
		t.Fatalf("active loops at start: %d, want 1", s.Active())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		p := dial(t, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 16)
			for {
				select {
				case <-stop:
					return
				default:
				}
				p.Write([]byte("x"))
				p.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := p.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	cpu, _ := readCPU()
	for s.Active() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	grew := s.Active()
	now, ok := readCPU()
	close(stop)
	wg.Wait()
	if grew < 2 {
		if idle := now.idleSince(cpu); !ok || idle < idleToGrow {
			t.Skipf("machine too busy to show growth (%.2f processors idle)", idle)
		}
		t.Fatalf("active loops stayed %d under a saturating load", grew)
	}
	waitFor(t, "the loop given back", func() bool { return s.Active() == 1 })
}

// busyEcho spends spin of CPU on every read, to saturate a loop.
type busyEcho struct {
	echo
	spin time.Duration
}

func (b *busyEcho) OnData(c *Conn, data []byte) bool {
	for start := time.Now(); time.Since(start) < b.spin; {
	}
	c.Write(data)
	return false
}

// An address without a host listens on every address: IPv4 loopback
// reaches it (and IPv6 loopback too where the machine has IPv6).
func TestListenWithoutHost(t *testing.T) {
	s2, err := Listen(":0", &echo{}, Options{Loops: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	port := strconv.Itoa(s2.Addr().Port)
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatalf("IPv4 loopback: %v", err)
	}
	c.Close()
	if c6, err := net.Dial("tcp", "[::1]:"+port); err == nil {
		c6.Close()
	} else if s2.Addr().IP.To4() == nil {
		t.Fatalf("an IPv6 socket that IPv6 loopback cannot reach: %v", err)
	}
}

// holder echoes as echo does and records, for each write, how much output
// the connection held right after it; "bye\n" is echoed and then closes
// the connection.
type holder struct {
	echo
	mu   sync.Mutex
	held []int
}

func (h *holder) OnData(c *Conn, data []byte) bool {
	if bytes.Equal(data, []byte("big\n")) {
		data = bytes.Repeat([]byte("x"), deferLimit)
	}
	c.Write(data)
	h.mu.Lock()
	h.held = append(h.held, c.OutboundBuffered())
	h.mu.Unlock()
	return bytes.Equal(data, []byte("bye\n"))
}

// takeHeld returns the records so far and starts anew.
func (h *holder) takeHeld() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	held := h.held
	h.held = nil
	return held
}

// A reply waits in the connection until the loop has read every client
// ready in its poll, and then reaches the client whole; one as large as
// deferLimit is written at once; a reply before a close is sent.
func TestOutputHeldUntilThePollEnds(t *testing.T) {
	h := &holder{}
	s := start(t, h, Options{Loops: 1})
	const clients = 8
	var peers []net.Conn
	for range clients {
		peers = append(peers, dial(t, s))
	}
	for round := range 50 {
		for i, p := range peers {
			fmt.Fprintf(p, "%d %d\n", round, i)
		}
		for i, p := range peers {
			p.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, err := bufio.NewReader(p).ReadString('\n')
			if want := fmt.Sprintf("%d %d\n", round, i); err != nil || line != want {
				t.Fatalf("client %d: got %q, %v; want %q", i, line, err, want)
			}
		}
	}
	for i, n := range h.takeHeld() {
		if n == 0 {
			t.Fatalf("write %d went to the socket during the poll", i)
		}
	}

	p := peers[0]
	io.WriteString(p, "big\n")
	got := 0
	buf := make([]byte, 1<<16)
	p.SetReadDeadline(time.Now().Add(5 * time.Second))
	for got < deferLimit {
		n, err := p.Read(buf)
		if err != nil {
			t.Fatalf("after %d of %d bytes: %v", got, deferLimit, err)
		}
		got += n
	}
	var held []int
	waitFor(t, "the big reply's record", func() bool {
		held = append(held, h.takeHeld()...)
		return len(held) > 0
	})
	if held[0] == deferLimit {
		t.Fatalf("a %d-byte reply was held whole", deferLimit)
	}

	q := peers[1]
	io.WriteString(q, "bye\n")
	r := bufio.NewReader(q)
	q.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, err := r.ReadString('\n'); err != nil || line != "bye\n" {
		t.Fatalf("reply before the close: %q, %v", line, err)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("after the close: %v, want EOF", err)
	}
}
