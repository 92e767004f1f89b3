package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// waitFDs waits until the process has want descriptors open.
func waitFDs(t *testing.T, want int, what string) {
	t.Helper()
	waitFDsUntil(t, func(n int) bool { return n == want }, fmt.Sprint(want), what)
}

// waitFDsClosed waits until the process has at most before descriptors
// open: whatever was opened since is closed. At most, not exactly: the
// test process's other descriptors (a client pool's idle connection, the
// runtime's) may close meanwhile (seen once in four -race runs).
func waitFDsClosed(t *testing.T, before int, what string) {
	t.Helper()
	waitFDsUntil(t, func(n int) bool { return n <= before }, fmt.Sprint("at most ", before), what)
}

func waitFDsUntil(t *testing.T, ok func(int) bool, want, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(openFDs(t)) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d descriptors open, want %s", what, openFDs(t), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// feed is a fake replica's side of its primary's stream: a goroutine
// reads it, passes on the keys SET, and in sync mode acknowledges each
// command as a replica does.
type feed struct {
	r    *testserver.Raw
	keys chan string
	gone chan struct{} // closed once the primary closed the connection
}

// fakeReplica connects to s as a replica, reads the full sync's snapshot
// and follows the command stream, acknowledging it if ack.
func fakeReplica(t *testing.T, s *testserver.Server, ack bool) *feed {
	t.Helper()
	r := s.Raw(t)
	if got := r.Do("REPLCONF", "listening-port", "7000"); got != "+OK\r\n" {
		t.Fatalf("REPLCONF: %q", got)
	}
	r.Send("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
	line := r.ReadLine()
	var id string
	var off int64
	if _, err := fmt.Sscanf(line, "+FULLRESYNC %s %d", &id, &off); err != nil {
		t.Fatalf("PSYNC: %q", line)
	}
	var n int
	if _, err := fmt.Sscanf(r.ReadLine(), "$%d", &n); err != nil {
		t.Fatalf("snapshot length: %v", err)
	}
	if _, err := io.CopyN(io.Discard, r.R, int64(n)); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	r.Conn.SetReadDeadline(time.Time{})
	f := &feed{r: r, keys: make(chan string, 1<<16), gone: make(chan struct{})}
	go func() {
		defer close(f.gone)
		for {
			args, size, err := readCommand(r.R)
			if err != nil {
				return
			}
			off += int64(size)
			if len(args) == 3 && strings.EqualFold(args[0], "SET") {
				f.keys <- args[1]
			}
			if ack && r.R.Buffered() == 0 {
				a := strconv.FormatInt(off, 10)
				if _, err := fmt.Fprintf(r.Conn, "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n", len(a), a); err != nil {
					return
				}
			}
		}
	}()
	return f
}

// readCommand reads one command of the stream: its arguments and its
// size in bytes.
func readCommand(br *bufio.Reader) ([]string, int, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, 0, err
	}
	size := len(line)
	if !strings.HasPrefix(line, "*") {
		return nil, size, nil // a newline keepalive
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	args := make([]string, 0, n)
	for range n {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, 0, err
		}
		l, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		buf := make([]byte, l+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, 0, err
		}
		size += len(line) + len(buf)
		args = append(args, string(buf[:l]))
	}
	return args, size, nil
}

// readStream returns the keys SET in the stream, in the order they came,
// until key last.
func readStream(t *testing.T, f *feed, last string) []string {
	t.Helper()
	var keys []string
	for {
		select {
		case k := <-f.keys:
			keys = append(keys, k)
			if k == last {
				return keys
			}
		case <-f.gone:
			t.Fatalf("the stream ended before %q", last)
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q in the stream", last)
		}
	}
}

// closed reports whether the primary closed the replica's connection
// within d.
func (f *feed) closed(d time.Duration) bool {
	select {
	case <-f.gone:
		return true
	case <-time.After(d):
		return false
	}
}

// modes are the replication modes: in sync mode the event loops write
// the stream to the replica's socket themselves, in async mode the
// link's goroutine does, through the event loop.
var modes = []string{"async", "sync"}

// TestReplicaStreamInOrder writes from several clients and checks the
// stream a replica receives: every write, each client's in its order,
// however the loops and the link's goroutine shared the sending.
func TestReplicaStreamInOrder(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) { testReplicaStreamInOrder(t, mode) })
	}
}

