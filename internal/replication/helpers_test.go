package replication_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// node is a Shoal process in a replication test.
type node struct {
	*testserver.Process
	c   *redis.Client
	dir string
}

// start runs a node persisting to dir (a fresh one if "") with no save
// points unless directives say otherwise.
func start(t *testing.T, dir string, directives ...string) *node {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p := testserver.StartProcess(t, append([]string{"dir " + dir, "save "}, directives...)...)
	c := redis.NewClient(&redis.Options{Addr: p.Addr, Protocol: 3})
	t.Cleanup(func() { c.Close() })
	return &node{Process: p, c: c, dir: dir}
}

func (n *node) port() string {
	_, port, _ := net.SplitHostPort(n.Addr)
	return port
}

// replicaOf is the directive that makes a node a replica of n.
func (n *node) replicaOf() string { return "replicaof 127.0.0.1 " + n.port() }

// shutdown stops the node with SHUTDOWN, which saves its snapshot.
func (n *node) shutdown(t *testing.T) {
	t.Helper()
	n.c.Do(context.Background(), "SHUTDOWN")
	n.Stop()
}

// info returns one INFO field.
func (n *node) info(t *testing.T, section, field string) string {
	t.Helper()
	s, err := n.c.Info(context.Background(), section).Result()
	if err != nil {
		t.Fatalf("INFO %s: %v", section, err)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	return ""
}

func (n *node) infoInt(t *testing.T, section, field string) int64 {
	t.Helper()
	v, _ := strconv.ParseInt(n.info(t, section, field), 10, 64)
	return v
}

func (n *node) digest(t *testing.T) string {
	t.Helper()
	d, err := n.c.Do(context.Background(), "DEBUG", "DIGEST").Text()
	if err != nil {
		t.Fatalf("DEBUG DIGEST: %v", err)
	}
	return d
}

// eventually retries cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLinked waits until the replica's link is up.
func waitLinked(t *testing.T, r *node, primary ...*node) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.info(t, "replication", "master_link_status") != "up" {
		if time.Now().After(deadline) {
			for _, p := range primary {
				t.Logf("primary:\n%s\n%s", p.Log(), p.info(t, "replication", "slave0")+" "+p.info(t, "replication", "slave1"))
			}
			t.Fatalf("the replica's link did not come up:\n%s", r.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitCaughtUp waits until every replica applied the primary's whole
// stream and has the primary's digest (expiry on the primary may move
// both meanwhile: it retries).
func waitCaughtUp(t *testing.T, p *node, replicas ...*node) {
	t.Helper()
	var last string
	deadline := time.Now().Add(30 * time.Second)
	for !func() bool {
		off := p.info(t, "replication", "master_repl_offset")
		want := p.digest(t)
		for i, r := range replicas {
			roff, got := r.info(t, "replication", "master_repl_offset"), r.digest(t)
			if roff != off || got != want {
				last = fmt.Sprintf("replica %d at %s digest %s, primary at %s digest %s", i, roff, got, off, want)
				return false
			}
		}
		return off == p.info(t, "replication", "master_repl_offset")
	}() {
		if time.Now().After(deadline) {
			t.Fatalf("replicas did not catch up: %s", last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// proxy forwards connections to a target and can cut them all.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	// cutAfter, when > 0, cuts every connection once that many bytes went
	// from the target to the client, once.
	cutAfter atomic.Int64
	cuts     atomic.Int64
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.cutAll() })
	return p
}

func (p *proxy) port() string {
	_, port, _ := net.SplitHostPort(p.ln.Addr().String())
	return port
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go p.down(c, up)
	}
}

// down copies the target's bytes to the client, cutting when told.
func (p *proxy) down(c, up net.Conn) {
	defer c.Close()
	buf := make([]byte, 32<<10)
	var sent int64
	for {
		n, err := up.Read(buf)
		if n > 0 {
			if lim := p.cutAfter.Load(); lim > 0 && sent+int64(n) > lim && p.cutAfter.CompareAndSwap(lim, 0) {
				p.cuts.Add(1)
				c.Write(buf[:lim-sent])
				p.cutAll()
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
			sent += int64(n)
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func key(prefix string, i int) string { return fmt.Sprintf("%s:%d", prefix, i) }
