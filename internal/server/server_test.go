package server_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The replies asserted in this package are those of redis-server 7.0,
// taken from a raw connection to it with the same bytes.

// closedWithin reports whether the server closed the connection within d.
// A reset counts: a server that closes with unread input sends RST.
func closedWithin(r *testserver.Raw, d time.Duration) bool {
	r.Conn.SetReadDeadline(time.Now().Add(d))
	_, err := r.R.ReadByte()
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// assertSilent fails unless nothing arrives within d and the connection
// stays open.
func assertSilent(t *testing.T, r *testserver.Raw, d time.Duration) {
	t.Helper()
	r.Conn.SetReadDeadline(time.Now().Add(d))
	b, err := r.R.ReadByte()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("expected no reply and an open connection; read %q, %v", b, err)
	}
}

// assertHealthy checks that a client that took no part in a test still
// gets its replies.
func assertHealthy(t *testing.T, c *redis.Client) {
	t.Helper()
	ctx := context.Background()
	if got, err := c.Ping(ctx).Result(); err != nil || got != "PONG" {
		t.Fatalf("PING from the bystander: %q, %v", got, err)
	}
	if got, err := c.Echo(ctx, "still here").Result(); err != nil || got != "still here" {
		t.Fatalf("ECHO from the bystander: %q, %v", got, err)
	}
	if err := c.Set(ctx, "bystander", "v", 0).Err(); err != nil {
		if strings.HasPrefix(err.Error(), "ERR unknown command 'set'") {
			return // SET comes with the strings family; PING and ECHO suffice
		}
		t.Fatalf("SET from the bystander: %v", err)
	}
	if got, err := c.Get(ctx, "bystander").Result(); err != nil || got != "v" {
		t.Fatalf("GET from the bystander: %q, %v", got, err)
	}
}

// dialAccepted dials until the server accepts the connection (slots free
// up asynchronously once a client has gone) and it answers PING.
func dialAccepted(t *testing.T, srv *testserver.Server) *testserver.Raw {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		r := srv.Raw(t)
		line := r.Do("PING")
		if line == "+PONG\r\n" {
			return r
		}
		if line != "-ERR max number of clients reached\r\n" || time.Now().After(deadline) {
			t.Fatalf("PING on a new connection: %q", line)
		}
		r.Conn.Close()
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInlineCommands(t *testing.T) {
	srv := testserver.Start(t)
	tests := []struct{ send, want string }{
		{"PING\r\n", "+PONG\r\n"},
		{"PING\n", "+PONG\r\n"},
		{"ping hello\r\n", "$5\r\nhello\r\n"},
		{"ECHO \"a b\"\r\n", "$3\r\na b\r\n"},
		{"ECHO 'it\\'s'\r\n", "$4\r\nit's\r\n"},
		{"ECHO \"\\x41\\x4\\n\"\r\n", "$4\r\nAx4\n\r\n"},
		{"  ECHO   x  \r\n", "$1\r\nx\r\n"},
		{"\"PING\"\r\n", "+PONG\r\n"},
		// Empty lines get no reply: the next reply is the ECHO's.
		{"\r\n\n   \r\n\r\nECHO after-empty\r\n", "$11\r\nafter-empty\r\n"},
		{"ECHO\r\n", "-ERR wrong number of arguments for 'echo' command\r\n"},
	}
	r := srv.Raw(t)
	for _, tt := range tests {
		r.Send(tt.send)
		if got := r.ReadReply(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.send, got, tt.want)
		}
	}
}

