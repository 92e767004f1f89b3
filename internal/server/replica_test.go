package server_test

import (
	"context"
	"fmt"
	"io"
	"os"
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
	deadline := time.Now().Add(5 * time.Second)
	for openFDs(t) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d descriptors open, want %d", what, openFDs(t), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeReplica connects to s as a replica and reads the full sync's
// snapshot: what follows on the connection is the command stream.
func fakeReplica(t *testing.T, s *testserver.Server) *testserver.Raw {
	t.Helper()
	r := s.Raw(t)
	if got := r.Do("REPLCONF", "listening-port", "7000"); got != "+OK\r\n" {
		t.Fatalf("REPLCONF: %q", got)
	}
	r.Send("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
	if line := r.ReadLine(); !strings.HasPrefix(line, "+FULLRESYNC ") {
		t.Fatalf("PSYNC: %q", line)
	}
	var n int
	if _, err := fmt.Sscanf(r.ReadLine(), "$%d", &n); err != nil {
		t.Fatalf("snapshot length: %v", err)
	}
	if _, err := io.CopyN(io.Discard, r.R, int64(n)); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return r
}

// readStream reads the stream's commands until SET of key last, returning
// the keys SET in the order they came.
func readStream(t *testing.T, r *testserver.Raw, last string) []string {
	t.Helper()
	var keys []string
	for {
		cmd := r.ReadReply()
		parts := strings.Split(cmd, "\r\n")
		if len(parts) < 5 || !strings.EqualFold(parts[2], "SET") {
			continue // SELECT, PING
		}
		keys = append(keys, parts[4])
		if parts[4] == last {
			return keys
		}
	}
}

// TestReplicaStreamInOrder writes from several clients and checks the
// stream a replica receives: every write, each client's in its order,
// however the loops and the link's goroutine shared the sending.
func TestReplicaStreamInOrder(t *testing.T) {
	s := testserver.Start(t)
	r := fakeReplica(t, s)
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
// replica goes, when the primary drops it, and when a client kills it.
func TestReplicaSocketClosed(t *testing.T) {
	s := testserver.Start(t)
	c := s.Client(t)
	ctx := context.Background()
	drops := map[string]func(t *testing.T, r *testserver.Raw){
		"replica goes": func(t *testing.T, r *testserver.Raw) { r.Conn.Close() },
		"primary drops it": func(t *testing.T, r *testserver.Raw) {
			c.ConfigSet(ctx, "replication-mode", "sync")
			c.ConfigSet(ctx, "replication-mode", "async")
			if !r.Closed(5 * time.Second) {
				t.Fatal("the replica's connection stays open")
			}
			r.Conn.Close()
		},
		"client kill": func(t *testing.T, r *testserver.Raw) {
			if err := c.Do(ctx, "CLIENT", "KILL", "TYPE", "replica").Err(); err != nil {
				t.Fatal(err)
			}
			if !r.Closed(5 * time.Second) {
				t.Fatal("the replica's connection stays open")
			}
			r.Conn.Close()
		},
	}
	for _, name := range []string{"replica goes", "primary drops it", "client kill"} {
		t.Run(name, func(t *testing.T) {
			c.Ping(ctx)
			before := openFDs(t)
			r := fakeReplica(t, s)
			c.Set(ctx, "k", "v", 0)
			readStream(t, r, "k")
			// The client's end, the primary's and its duplicate.
			waitFDs(t, before+3, "streaming")
			drops[name](t, r)
			waitFDs(t, before, "after the replica went")
			if got := c.Get(ctx, "k").Val(); got != "v" {
				t.Fatalf("GET k: %q", got)
			}
		})
	}
}
