// Package e2e builds the shoal binary and drives real processes with
// go-redis and redis-cli, as a user would.
package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "shoal-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "shoal")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/shoal")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		panic("building shoal: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a shoal server started by a test.
type process struct {
	cmd    *exec.Cmd
	addr   string
	port   string
	exited chan error
}

var readyLine = regexp.MustCompile(`ready to accept connections.* addr=((?:127\.0\.0\.1|0\.0\.0\.0):(\d+))`)

// startServer runs "shoal server --port 0 --metrics-addr 127.0.0.1:0
// --dir TEMP args..." and waits until it reports its address. The process is killed
// at cleanup if still running.
func startServer(t *testing.T, args ...string) *process {
	t.Helper()
	// A directory of its own: SIGTERM saves there, as in Redis.
	cmd := exec.Command(binary, append([]string{"server", "--port", "0", "--metrics-addr", "127.0.0.1:0", "--dir", t.TempDir()}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exited: make(chan error, 1)}
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	select {
	case m := <-found:
		p.addr, p.port = m[1], m[2]
	case <-time.After(10 * time.Second):
		t.Fatal("server did not report ready")
	}
	return p
}

func TestRedisCliSession(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed (.ci/run installs redis-tools)")
	}
	p := startServer(t)
	run := func(args ...string) string {
		out, err := exec.Command(cli, append([]string{"-p", p.port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "PONG"},
		{[]string{"SET", "greeting", "hello"}, "OK"},
		{[]string{"GET", "greeting"}, "hello"},
		{[]string{"INCR", "visits"}, "1"},
		{[]string{"EXPIRE", "greeting", "100"}, "1"},
		{[]string{"TTL", "greeting"}, "100"},
		{[]string{"NOSUCHCOMMAND"}, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with:"},
	}
	for _, s := range steps {
		if got := run(s.args...); got != s.want {
			t.Errorf("redis-cli %v = %q, want %q", s.args, got, s.want)
		}
	}
}

func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	p := startServer(t)
	c := redis.NewClient(&redis.Options{Addr: p.addr})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		p.exited <- err // for the cleanup's wait
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
}

func TestConfigFileAndFlags(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "shoal.conf")
	os.WriteFile(conf, []byte("# test config\nmaxclients 3\ndatabases 4\n"), 0o644)
	p := startServer(t, "--config", conf, "--hz", "20")
	c := redis.NewClient(&redis.Options{Addr: p.addr})
	defer c.Close()
	ctx := context.Background()
	if err := c.Do(ctx, "SELECT", "3").Err(); err != nil {
		t.Fatalf("SELECT 3 with databases 4: %v", err)
	}
	if err := c.Do(ctx, "SELECT", "4").Err(); err == nil || err.Error() != "ERR DB index is out of range" {
		t.Fatalf("SELECT 4 with databases 4: %v", err)
	}
}

func TestBadConfigStopsStartup(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "bad.conf")
	os.WriteFile(conf, []byte("port 0\nmaxclients lots\n"), 0o644)
	tests := []struct {
		args []string
		want []string // what the message must name
	}{
		{[]string{"server", conf}, []string{"line 2", "maxclients lots", "integer"}},
		{[]string{"server", "--port", "0", "--no-such-directive", "1"}, []string{"no-such-directive", "Bad directive"}},
	}
	for _, tt := range tests {
		out, err := exec.Command(binary, tt.args...).CombinedOutput()
		if err == nil {
			t.Fatalf("%v started with a bad setting", tt.args)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: message %q does not contain %q", tt.args, out, w)
			}
		}
	}
}