func TestPipelining(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	r.Send(strings.Repeat("*1\r\n$4\r\nPING\r\n", 1000))
	for i := range 1000 {
		if got := r.ReadLine(); got != "+PONG" {
			t.Fatalf("reply %d: %q", i, got)
		}
	}
	// Inline and multibulk commands mixed in one write, with a command
	// cut at the end that is completed by a second write.
	r.Send("PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\nECHO b\r\n*2\r\n$4\r\nECHO\r\n$1\r\n")
	r.Send("c\r\n")
	for _, want := range []string{"+PONG\r\n", "$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"} {
		if got := r.ReadReply(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	assertSilent(t, r, 100*time.Millisecond)
}

func TestQuit(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	// Commands after QUIT in the same batch are not run.
	r.Send("PING\r\nQUIT\r\nPING\r\n")
	if got := r.ReadLine(); got != "+PONG" {
		t.Fatalf("PING: %q", got)
	}
	if got := r.ReadLine(); got != "+OK" {
		t.Fatalf("QUIT: %q", got)
	}
	if !closedWithin(r, 2*time.Second) {
		t.Fatal("connection still open after QUIT")
	}
}

func TestUnknownCommandAndArity(t *testing.T) {
	srv := testserver.Start(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"FOO", "bar", "baz"}, "-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n"},
		{[]string{"foo"}, "-ERR unknown command 'foo', with args beginning with: \r\n"},
		{[]string{""}, "-ERR unknown command '', with args beginning with: \r\n"},
		{[]string{"ECHO"}, "-ERR wrong number of arguments for 'echo' command\r\n"},
		{[]string{"ECHO", "a", "b"}, "-ERR wrong number of arguments for 'echo' command\r\n"},
		{[]string{"PING", "a", "b"}, "-ERR wrong number of arguments for 'ping' command\r\n"},
		{[]string{"select"}, "-ERR wrong number of arguments for 'select' command\r\n"},
		{[]string{"SELECT", "99"}, "-ERR DB index is out of range\r\n"},
		{[]string{"SELECT", "x"}, "-ERR value is not an integer or out of range\r\n"},
	}
	for _, proto := range []string{"2", "3"} {
		r := srv.Raw(t)
		if got := r.Do("HELLO", proto); !strings.HasPrefix(got, map[string]string{"2": "*14\r\n", "3": "%7\r\n"}[proto]) {
			t.Fatalf("HELLO %s: %q", proto, got)
		}
		for _, tt := range tests {
			if got := r.Do(tt.args...); got != tt.want {
				t.Errorf("RESP%s %q: got %q, want %q", proto, tt.args, got, tt.want)
			}
		}
	}
	// go-redis hands the same text to the caller.
	err := srv.Client(t).Do(context.Background(), "FOO", "bar").Err()
	if err == nil || err.Error() != "ERR unknown command 'FOO', with args beginning with: 'bar' " {
		t.Errorf("go-redis error: %v", err)
	}
}

