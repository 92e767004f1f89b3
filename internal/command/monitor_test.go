package command_test

import (
	"regexp"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestMonitor: a MONITOR client sees every other command as redis-server
// 7.0 shows it (compared byte for byte but for times and addresses): the
// database, the arguments quoted, passwords redacted, no admin command,
// EVAL before the commands its script calls (from "lua"), EXEC after its
// commands; it may PING but not touch keys; RESET ends it.
func TestMonitor(t *testing.T) {
	srv := testserver.Start(t)
	m, c := srv.Raw(t), srv.Raw(t)
	if got := m.Do("MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR = %q", got)
	}
	c.Do("SET", "k\x01\"", "v\n")
	c.Do("CONFIG", "GET", "maxmemory")
	c.Do("AUTH", "x")
	c.Do("SELECT", "2")
	c.Do("EVAL", "return redis.call('get','k')", "0")
	c.Do("MULTI")
	c.Do("INCR", "n")
	c.Do("EXEC")
	line := regexp.MustCompile(`^\+\d+\.\d{6} \[(\d+) ([^\]]+)\] (.*)\r\n$`)
	for _, want := range [][3]string{
		{"0", "client", `"SET" "k\x01\"" "v\n"`},
		{"0", "client", `"AUTH" "(redacted)"`},
		{"2", "client", `"SELECT" "2"`},
		{"2", "client", `"EVAL" "return redis.call('get','k')" "0"`},
		{"2", "lua", `"get" "k"`},
		{"2", "client", `"MULTI"`},
		{"2", "client", `"INCR" "n"`},
		{"2", "client", `"EXEC"`},
	} {
		got := m.ReadLine()
		sub := line.FindStringSubmatch(got + "\r\n")
		if sub == nil {
			t.Fatalf("monitor line %q", got)
		}
		client := "client"
		if sub[2] == "lua" {
			client = "lua"
		}
		if [3]string{sub[1], client, sub[3]} != want {
			t.Fatalf("monitor line %q, want db %s, %s, %s", got, want[0], want[1], want[2])
		}
	}
	if got := m.Do("GET", "k"); got != "-ERR Replica can't interact with the keyspace\r\n" {
		t.Errorf("GET from the monitor = %q", got)
	}
	m.Send("PING\r\n")
	if got := m.ReadReply(); got != "+PONG\r\n" {
		t.Errorf("PING from the monitor = %q", got)
	}
	if got := m.ReadLine(); !regexp.MustCompile(`^\+\d+\.\d{6} \[0 [^\]]+\] "PING"$`).MatchString(got) {
		t.Errorf("the monitor's own PING: %q", got)
	}
	if got := m.Do("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	if got := m.Do("GET", "k\x01\""); got != "$2\r\nv\n\r\n" {
		t.Errorf("GET after RESET = %q", got)
	}
}

// TestMonitorScriptRunAgain: a script stopped on its event loop (it ran
// past its first millisecond) and run again from its start shows each
// command it called once, as Redis, which runs it once, does.
func TestMonitorScriptRunAgain(t *testing.T) {
	srv := testserver.Start(t)
	m, c := srv.Raw(t), srv.Raw(t)
	if got := m.Do("MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR = %q", got)
	}
	script := "redis.call('get', 'k') local i = 0 while i < 2000000 do i = i + 1 end return redis.call('get', 'j')"
	if got := c.Do("EVAL", script, "0"); got != "$-1\r\n" {
		t.Fatalf("EVAL = %q", got)
	}
	c.Do("PING")
	want := []string{`"EVAL" "` + script + `" "0"`, `"get" "k"`, `"get" "j"`, `"PING"`}
	for _, w := range want {
		got := m.ReadLine()
		if !regexp.MustCompile(`^\+\d+\.\d{6} \[0 [^\]]+\] ` + regexp.QuoteMeta(w) + `$`).MatchString(got) {
			t.Fatalf("monitor line %q, want %s", got, w)
		}
	}
}
