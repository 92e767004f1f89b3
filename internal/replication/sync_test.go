package replication_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSyncModeLosesNothingAcknowledged: in replication-mode sync, the
// primary is killed (SIGKILL) at a random moment under load and its
// replica promoted; every write a client saw acknowledged is on it.
func TestSyncModeLosesNothingAcknowledged(t *testing.T) {
	rounds := 10
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		t.Run(fmt.Sprint(round), func(t *testing.T) { syncModeRound(t, round) })
	}
}

func syncModeRound(t *testing.T, round int) {
	ctx := context.Background()
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 3000")
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				k := fmt.Sprintf("r%d:w%d:%d", round, w, i)
				if err := p.c.Set(ctx, k, i, 0).Err(); err != nil {
					return // the primary is gone
				}
				mu.Lock()
				acked = append(acked, k)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Duration(50+rand.IntN(300)) * time.Millisecond)
	p.Kill()
	wg.Wait()
	if err := r.c.Do(ctx, "REPLICAOF", "NO", "ONE").Err(); err != nil {
		t.Fatal(err)
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	for i := 0; i < len(acked); i += 500 {
		batch := acked[i:min(i+500, len(acked))]
		n, err := r.c.Exists(ctx, batch...).Result()
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != len(batch) {
			var missing []string
			for _, k := range batch {
				if r.c.Exists(ctx, k).Val() == 0 {
					missing = append(missing, k)
				}
			}
			t.Fatalf("%d acknowledged writes missing on the promoted replica: %s", len(missing), strings.Join(missing[:min(5, len(missing))], " "))
		}
	}
	if err := r.c.Set(ctx, "promoted", 1, 0).Err(); err != nil {
		t.Fatalf("write on the promoted replica: %v", err)
	}
	t.Logf("%d acknowledged writes, all on the promoted replica", len(acked))
}

// TestSyncModeWithoutReplicaFails: with no replica a sync-mode write
// waits sync-replication-timeout and fails; once a replica is there,
// writes succeed.
func TestSyncModeWithoutReplicaFails(t *testing.T) {
	ctx := context.Background()
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 200")
	begin := time.Now()
	err := p.c.Set(ctx, "k", "v", 0).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "NOREPLICAS Not enough in-sync replicas acknowledged the write") {
		t.Fatalf("sync write without replica: %v", err)
	}
	if el := time.Since(begin); el < 150*time.Millisecond {
		t.Fatalf("failed after %v, before sync-replication-timeout", el)
	}
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	if err := p.c.Set(ctx, "k", "v2", 0).Err(); err != nil {
		t.Fatalf("sync write with a replica: %v", err)
	}
	if v := r.c.Get(ctx, "k").Val(); v != "v2" {
		t.Fatalf("the replica has %q once the write was acknowledged", v)
	}
}

// TestSyncModeHoldsRepliesBeforeAParkedCommand: in a pipeline whose
// last command parks the client (a blocking pop with nothing to pop, a
// command held by CLIENT PAUSE), the replies before it wait for their
// writes to be replicated like any other: without a replica the SET's
// reply is sync mode's error, not +OK, and it comes before the parked
// command's own reply.
func TestSyncModeHoldsRepliesBeforeAParkedCommand(t *testing.T) {
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 300")
	for _, tc := range []struct {
		name, pipeline string
		after          func() // ends the parking
		want           []string
	}{
		{
			name:     "blocking pop",
			pipeline: "SET k v\r\nBLPOP list 0.1\r\n", // times out before the SET fails
			want:     []string{"-NOREPLICAS", "*-1"},
		},
		{
			name:     "paused write",
			pipeline: "SET k v\r\nCLIENT PAUSE 500 WRITE\r\nSET k2 v\r\n",
			want:     []string{"-NOREPLICAS", "-NOREPLICAS", "-NOREPLICAS"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replies := pipelineReplies(t, p.Addr, tc.pipeline, tc.want)
			if replies[0] < 250*time.Millisecond {
				t.Fatalf("first reply after %v, before sync-replication-timeout", replies[0])
			}
		})
	}
}

// TestSyncModeAfterHeldRepliesFail: once the replies held before a
// parked command failed (no replica), the commands after the parked one
// that write nothing are answered at once: the failed position is not
// waited for, and failed, a second time. One error replaces each held
// reply: a command whose reply CLIENT REPLY SKIP dropped (and CLIENT
// REPLY SKIP itself, which answers nothing) gets none.
func TestSyncModeAfterHeldRepliesFail(t *testing.T) {
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 300")
	for _, tc := range []struct {
		pipeline string
		want     []string
	}{
		{"SET k v\r\nBLPOP list 0.1\r\nPING\r\n", []string{"-NOREPLICAS", "*-1", "+PONG"}},
		{"SET k v\r\nCLIENT REPLY SKIP\r\nSET k2 v\r\nBLPOP list 0.1\r\nPING\r\n", []string{"-NOREPLICAS", "*-1", "+PONG"}},
	} {
		replies := pipelineReplies(t, p.Addr, tc.pipeline, tc.want)
		if el := replies[len(replies)-1]; el > 550*time.Millisecond {
			t.Errorf("%q: last reply after %v: waited for the failed write again", tc.pipeline, el)
		}
	}
}

// TestSyncModeBusyScriptWriteFails: a script that turned busy (its
// client parked) and wrote has its reply held for the write like any
// other: without a replica it is sync mode's error, not the script's
// reply, as for a script that did not turn busy.
func TestSyncModeBusyScriptWriteFails(t *testing.T) {
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 200", "busy-reply-threshold 10")
	ctx := context.Background()
	for _, body := range []string{
		"redis.call('set', 'k', 'v') return 'done'",
		"local i = 0 while i < 3000000 do i = i + 1 end redis.call('set', 'k', 'v') return 'done'",
	} {
		err := p.c.Eval(ctx, body, nil).Err()
		if err == nil || !strings.HasPrefix(err.Error(), "NOREPLICAS") {
			t.Errorf("%q: %v, want NOREPLICAS", body, err)
		}
	}
}

// pipelineReplies sends pipeline on a connection of its own to addr and
// reads one line a reply, each of which must start as want says; it
// returns when each came, from the send.
func pipelineReplies(t *testing.T, addr, pipeline string, want []string) []time.Duration {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	begin := time.Now()
	if _, err := io.WriteString(c, pipeline); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	rd := bufio.NewReader(c)
	var at []time.Duration
	for i, w := range want {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("%q: reply %d: %v", pipeline, i, err)
		}
		if !strings.HasPrefix(line, w) {
			t.Fatalf("%q: reply %d is %q after %v, want %s…", pipeline, i, line, time.Since(begin), w)
		}
		at = append(at, time.Since(begin))
	}
	return at
}

// TestSyncModeRepliesOffHoldsNothing: under CLIENT REPLY OFF a write whose
// wait fails has no reply to replace: the client hears no error for it,
// and its next reply (once replies are on again) is that command's own.
func TestSyncModeRepliesOffHoldsNothing(t *testing.T) {
	p := start(t, "", "replication-mode sync", "sync-replication-timeout 200")
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "CLIENT REPLY OFF\r\nSET k v\r\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // past the failed wait
	if _, err := io.WriteString(c, "CLIENT REPLY ON\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "+OK\r\n" {
		t.Fatalf("first reply after CLIENT REPLY ON: %q, %v; want +OK", line, err)
	}
}
