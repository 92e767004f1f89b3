package command_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestConfigGet(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CONFIG", "GET", "maxclients"},
			"*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
			"%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"},
		// An exact name comes back as asked; a pattern gives the names.
		{[]string{"CONFIG", "GET", "MaxClients"}, "*2\r\n$10\r\nMaxClients\r\n$5\r\n10000\r\n", "%1\r\n$10\r\nMaxClients\r\n$5\r\n10000\r\n"},
		{[]string{"CONFIG", "GET", "MAXCLIENT?"}, "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"},
		{[]string{"CONFIG", "GET", "nosuch"}, "*0\r\n", "%0\r\n"},
		{[]string{"CONFIG", "GET", "nosuch*"}, "*0\r\n", "%0\r\n"},
		// Several patterns (Redis 7): each parameter once.
		{[]string{"CONFIG", "GET", "timeout", "maxclients", "timeout", "maxc*s"},
			"*4\r\n$7\r\ntimeout\r\n$1\r\n0\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
			"%2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"},
		{[]string{"CONFIG", "GET", "[mt][ai][xm][ce]*[st]"},
			"*4\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n$7\r\ntimeout\r\n$1\r\n0\r\n",
			"%2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"},
		{[]string{"CONFIG", "GET", "[^a-s]imeout"}, "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", "%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"},
		// Without a glob character the argument is a name, not a pattern.
		{[]string{"CONFIG", "GET", "client-query-buffer-limi\\t"}, "*0\r\n", "%0\r\n"},
		{[]string{"CONFIG", "GET", "*-query\\-buffer-limit"},
			"*2\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n1073741824\r\n",
			"%1\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n1073741824\r\n"},
		{[]string{"CONFIG", "GET", "save"}, "*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n", "%1\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n"},
		{[]string{"CONFIG", "GET"}, "-ERR wrong number of arguments for 'config|get' command\r\n", ""},
		{[]string{"CONFIG"}, "-ERR wrong number of arguments for 'config' command\r\n", ""},
		{[]string{"CONFIG", "foo"}, "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n", ""},
	})
}

func TestConfigSet(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CONFIG", "SET", "maxclients"}, "-ERR wrong number of arguments for 'config|set' command\r\n", ""},
		{[]string{"CONFIG", "SET", "maxclients", "10", "timeout"}, "-ERR syntax error\r\n", ""},
		{[]string{"CONFIG", "SET", "nosuch", "1"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n", ""},
		{[]string{"CONFIG", "SET", "maxclients", "abc"}, "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n", ""},
		{[]string{"CONFIG", "SET", "timeout", "-1"}, "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive\r\n", ""},
		{[]string{"CONFIG", "SET", "timeout", "0", "timeout", "0"}, "-ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter\r\n", ""},
		{[]string{"CONFIG", "SET", "port", "1"}, "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n", ""},
		{[]string{"CONFIG", "SET", "loglevel", "foo"}, "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning\r\n", ""},
		// All or nothing: a bad second value leaves the first unchanged.
		{[]string{"CONFIG", "SET", "maxclients", "100", "timeout", "abc"}, "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer\r\n", ""},
		{[]string{"CONFIG", "GET", "maxclients"}, "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"},
		{[]string{"CONFIG", "SET", "MAXCLIENTS", "500", "loglevel", "WARNING"}, "+OK\r\n", ""},
		{[]string{"CONFIG", "GET", "maxclients", "loglevel"},
			"*4\r\n$10\r\nmaxclients\r\n$3\r\n500\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n",
			"%2\r\n$10\r\nmaxclients\r\n$3\r\n500\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n"},
		{[]string{"CONFIG", "REWRITE"}, "-ERR The server is running without a config file\r\n", ""},
		{[]string{"CONFIG", "RESETSTAT", "x"}, "-ERR wrong number of arguments for 'config|resetstat' command\r\n", ""},
	})
}

