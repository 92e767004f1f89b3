package persist_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// acked is what writers saw acknowledged before the node died.
type acked struct {
	mu   sync.Mutex
	keys map[string]string
	// counters: the last value each writer's INCR returned.
	counters map[string]int64
	n        atomic.Int64
	// wait returns once every writer stopped.
	wait func()
}

// writeUntilDead runs writers that SET a key of their own and INCR a
// counter of their own, one command at a time, recording each
// acknowledgement, until the node stops answering.
func writeUntilDead(p *testserver.Process, writers int, limit int64) *acked {
	a := &acked{keys: map[string]string{}, counters: map[string]int64{}}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true, MaxRetries: -1, PoolSize: 1})
			defer c.Close()
			ctr := fmt.Sprintf("ctr:%d", w)
			for i := 0; a.n.Load() < limit; i++ {
				key, val := fmt.Sprintf("k:%d:%d", w, i), strconv.Itoa(i)
				if err := c.Set(ctx, key, val, 0).Err(); err != nil {
					return
				}
				a.mu.Lock()
				a.keys[key] = val
				a.mu.Unlock()
				n, err := c.Incr(ctx, ctr).Result()
				if err != nil {
					return
				}
				a.mu.Lock()
				a.counters[ctr] = n
				a.mu.Unlock()
				a.n.Add(2)
			}
		}()
	}
	a.wait = wg.Wait
	return a
}

func (a *acked) snapshot() (map[string]string, map[string]int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	keys := make(map[string]string, len(a.keys))
	for k, v := range a.keys {
		keys[k] = v
	}
	ctrs := make(map[string]int64, len(a.counters))
	for k, v := range a.counters {
		ctrs[k] = v
	}
	return keys, ctrs
}

// TestAlwaysLosesNothingAcknowledged kills a node with appendfsync always
// at random moments while writers run: after a restart every write a
// writer saw acknowledged is there, and no INCR was applied twice (a
// counter is at most one ahead of its last acknowledgement: the command
// in flight when the node died).
func TestAlwaysLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	dir := t.TempDir()
	for round := range 3 {
		p, err := testserver.StartProcessErr(t, "dir "+dir, "appendonly yes", "appendfsync always")
		if err != nil {
			data, _ := os.ReadFile(aofFile(dir))
			var off int
			fmt.Sscanf(err.Error()[strings.Index(err.Error(), "at offset ")+10:], "%d", &off)
			t.Fatalf("%v\n%q\n%q", err, data[max(0, off-300):off], data[off:min(len(data), off+200)])
		}
		// The kill comes at a random point of 20,000 writes.
		killAt := int64(500 + rand.IntN(19500))
		a := writeUntilDead(p, 16, 20000)
		start := time.Now()
		for a.n.Load() < killAt && time.Since(start) < 20*time.Second {
			time.Sleep(time.Millisecond)
		}
		p.Kill()
		a.wait()
		keys, ctrs := a.snapshot()
		if len(keys) == 0 {
			t.Fatalf("round %d: no write was acknowledged before the kill", round)
		}

		q, err := testserver.StartProcessErr(t, "dir "+dir, "appendonly yes", "appendfsync always")
		if err != nil {
			data, _ := os.ReadFile(aofFile(dir))
			var off int
			fmt.Sscanf(err.Error()[strings.Index(err.Error(), "at offset ")+10:], "%d", &off)
			t.Fatalf("%v\n%q\n%q", err, data[max(0, off-300):off], data[off:min(len(data), off+200)])
		}
		c := q.Client(t)
		missing := 0
		for k, v := range keys {
			if got, err := c.Get(ctx, k).Result(); err != nil || got != v {
				missing++
				if missing < 5 {
					t.Errorf("round %d: acknowledged %s=%s, after restart %q (%v)", round, k, v, got, err)
				}
			}
		}
		for k, v := range ctrs {
			got, _ := c.Get(ctx, k).Int64()
			if got < v || got > v+1 {
				t.Errorf("round %d: %s acknowledged at %d, after restart %d\n%s", round, k, v, got, q.Log())
			}
		}
		t.Logf("round %d: %d acknowledged writes before SIGKILL (%.0f/s), %d missing", round, a.n.Load(),
			float64(a.n.Load())/time.Since(start).Seconds(), missing)
		q.Kill()
	}
}

