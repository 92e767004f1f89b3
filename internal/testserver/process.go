package testserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/node"
)

// Process is a node running as a process of its own, for tests that kill
// it (SIGKILL) the way a crash would.
type Process struct {
	Addr string
	cmd  *exec.Cmd
	// Log holds what the process wrote to stderr (its log).
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// Main runs a package's tests and then removes the binary Binary built
// (40 MB in the temporary directory each run otherwise). A package whose
// tests start processes calls it from its TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// Binary builds the shoal binary once per test process and returns its
// path. The package's TestMain must call Main, which removes it.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shoal-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "shoal")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/shoal-cache/shoal/cmd/shoal").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// readyLine is the log line of a node that accepts connections.
var readyLine = regexp.MustCompile(`msg="ready to accept connections" addr=(\S+)`)

// StartProcess runs `shoal server` on a free loopback port with the given
// directives ("appendonly yes") and waits until it accepts connections.
// It fails the test if the node does not start; StartProcessErr returns
// the failure instead. The process is killed at cleanup.
func StartProcess(t testing.TB, directives ...string) *Process {
	t.Helper()
	p, err := StartProcessErr(t, directives...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// StartProcessErr is StartProcess for a node that may refuse to start:
// the error holds its log.
func StartProcessErr(t testing.TB, directives ...string) (*Process, error) {
	t.Helper()
	// A directory of its own unless a directive names one: SIGTERM
	// saves there when save points are set, as in Redis.
	args := []string{"server", "--port", "0", "--bind", "127.0.0.1", "--metrics-addr", "", "--dir", t.TempDir()}
	for _, d := range directives {
		name, value, _ := strings.Cut(d, " ")
		args = append(args, "--"+name, value)
	}
	return startProcess(t, args)
}

// StartProcessFile runs `shoal server FILE`, the config file and no
// flags, and waits until the node accepts connections. The file is the
// test's to make fit: "port 0" for a free port, "metrics-addr \"\"" so
// that nodes do not compete for the metrics port, and a dir of the
// test's own.
func StartProcessFile(t testing.TB, file string) *Process {
	t.Helper()
	p, err := startProcess(t, []string{"server", file})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startProcess runs the binary with args and waits for its ready line.
func startProcess(t testing.TB, args []string) (*Process, error) {
	t.Helper()
	p := &Process{cmd: exec.Command(Binary(t), args...), done: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p.cmd.Stdout = p.cmd.Stderr
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(p.Kill)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if m := readyLine.FindStringSubmatch(line); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		p.cmd.Wait()
		close(p.done)
	}()
	select {
	case p.Addr = <-addr:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("node exited before accepting connections:\n%s", p.Log())
	case <-time.After(60 * time.Second):
		p.Kill()
		return nil, fmt.Errorf("node did not start in 60 s:\n%s", p.Log())
	}
}

// Log returns what the process logged so far.
func (p *Process) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Process) Kill() {
	if p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop asks the node to shut down (SIGTERM) and waits for it.
func (p *Process) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.Kill()
	}
}

// Client returns a go-redis client (RESP3) closed at cleanup.
func (p *Process) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return c
}

// StartErr is Start for a node that may refuse to start (a damaged
// file): it returns the error instead of failing the test.
func StartErr(t testing.TB, directives ...string) (*Server, error) {
	t.Helper()
	args := []string{"--port", "0", "--bind", "127.0.0.1", "--metrics-addr", ""}
	for _, d := range directives {
		name, value, _ := strings.Cut(d, " ")
		args = append(args, "--"+name, value)
	}
	cfg, err := config.FromArgs(args)
	if err != nil {
		return nil, err
	}
	n := node.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := n.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(n.Stop)
	return &Server{Addr: n.Addr(), Node: n}, nil
}