// Redis quotes at most 128 bytes of arguments, counting only the quoted
// part of the message.
func TestUnknownCommandLongArgs(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"FOO", strings.Repeat("a", 200), "b"}, "-ERR unknown command 'FOO', with args beginning with: '" + strings.Repeat("a", 128) + "' \r\n"},
		{[]string{"FOO", strings.Repeat("a", 60), strings.Repeat("b", 60), strings.Repeat("c", 60), "d"},
			"-ERR unknown command 'FOO', with args beginning with: '" + strings.Repeat("a", 60) + "' '" + strings.Repeat("b", 60) + "' 'cc' \r\n"},
	}
	for _, tt := range tests {
		if got := r.Do(tt.args...); got != tt.want {
			t.Errorf("%.20q...: got %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestMaxClients(t *testing.T) {
	srv := testserver.Start(t, "maxclients 2")
	a, b := srv.Raw(t), srv.Raw(t)
	for _, r := range []*testserver.Raw{a, b} {
		if got := r.Do("PING"); got != "+PONG\r\n" {
			t.Fatalf("PING within the limit: %q", got)
		}
	}
	third := srv.Raw(t)
	if got := third.ReadLine(); got != "-ERR max number of clients reached" {
		t.Fatalf("third client got %q", got)
	}
	if !closedWithin(third, 2*time.Second) {
		t.Fatal("third client left open")
	}
	if got := a.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("first client after the refusal: %q", got)
	}
	// A slot freed by a client that leaves is given to the next one.
	b.Conn.Close()
	dialAccepted(t, srv)
}

func TestIdleTimeout(t *testing.T) {
	srv := testserver.Start(t, "timeout 1")
	start := time.Now()
	idle := srv.Raw(t)
	halfway := srv.Raw(t)
	halfway.Send("*2\r\n$4\r\nECHO\r\n$5\r\nhe") // idle with a command half sent
	active := srv.Raw(t)

	done := make(chan error, 1)
	go func() {
		// Keep talking for longer than the timeout.
		for time.Since(start) < 1600*time.Millisecond {
			active.Conn.SetDeadline(time.Now().Add(time.Second))
			if _, err := active.Conn.Write([]byte("PING\r\n")); err != nil {
				done <- err
				return
			}
			line, err := active.R.ReadString('\n')
			if err != nil || line != "+PONG\r\n" {
				done <- errors.Join(err, errors.New("reply "+line))
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		done <- nil
	}()

	for _, r := range []*testserver.Raw{idle, halfway} {
		if !closedWithin(r, 2500*time.Millisecond-time.Since(start)) {
			t.Fatal("idle client still connected after 2.5 s")
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Fatalf("idle client closed after %v, before the 1 s timeout", d)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("active client: %v", err)
	}
}

func TestRequirePass(t *testing.T) {
	srv := testserver.Start(t, "requirepass secret")
	ctx := context.Background()

	r := srv.Raw(t)
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "-NOAUTH Authentication required.\r\n"},
		{[]string{"ECHO", "x"}, "-NOAUTH Authentication required.\r\n"},
		{[]string{"AUTH", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"AUTH", "default", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"HELLO", "3", "AUTH", "default", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"AUTH", "a", "b", "c"}, "-ERR syntax error\r\n"},
		{[]string{"AUTH", "secret"}, "+OK\r\n"},
		{[]string{"PING"}, "+PONG\r\n"},
		// Authenticated, the client may send more and longer arguments.
		{append([]string{"ECHO"}, strings.Split(strings.Repeat("x", 11), "")...), "-ERR wrong number of arguments for 'echo' command\r\n"},
		{[]string{"ECHO", strings.Repeat("y", 16385)}, "$16385\r\n" + strings.Repeat("y", 16385) + "\r\n"},
	}
	for _, s := range steps {
		if got := r.Do(s.args...); got != s.want {
			t.Errorf("%.40q: got %.80q, want %.80q", s.args, got, s.want)
		}
	}

	// HELLO refuses to switch protocols for a stranger, but may log in.
	r = srv.Raw(t)
	if got := r.Do("HELLO", "3"); !strings.HasPrefix(got, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO ") {
		t.Errorf("HELLO 3 before AUTH: %q", got)
	}
	if got := r.Do("HELLO", "3", "AUTH", "default", "secret"); !strings.HasPrefix(got, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n") {
		t.Errorf("HELLO 3 AUTH: %q", got)
	}
	if got := r.Do("PING"); got != "+PONG\r\n" {
		t.Errorf("PING after HELLO AUTH: %q", got)
	}

	// go-redis logs in with HELLO 3 AUTH default <password>.
	good := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: "secret", Protocol: 3, DisableIdentity: true, MaxRetries: -1})
	defer good.Close()
	if got, err := good.Ping(ctx).Result(); err != nil || got != "PONG" {
		t.Errorf("go-redis with the password: %q, %v", got, err)
	}
	bad := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: "nope", Protocol: 3, DisableIdentity: true, MaxRetries: -1})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS") {
		t.Errorf("go-redis with a wrong password: %v", err)
	}
}

func TestAuthWithoutPassword(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	want := "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"
	if got := r.Do("AUTH", "x"); got != want {
		t.Errorf("AUTH x: %q", got)
	}
	// The default user takes any password when it has none (nopass).
	if got := r.Do("AUTH", "default", "x"); got != "+OK\r\n" {
		t.Errorf("AUTH default x: %q", got)
	}
}
