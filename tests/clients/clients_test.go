// Package clients drives Shoal with real client libraries in other
// languages, as applications use them, and compares what each library
// returns with what it returns from a real redis-server 7.0:
//
//   - TestRedisPy: redis-py (Debian's python3-redis) runs
//     redispy_check.py;
//   - TestNodeClients: ioredis and node-redis run node_check.js, when
//     they are installed (see node_test.go).
//
// Each script runs twice, against a fresh redis-server and a fresh Shoal
// process (each with a second server that has a password), and prints one
// line per step: what the library returned, with Redis's own
// nondeterminism (hash order, random picks, ids, times) taken out. The
// test compares the two runs line by line (see compare_test.go). A test
// skips, saying why, when its interpreter, library or redis-server 7.0 is
// missing; none of them needs the network.
package clients

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestMain(m *testing.M) { testserver.Main(m) }

// password is what the servers with a password require.
const password = "s3cret"

// target is one kind of server under test: a node without a password and
// one with.
type target struct {
	name           string
	addr, authAddr string
}

func (t target) port() string     { return portOf(t.addr) }
func (t target) authPort() string { return portOf(t.authAddr) }

func portOf(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

// startTargets starts the reference redis-server pair first (skipping
// when it is missing), then the Shoal pair, from the binary built from
// this tree, as `shoal server --save ""` like the reference runs. Redis
// gets DEBUG, which Shoal allows without enable-debug-command (README),
// for the steps that parse DEBUG OBJECT or sleep in a command.
func startTargets(t *testing.T) (redis, shoal target) {
	t.Helper()
	redis = target{name: "redis", addr: testserver.StartRedis(t, "enable-debug-command yes"),
		authAddr: testserver.StartRedis(t, "requirepass "+password)}
	shoal = target{name: "shoal", addr: testserver.StartProcess(t, "save ").Addr,
		authAddr: testserver.StartProcess(t, "save ", "requirepass "+password).Addr}
	return redis, shoal
}

// runBoth runs one check script against redis and shoal at once (they
// share nothing) and returns each run's step lines. A script that fails (an
// exception outside a step, a time-out) fails the test with its stderr.
func runBoth(t *testing.T, redis, shoal target, env []string, name string, args ...string) (want, got []step) {
	t.Helper()
	var outs [2]string
	var errs [2]error
	var wg sync.WaitGroup
	for i, tgt := range []target{redis, shoal} {
		wg.Go(func() { outs[i], errs[i] = runScript(t, tgt, env, name, args...) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return parseSteps(t, outs[0]), parseSteps(t, outs[1])
}

func runScript(t *testing.T, tgt target, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args = append(args, "--port", tgt.port(), "--auth-port", tgt.authPort(), "--password", password)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cmd.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	t.Logf("%s against %s: %v", args[0], tgt.name, time.Since(start).Round(time.Millisecond))
	if err != nil {
		return "", fmt.Errorf("%s %s against %s: %v\n%s", name, args[0], tgt.name, err, stderr.String())
	}
	return string(out), nil
}

// TestRedisPy runs redispy_check.py with Debian's python3-redis.
func TestRedisPy(t *testing.T) {
	python := "/usr/bin/python3" // Debian's, which finds python3-redis
	if _, err := exec.LookPath(python); err != nil {
		python = "python3"
	}
	if out, err := exec.Command(python, "-c", "import redis").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import redis (apt-get install python3-redis): %v %s", python, err, out)
	}
	redis, shoal := startTargets(t)
	want, got := runBoth(t, redis, shoal, nil, python, "redispy_check.py")
	compareSteps(t, want, got, redisPyKnown)
}

// redisPyKnown are the steps where Shoal must answer differently from
// redis-server, with the one answer it must give.
var redisPyKnown = map[string][]string{
	// Shoal has no streams: the client must get Redis's unknown-command
	// error, not hang.
	"xadd": {`!ResponseError: unknown command 'XADD', with args beginning with: 'stream' '*' 'f' 'v' `},
}
