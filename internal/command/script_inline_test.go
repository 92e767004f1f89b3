package command_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// Scripts known to write and to end quickly run on their client's event
// loop with their effects (script_exec.go runInline). With two event
// loops that all take clients (io-threads-adaptive no), a connection goes
// to the loop with the fewest, so raw connections a, b, c opened one
// after another put a and c on one loop and b on the other.

// inlineScript increments KEYS[1]; with ARGV[1] "spin" it first loops
// until killed, with "write-spin" it increments and then runs for
// ARGV[2] ms.
const inlineScript = `if ARGV[1] == 'spin' then while true do end end
local n = redis.call('incr', KEYS[1])
if ARGV[1] == 'write-spin' then
  local t = redis.call('time')
  local start = t[1] * 1000000 + t[2]
  repeat t = redis.call('time') until t[1] * 1000000 + t[2] - start > tonumber(ARGV[2]) * 1000
end
return n`

func evalshaCmd(sha, key string, argv ...string) string {
	args := append([]string{"EVALSHA", sha, "1", key}, argv...)
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

// warmRuns is enough short runs for the script to run on its event loop
// even if the machine's noise made a few of them long.
const warmRuns = 40

// warmInline runs the script, short, until it surely runs on its event
// loop, and checks its replies count up from after.
func warmInline(t *testing.T, a *testserver.Raw, sha string, after int) int {
	t.Helper()
	for i := 1; i <= warmRuns; i++ {
		a.Send(evalshaCmd(sha, "n", "fast"))
		if got, want := a.ReadReply(), ":"+strconv.Itoa(after+i)+"\r\n"; got != want {
			t.Fatalf("warm-up run %d: %q, want %q", i, got, want)
		}
	}
	return after + warmRuns
}

// waitBusy waits until b is told BUSY.
func waitBusy(t *testing.T, b *testserver.Raw) {
	t.Helper()
	waitScript(t, func() bool { return b.Do("PING") == "-"+scrBusy+"\r\n" })
}

// TestScriptInlineBusy: a quick writing script runs on its event loop; when
// it runs long anyway it turns busy past busy-reply-threshold (clients of
// the other loop get BUSY, SCRIPT KILL stops it) while the clients of its
// own loop wait and are then answered; having run long, it leaves its
// event loop from then on, and the clients of that loop get BUSY too.
func TestScriptInlineBusy(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no", "busy-reply-threshold 50")
	a, b, c := srv.Raw(t), srv.Raw(t), srv.Raw(t)
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", inlineScript), "$40\r\n"))
	warmInline(t, a, sha, 0)
	killed := "-ERR Script killed by user with SCRIPT KILL... script: " + sha + ", on @user_script:1.\r\n"

	a.Send(evalshaCmd(sha, "n", "spin"))
	waitBusy(t, b)
	c.Send("*1\r\n$4\r\nPING\r\n") // waits: the script has c's event loop
	time.Sleep(20 * time.Millisecond)
	if got := b.Do("SCRIPT", "KILL"); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if got := a.ReadReply(); got != killed {
		t.Fatalf("killed script's reply: %q", got)
	}
	if got := c.ReadReply(); got != "+PONG\r\n" {
		t.Fatalf("PING from the script's event loop: %q", got)
	}

	// It ran long: now it leaves the event loop, which serves c.
	a.Send(evalshaCmd(sha, "n", "spin"))
	waitBusy(t, b)
	if got := c.Do("PING"); got != "-"+scrBusy+"\r\n" {
		t.Fatalf("PING from the script's event loop, second time: %q", got)
	}
	if got := b.Do("SCRIPT", "KILL"); got != "+OK\r\n" {
		t.Fatalf("second SCRIPT KILL: %q", got)
	}
	if got := a.ReadReply(); got != killed {
		t.Fatalf("second killed script's reply: %q", got)
	}
	if got, want := c.Do("GET", "n"), "$2\r\n"+strconv.Itoa(warmRuns)+"\r\n"; got != want {
		t.Fatalf("n after the killed runs: %q", got)
	}
}

// TestScriptInlineBusyOneActiveLoop: with the loops following the load
// (the default), every client of an idle node is on one loop, the one a
// script that runs long on its event loop holds. A client that connects
// then is served by another loop, added because that one is stuck: it is
// told BUSY and can SCRIPT KILL.
func TestScriptInlineBusyOneActiveLoop(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "busy-reply-threshold 50")
	a := srv.Raw(t)
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", inlineScript), "$40\r\n"))
	warmInline(t, a, sha, 0)
	a.Send(evalshaCmd(sha, "n", "spin"))
	time.Sleep(300 * time.Millisecond)
	b := srv.Raw(t)
	waitBusy(t, b)
	if got := b.Do("SCRIPT", "KILL"); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if got := a.ReadReply(); !strings.HasPrefix(got, "-ERR Script killed by user") {
		t.Fatalf("killed script's reply: %q", got)
	}
}

