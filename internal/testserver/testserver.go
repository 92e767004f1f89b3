// Package testserver starts real Shoal nodes on ephemeral loopback ports
// for tests, and connects real clients to them: go-redis for commands, a raw
// TCP connection for protocol-level checks. Everything started is stopped by
// t.Cleanup.
package testserver

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/node"
)

// Server is a node running inside the test process.
type Server struct {
	Addr string
	Node *node.Node
}

// Start runs a node on 127.0.0.1 with a free port. directives are config
// lines such as "maxclients 5".
func Start(t testing.TB, directives ...string) *Server {
	t.Helper()
	s, err := TryStart(t, directives...)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	return s
}

// nodeConfig is the configuration of a test node: a free port, no
// metrics, a directory of its own, then directives.
func nodeConfig(t testing.TB, directives []string) (*config.Config, error) {
	// Metrics are off unless a test asks for them ("metrics-addr
	// 127.0.0.1:0"): tests must not compete for the default port. Each
	// node persists to a directory of its own unless a test names one
	// ("dir /path"), so no snapshot lands in the package's directory.
	args := []string{"--port", "0", "--bind", "127.0.0.1", "--metrics-addr", "", "--dir", t.TempDir()}
	for _, d := range directives {
		name, value, _ := strings.Cut(d, " ")
		args = append(args, "--"+name, value)
	}
	return config.FromArgs(args)
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Client returns a go-redis client speaking RESP3 (go-redis's default),
// closed at cleanup.
func (s *Server) Client(t testing.TB) *redis.Client { return s.ClientProto(t, 3) }

// Client2 returns a go-redis client speaking RESP2.
func (s *Server) Client2(t testing.TB) *redis.Client { return s.ClientProto(t, 2) }

// ClientProto returns a go-redis client speaking the given RESP version.
func (s *Server) ClientProto(t testing.TB, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: proto, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return c
}

// Raw is a plain TCP connection for sending bytes and reading what the
// server answers, unparsed.
type Raw struct {
	t    testing.TB
	Conn net.Conn
	R    *bufio.Reader
}

// Raw dials the server.
func (s *Server) Raw(t testing.TB) *Raw {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	return &Raw{t: t, Conn: nc, R: bufio.NewReader(nc)}
}

// Send writes s as is.
func (r *Raw) Send(s string) {
	r.t.Helper()
	if _, err := r.Conn.Write([]byte(s)); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// Do sends a command in RESP and returns the whole reply, raw.
func (r *Raw) Do(args ...string) string {
	r.t.Helper()
	var b strings.Builder
	b.WriteString("*" + itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	r.Send(b.String())
	return r.ReadReply()
}

// ReadLine reads one line, without its CRLF, failing the test after 5 s.
func (r *Raw) ReadLine() string {
	r.t.Helper()
	r.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.R.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read: %v (got %q)", err, line)
	}
	return strings.TrimSuffix(line, "\r\n")
}

// ReadReply reads one whole reply, nested aggregates included, raw.
func (r *Raw) ReadReply() string {
	r.t.Helper()
	line := r.ReadLine()
	out := line + "\r\n"
	if len(line) == 0 {
		return out
	}
	n := atoi(line[1:])
	switch line[0] {
	case '$', '=', '!':
		if n >= 0 {
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(r.R, buf); err != nil {
				r.t.Fatalf("read: %v", err)
			}
			out += string(buf)
		}
	case '*', '~', '>':
		for range max(n, 0) {
			out += r.ReadReply()
		}
	case '%', '|':
		for range 2 * max(n, 0) {
			out += r.ReadReply()
		}
	}
	return out
}

// Closed reports whether the server closed the connection within d.
func (r *Raw) Closed(d time.Duration) bool {
	r.Conn.SetReadDeadline(time.Now().Add(d))
	_, err := r.R.ReadByte()
	return err == io.EOF
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