func testReplicaStreamInOrder(t *testing.T, mode string) {
	s := testserver.Start(t, "replication-mode "+mode)
	r := fakeReplica(t, s, mode == "sync")
	ctx := context.Background()
	const clients, writes = 4, 300
	done := make(chan error, clients)
	for i := range clients {
		c := s.Client(t)
		go func() {
			for j := range writes {
				if err := c.Set(ctx, fmt.Sprintf("c%d:%d", i, j), "v", 0).Err(); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range clients {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	s.Client(t).Set(ctx, "last", "v", 0)
	next := make([]int, clients)
	for _, k := range readStream(t, r, "last") {
		var i, j int
		if k == "last" {
			continue
		}
		if _, err := fmt.Sscanf(k, "c%d:%d", &i, &j); err != nil || j != next[i] {
			t.Fatalf("stream has %q after c%d:%d", k, i, next[i]-1)
		}
		next[i]++
	}
	for i, n := range next {
		if n != writes {
			t.Fatalf("client %d: %d writes in the stream, want %d", i, n, writes)
		}
	}
}

// TestReplicaSocketClosed checks that a replica's socket, which the
// stream writes through a descriptor of its own, is closed when the
// replica goes, when the primary drops it, and when a client kills it
// (sync mode); in async mode, that there is no duplicate.
func TestReplicaSocketClosed(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) { testReplicaSocketClosed(t, mode) })
	}
}

func testReplicaSocketClosed(t *testing.T, mode string) {
	s := testserver.Start(t, "replication-mode "+mode)
	c := s.Client(t)
	ctx := context.Background()
	other := map[string]string{"sync": "async", "async": "sync"}[mode]
	drops := map[string]func(t *testing.T, f *feed){
		"replica goes": func(t *testing.T, f *feed) { f.r.Conn.Close() },
		"primary drops it": func(t *testing.T, f *feed) {
			c.ConfigSet(ctx, "replication-mode", other)
			c.ConfigSet(ctx, "replication-mode", mode)
			if !f.closed(5 * time.Second) {
				t.Fatal("the replica's connection stays open")
			}
			f.r.Conn.Close()
		},
		"client kill": func(t *testing.T, f *feed) {
			if err := c.Do(ctx, "CLIENT", "KILL", "TYPE", "replica").Err(); err != nil {
				t.Fatal(err)
			}
			if !f.closed(5 * time.Second) {
				t.Fatal("the replica's connection stays open")
			}
			f.r.Conn.Close()
		},
	}
	for _, name := range []string{"replica goes", "primary drops it", "client kill"} {
		t.Run(name, func(t *testing.T) {
			c.Ping(ctx)
			before := openFDs(t)
			f := fakeReplica(t, s, mode == "sync")
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
			readStream(t, f, "k")
			// The client's end, the primary's and, in sync mode, its
			// duplicate.
			want := before + 2
			if mode == "sync" {
				want++
			}
			waitFDs(t, want, "streaming")
			drops[name](t, f)
			waitFDsClosed(t, before, "after the replica went")
			if got := c.Get(ctx, "k").Val(); got != "v" {
				t.Fatalf("GET k: %q", got)
			}
		})
	}
}

// TestReplicaPathFollowsMode switches replication-mode at runtime: the
// replicas are dropped, and the next one is written by the event loops
// (a duplicate of its socket) in sync mode only.
func TestReplicaPathFollowsMode(t *testing.T) {
	s := testserver.Start(t, "replication-mode async")
	c := s.Client(t)
	ctx := context.Background()
	for i, mode := range []string{"sync", "async", "sync"} {
		if err := c.ConfigSet(ctx, "replication-mode", mode).Err(); err != nil {
			t.Fatal(err)
		}
		c.Ping(ctx)
		before := openFDs(t)
		f := fakeReplica(t, s, mode == "sync")
		key := fmt.Sprintf("k%d", i)
		if err := c.Set(ctx, key, "v", 0).Err(); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		readStream(t, f, key)
		want := before + 2
		if mode == "sync" {
			want++
		}
		waitFDs(t, want, mode)
		f.r.Conn.Close()
		waitFDsClosed(t, before, mode+": after the replica went")
	}
}