// TestScriptInlineUnkillable: a quick writing script on its event loop
// that wrote and then runs long is busy and UNKILLABLE; it ends, replies,
// and its write stays.
func TestScriptInlineUnkillable(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no", "busy-reply-threshold 50")
	a, b := srv.Raw(t), srv.Raw(t)
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", inlineScript), "$40\r\n"))
	n := warmInline(t, a, sha, 0)
	a.Send(evalshaCmd(sha, "n", "write-spin", "300"))
	waitBusy(t, b)
	if got := b.Do("SCRIPT", "KILL"); !strings.HasPrefix(got, "-UNKILLABLE ") {
		t.Fatalf("SCRIPT KILL of a script that wrote: %q", got)
	}
	if got, want := a.ReadReply(), ":"+strconv.Itoa(n+1)+"\r\n"; got != want {
		t.Fatalf("script's reply: %q, want %q", got, want)
	}
	if got := b.Do("SCRIPT", "KILL"); got != "-NOTBUSY No scripts in execution right now.\r\n" {
		t.Fatalf("SCRIPT KILL after: %q", got)
	}
}

// inlineLib's count increments keys[1]; with args[1] "spin" it first
// loops until killed.
const inlineLib = "#!lua name=inl\n" +
	"redis.register_function('count', function(keys, args)\n" +
	"  if args[1] == 'spin' then while true do end end\n" +
	"  return redis.call('incr', keys[1])\n" +
	"end)\n"

// TestFunctionInlineBusy: a quick function runs on its event loop too
// (a function is never run twice, so it needs no attempt): past the
// threshold FUNCTION STATS shows it and FUNCTION KILL stops it, while
// the clients of its own loop wait.
func TestFunctionInlineBusy(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no", "busy-reply-threshold 50")
	a, b, c := srv.Raw(t), srv.Raw(t), srv.Raw(t)
	if got := a.Do("FUNCTION", "LOAD", inlineLib); got != "$3\r\ninl\r\n" {
		t.Fatalf("FUNCTION LOAD: %q", got)
	}
	for i := 1; i <= warmRuns; i++ {
		if got, want := a.Do("FCALL", "count", "1", "n"), ":"+strconv.Itoa(i)+"\r\n"; got != want {
			t.Fatalf("warm-up run %d: %q, want %q", i, got, want)
		}
	}
	a.Send("*5\r\n$5\r\nFCALL\r\n$5\r\ncount\r\n$1\r\n1\r\n$1\r\nn\r\n$4\r\nspin\r\n")
	fnBusy := "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n"
	waitScript(t, func() bool { return b.Do("PING") == fnBusy })
	c.Send("*1\r\n$4\r\nPING\r\n") // waits: the function has c's event loop
	running := "*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$5\r\ncount\r\n$7\r\ncommand\r\n*5\r\n$5\r\nFCALL\r\n$5\r\ncount\r\n$1\r\n1\r\n$1\r\nn\r\n$4\r\nspin\r\n$11\r\nduration_ms\r\n:"
	if got := b.Do("FUNCTION", "STATS"); !strings.HasPrefix(got, running) {
		t.Errorf("FUNCTION STATS while busy: %q", got)
	}
	if got := b.Do("FUNCTION", "KILL"); got != "+OK\r\n" {
		t.Fatalf("FUNCTION KILL: %q", got)
	}
	if got := a.ReadReply(); got != "-ERR Script killed by user with SCRIPT KILL... script: count, on @user_function:3.\r\n" {
		t.Fatalf("killed function's reply: %q", got)
	}
	if got := c.ReadReply(); got != "+PONG\r\n" {
		t.Fatalf("PING from the function's event loop: %q", got)
	}
}

// TestEvalSHAAfterFlush: EVALSHA remembers the script it found last, in
// any case of its SHA1, and forgets it with the cache.
func TestEvalSHAAfterFlush(t *testing.T) {
	srv := testserver.Start(t)
	a := srv.Raw(t)
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", "return 7"), "$40\r\n"))
	for _, s := range []string{sha, strings.ToUpper(sha), sha} {
		if got := a.Do("EVALSHA", s, "0"); got != ":7\r\n" {
			t.Fatalf("EVALSHA %s: %q", s, got)
		}
	}
	if got := a.Do("SCRIPT", "FLUSH"); got != "+OK\r\n" {
		t.Fatalf("SCRIPT FLUSH: %q", got)
	}
	if got := a.Do("EVALSHA", sha, "0"); got != "-NOSCRIPT No matching script. Please use EVAL.\r\n" {
		t.Fatalf("EVALSHA after the flush: %q", got)
	}
}

// TestScriptInlineAOF: with appendfsync always, scripts and functions
// that run on their event loop answer once their writes are in the log,
// and the writes come back after a restart.
func TestScriptInlineAOF(t *testing.T) {
	dir := t.TempDir()
	srv := testserver.Start(t, "appendonly yes", "appendfsync always", "dir "+dir)
	a := srv.Raw(t)
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", inlineScript), "$40\r\n"))
	n := warmInline(t, a, sha, 0)
	if got := a.Do("FUNCTION", "LOAD", inlineLib); got != "$3\r\ninl\r\n" {
		t.Fatalf("FUNCTION LOAD: %q", got)
	}
	for i := 1; i <= warmRuns; i++ {
		if got, want := a.Do("FCALL", "count", "1", "n"), ":"+strconv.Itoa(n+i)+"\r\n"; got != want {
			t.Fatalf("FCALL %d: %q, want %q", i, got, want)
		}
	}
	a.Conn.Close()
	srv.Node.Stop()

	b := testserver.Start(t, "appendonly yes", "dir "+dir).Raw(t)
	if got, want := b.Do("GET", "n"), "$2\r\n"+strconv.Itoa(n+warmRuns)+"\r\n"; got != want {
		t.Fatalf("n after the restart: %q, want %q", got, want)
	}
}