// TestEverySecLosesAtMostASecond kills a node with appendfsync everysec:
// what is lost is bounded by about a second of writes.
func TestEverySecLosesAtMostASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	dir := t.TempDir()
	p := testserver.StartProcess(t, "dir "+dir, "appendonly yes", "appendfsync everysec")
	a := writeUntilDead(p, 4, 1<<40)
	start := time.Now()
	time.Sleep(1500 * time.Millisecond)
	p.Kill()
	a.wait()
	rate := float64(a.n.Load()) / time.Since(start).Seconds()
	keys, _ := a.snapshot()

	q := testserver.StartProcess(t, "dir "+dir, "appendonly yes")
	c := q.Client(t)
	lost := 0
	for k := range keys {
		if c.Exists(ctx, k).Val() == 0 {
			lost++
		}
	}
	t.Logf("%.0f writes/s; %d of %d acknowledged SETs lost", rate, lost, len(keys))
	if float64(lost) > 1.2*rate {
		t.Errorf("lost %d acknowledged writes, more than a second's worth (%.0f/s)", lost, rate)
	}
}

// aofFile is the single incremental file of a log in dir.
func aofFile(dir string) string {
	return filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
}

// writeLog makes a log of n SETs with a node that stops cleanly.
func writeLog(t *testing.T, dir string, n int) {
	t.Helper()
	s := testserver.Start(t, "dir "+dir, "appendonly yes")
	c := s.Client(t)
	for i := range n {
		c.Set(ctx, fmt.Sprintf("key:%d", i), i, 0)
	}
	s.Node.Stop()
}

// TestTruncatedTail cuts the log in the middle of its last command: with
// aof-load-truncated yes the node starts without it and says where it
// cut; with no it refuses to start and says how to repair.
func TestTruncatedTail(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 100)
	path := aofFile(dir)
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()-5); err != nil {
		t.Fatal(err)
	}

	_, err := testserver.StartErr(t, "dir "+dir, "appendonly yes", "aof-load-truncated no")
	if err == nil || !strings.Contains(err.Error(), "check-aof --fix") || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("start with a torn log and aof-load-truncated no: %v", err)
	}

	s := testserver.Start(t, "dir "+dir, "appendonly yes", "aof-load-truncated yes")
	c := s.Client(t)
	if n := c.DBSize(ctx).Val(); n != 99 {
		t.Errorf("dbsize after cutting the torn command = %d, want 99", n)
	}
	// The cut file takes appends again: a later restart sees them.
	c.Set(ctx, "after", "cut", 0)
	s.Node.Stop()
	s2 := testserver.Start(t, "dir "+dir, "appendonly yes", "aof-load-truncated no")
	if got := s2.Client(t).Get(ctx, "after").Val(); got != "cut" {
		t.Errorf("write after the cut = %q", got)
	}
}