func TestConfigSetMaxClients(t *testing.T) {
	s := testserver.Start(t)
	admin := s.Raw(t)
	if got := admin.Do("CONFIG", "SET", "maxclients", "2"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxclients 2 = %q", got)
	}
	second := s.Raw(t)
	if got := second.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("second client PING = %q", got)
	}
	third := s.Raw(t)
	if got := third.ReadLine(); got != "-ERR max number of clients reached" {
		t.Fatalf("third client got %q", got)
	}
	if !third.Closed(2 * time.Second) {
		t.Fatal("third client not disconnected")
	}
	if got := admin.Do("INFO", "stats"); !strings.Contains(got, "rejected_connections:1\r\n") {
		t.Errorf("INFO stats after a rejection: %q", got)
	}
}

func TestConfigSetTimeout(t *testing.T) {
	s := testserver.Start(t)
	admin := s.Raw(t)
	// idleBefore was already waiting when the timeout was set: it must be
	// closed too, as Redis's clientsCron closes it.
	idleBefore := s.Raw(t)
	idleBefore.Do("PING")
	start := time.Now()
	if got := admin.Do("CONFIG", "SET", "timeout", "1"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET timeout 1 = %q", got)
	}
	idleAfter := s.Raw(t)
	for name, r := range map[string]*testserver.Raw{"idle before": idleBefore, "idle after": idleAfter} {
		// At least a little time, for the read to see an EOF already there.
		if !r.Closed(max(2500*time.Millisecond-time.Since(start), 100*time.Millisecond)) {
			t.Errorf("%s: connection not closed within 2.5 s of CONFIG SET timeout 1", name)
		}
	}
	if !admin.Closed(time.Second) {
		t.Error("admin, idle too since CONFIG SET, not closed")
	}
	if got := s.Raw(t).Do("CONFIG", "SET", "timeout", "0"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET timeout 0 = %q", got)
	}
	nc, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
	if _, err := nc.Read(make([]byte, 1)); err == nil || !srvIsTimeout(err) {
		t.Fatalf("with timeout 0 an idle client was closed: %v", err)
	}
}

func srvIsTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func TestConfigHelp(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CONFIG", "HELP"}, "*11\r\n" +
			"+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
			"+GET <pattern>\r\n" +
			"+    Return parameters matching the glob-like <pattern> and their values.\r\n" +
			"+SET <directive> <value>\r\n" +
			"+    Set the configuration <directive> to <value>.\r\n" +
			"+RESETSTAT\r\n" +
			"+    Reset statistics reported by the INFO command.\r\n" +
			"+REWRITE\r\n" +
			"+    Rewrite the configuration file.\r\n" +
			"+HELP\r\n" +
			"+    Prints this help.\r\n", ""},
	})
}

// TestConfigGetReplicaOfIsLive: CONFIG GET replicaof (and its old name
// slaveof) shows the primary the node follows now, as Redis does, not the
// directive it started with.
func TestConfigGetReplicaOfIsLive(t *testing.T) {
	s := testserver.Start(t)
	c := s.Client(t)
	ctx := context.Background()
	get := func(name string) string {
		t.Helper()
		v, err := c.ConfigGet(ctx, name).Result()
		if err != nil {
			t.Fatal(err)
		}
		return v[name]
	}
	if v := get("replicaof"); v != "" {
		t.Fatalf("replicaof on a primary: %q", v)
	}
	// Nothing listens on port 1: the link never comes up, the role is set.
	if err := c.Do(ctx, "REPLICAOF", "127.0.0.1", "1").Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"replicaof", "slaveof"} {
		if v := get(name); v != "127.0.0.1 1" {
			t.Fatalf("%s after REPLICAOF 127.0.0.1 1: %q", name, v)
		}
	}
	if err := c.Do(ctx, "REPLICAOF", "NO", "ONE").Err(); err != nil {
		t.Fatal(err)
	}
	if v := get("replicaof"); v != "" {
		t.Fatalf("replicaof after REPLICAOF NO ONE: %q", v)
	}
}