// TestCorruptMiddle damages a command in the middle of the log: the node
// refuses to start, names the offset and the repair; check-aof --fix
// cuts the file there and the node starts with what came before.
func TestCorruptMiddle(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 100)
	path := aofFile(dir)
	data, _ := os.ReadFile(path)
	at := strings.Index(string(data), "key:50")
	at = strings.LastIndex(string(data[:at]), "*")
	data[at] = '?'
	os.WriteFile(path, data, 0o644)

	_, err := testserver.StartErr(t, "dir "+dir, "appendonly yes", "aof-load-truncated yes")
	want := fmt.Sprintf("offset %d", at)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "check-aof --fix") {
		t.Fatalf("start with a corrupt log: %v, want an error naming %q and check-aof --fix", err, want)
	}

	out, err := runShoal(t, "check-aof", path)
	if err == nil || !strings.Contains(out, want) {
		t.Fatalf("check-aof: %v\n%s", err, out)
	}
	if out, err := runShoal(t, "check-aof", "--fix", path); err != nil {
		t.Fatalf("check-aof --fix: %v\n%s", err, out)
	}
	s := testserver.Start(t, "dir "+dir, "appendonly yes")
	if n := s.Client(t).DBSize(ctx).Val(); n != 50 {
		t.Errorf("dbsize after repair = %d, want the 50 keys before the damage", n)
	}
}

// TestOpenMultiAtTail: a MULTI whose EXEC never reached the log was never
// acknowledged; loading reverts it.
func TestOpenMultiAtTail(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 3)
	f, err := os.OpenFile(aofFile(dir), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n")
	f.Close()
	s := testserver.Start(t, "dir "+dir, "appendonly yes")
	c := s.Client(t)
	if c.Exists(ctx, "x").Val() != 0 || c.DBSize(ctx).Val() != 3 {
		t.Errorf("half a transaction was applied: dbsize %d", c.DBSize(ctx).Val())
	}
}

// runShoal runs the shoal binary with args.
func runShoal(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(testserver.Binary(t), args...).CombinedOutput()
	return string(out), err
}

// TestLoadingAnswersLOADING starts a node on a log of a million writes:
// while it replays, the port is open, commands get LOADING and INFO
// shows the progress; then the keys are all there.
func TestLoadingAnswersLOADING(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large log")
	}
	dir := t.TempDir()
	logDir := filepath.Join(dir, "appendonlydir")
	os.MkdirAll(logDir, 0o755)
	os.WriteFile(filepath.Join(logDir, "appendonly.aof.manifest"), []byte("file appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644)
	const keys = 1_000_000
	var b strings.Builder
	for i := range keys {
		k := fmt.Sprintf("key:%d", i)
		fmt.Fprintf(&b, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$5\r\nvalue\r\n", len(k), k)
	}
	os.WriteFile(filepath.Join(logDir, "appendonly.aof.1.incr.aof"), []byte(b.String()), 0o644)

	cmd := exec.Command(testserver.Binary(t), "server", "--port", "0", "--bind", "127.0.0.1", "--metrics-addr", "",
		"--dir", dir, "--appendonly", "yes", "--save", "")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrOf := regexp.MustCompile(`msg="listening, loading the dataset" addr=(\S+)`)
	var addr string
	for addr == "" {
		line, ok := <-lines
		if !ok {
			t.Fatal("the node exited")
		}
		if m := addrOf.FindStringSubmatch(line); m != nil {
			addr = m[1]
		}
	}
	go func() {
		for range lines {
		}
	}()
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true, MaxRetries: -1, Protocol: 2})
	defer c.Close()
	sawLoading := false
	for {
		err := c.Set(ctx, "x", "y", 0).Err()
		if err == nil {
			break
		}
		if !strings.HasPrefix(err.Error(), "LOADING Shoal is loading the dataset in memory") {
			t.Fatalf("SET while loading: %v", err)
		}
		if info := c.Info(ctx, "persistence").Val(); !sawLoading {
			if !strings.Contains(info, "loading:1") || !strings.Contains(info, "loading_loaded_perc:") {
				t.Fatalf("INFO while loading:\n%s", info)
			}
		}
		sawLoading = true
		time.Sleep(5 * time.Millisecond)
	}
	if !sawLoading {
		t.Skip("the log loaded before the first command: this machine is too fast for the test")
	}
	if n := c.DBSize(ctx).Val(); n != keys+1 {
		t.Errorf("dbsize after loading = %d, want %d", n, keys+1)
	}
}
