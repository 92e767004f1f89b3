package command_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestClientNameAndErrors(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CLIENT", "GETNAME"}, "$-1\r\n", "_\r\n"},
		{[]string{"CLIENT", "SETNAME", "a b"}, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n", ""},
		{[]string{"CLIENT", "SETNAME", "caf\xc3\xa9"}, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n", ""},
		{[]string{"CLIENT", "SETNAME", "worker-1"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "GETNAME"}, "$8\r\nworker-1\r\n", ""},
		{[]string{"CLIENT", "SETNAME", ""}, "+OK\r\n", ""},
		{[]string{"CLIENT", "GETNAME"}, "$-1\r\n", "_\r\n"},
		{[]string{"CLIENT", "SETNAME"}, "-ERR wrong number of arguments for 'client|setname' command\r\n", ""},
		{[]string{"CLIENT", "GETNAME", "x"}, "-ERR wrong number of arguments for 'client|getname' command\r\n", ""},
		{[]string{"CLIENT", "ID", "x"}, "-ERR wrong number of arguments for 'client|id' command\r\n", ""},
		{[]string{"CLIENT", "INFO", "x"}, "-ERR wrong number of arguments for 'client|info' command\r\n", ""},
		{[]string{"CLIENT"}, "-ERR wrong number of arguments for 'client' command\r\n", ""},
		{[]string{"CLIENT", "foo"}, "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", ""},
		{[]string{"CLIENT", "NO-EVICT", "maybe"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "NO-EVICT", "ON"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "NO-EVICT", "off"}, "+OK\r\n", ""},
		// CLIENT SETINFO as Redis 7.2 answers it.
		{[]string{"CLIENT", "SETINFO", "lib-name", "go-redis(shoal)"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "SETINFO", "LIB-VER", "9.0"}, "+OK\r\n", ""},
		{[]string{"CLIENT", "SETINFO", "LIB-VER", "9 0"}, "-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n", ""},
		{[]string{"CLIENT", "SETINFO", "lib-color", "red"}, "-ERR Unrecognized option 'lib-color'\r\n", ""},
		{[]string{"CLIENT", "SETINFO", "lib-name"}, "-ERR wrong number of arguments for 'client|setinfo' command\r\n", ""},
	})
}

func TestClientIDAndInfo(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		c := s.ClientProto(t, proto)
		id, err := c.ClientID(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Do(ctx, "CLIENT", "SETNAME", "me").Err(); err != nil {
			t.Fatal(err)
		}
		c.Do(ctx, "CLIENT", "NO-EVICT", "on")
		c.Do(ctx, "CLIENT", "SETINFO", "LIB-NAME", "mylib")
		c.Do(ctx, "SELECT", "3")
		info, err := c.ClientInfo(ctx).Result()
		if err != nil {
			t.Fatalf("RESP%d CLIENT INFO: %v", proto, err)
		}
		if info.ID != id || info.Name != "me" || info.DB != 3 || info.LastCmd != "client|info" || info.Resp != proto {
			t.Errorf("RESP%d CLIENT INFO = %+v, want id %d, name me, db 3, cmd client|info", proto, info, id)
		}
		raw, _ := c.Do(ctx, "CLIENT", "INFO").Text()
		for _, want := range []string{"id=" + strconv.FormatInt(id, 10) + " ", " flags=e ", " lib-name=mylib "} {
			if !strings.Contains(raw, want) {
				t.Errorf("RESP%d CLIENT INFO %q lacks %q", proto, raw, want)
			}
		}
		if !strings.HasSuffix(raw, "\n") || strings.Count(raw, "\n") != 1 {
			t.Errorf("RESP%d CLIENT INFO %q: want one line ending in \\n", proto, raw)
		}
	}
	// The reply is a bulk string in RESP2, a verbatim txt string in RESP3.
	r := s.Raw(t)
	if got := r.Do("CLIENT", "INFO"); !strings.HasPrefix(got, "$") || !strings.HasSuffix(got, "\n\r\n") {
		t.Errorf("RESP2 CLIENT INFO = %q, want a bulk string", got)
	}
	r.Do("HELLO", "3")
	if got := r.Do("CLIENT", "INFO"); !strings.HasPrefix(got, "=") || !strings.Contains(got, "\r\ntxt:id=") {
		t.Errorf("RESP3 CLIENT INFO = %q, want a verbatim txt string", got)
	}
}

// srvClientLines returns the lines of a CLIENT LIST reply.
func srvClientLines(t *testing.T, r *testserver.Raw, args ...string) []string {
	t.Helper()
	reply := r.Do(append([]string{"CLIENT", "LIST"}, args...)...)
	header, body, _ := strings.Cut(reply, "\r\n")
	if header[0] != '$' && header[0] != '=' {
		t.Fatalf("CLIENT LIST %q = %q", args, reply)
	}
	body = strings.TrimPrefix(strings.TrimSuffix(body, "\r\n"), "txt:")
	if body == "" {
		return nil
	}
	if !strings.HasSuffix(body, "\n") {
		t.Fatalf("CLIENT LIST %q = %q: lines must end in \\n", args, reply)
	}
	return strings.Split(strings.TrimSuffix(body, "\n"), "\n")
}

func srvField(line, name string) string {
	for _, f := range strings.Fields(line) {
		if k, v, _ := strings.Cut(f, "="); k == name {
			return v
		}
	}
	return ""
}

func TestClientList(t *testing.T) {
	s := testserver.Start(t)
	// Clients accepted at the same instant by different event loops may
	// be numbered in either order; b connects once a is served.
	a := s.Raw(t)
	a.Do("CLIENT", "SETNAME", "a")
	b := s.Raw(t)
	b.Do("CLIENT", "SETNAME", "b")
	idA := strings.Trim(a.Do("CLIENT", "ID"), ":\r\n")
	idB := strings.Trim(b.Do("CLIENT", "ID"), ":\r\n")
	b.Do("HELLO", "3")

	for _, r := range []*testserver.Raw{a, b} {
		all := srvClientLines(t, r)
		if len(all) != 2 || srvField(all[0], "name") != "a" || srvField(all[1], "name") != "b" {
			t.Fatalf("CLIENT LIST = %q, want a then b", all)
		}
		if got := srvField(all[0], "cmd"); r == a && got != "client|list" {
			t.Errorf("own cmd = %q, want client|list", got)
		}
		if got := srvClientLines(t, r, "TYPE", "normal"); len(got) != 2 {
			t.Errorf("CLIENT LIST TYPE normal = %q", got)
		}
		for _, typ := range []string{"pubsub", "master", "replica", "SLAVE"} {
			if got := srvClientLines(t, r, "TYPE", typ); len(got) != 0 {
				t.Errorf("CLIENT LIST TYPE %s = %q, want none", typ, got)
			}
		}
		got := srvClientLines(t, r, "ID", idB, "999", idA, idB)
		if len(got) != 3 || srvField(got[0], "id") != idB || srvField(got[1], "id") != idA || srvField(got[2], "id") != idB {
			t.Errorf("CLIENT LIST ID %s 999 %s %s = %q", idB, idA, idB, got)
		}
	}
	srvCheck(t, s, []srvCase{
		{[]string{"CLIENT", "LIST", "ID", "1", "x"}, "-ERR Invalid client ID\r\n", ""},
		{[]string{"CLIENT", "LIST", "ID", "999"}, "$0\r\n\r\n", "=4\r\ntxt:\r\n"},
		{[]string{"CLIENT", "LIST", "TYPE", "foo"}, "-ERR Unknown client type 'foo'\r\n", ""},
		{[]string{"CLIENT", "LIST", "TYPE"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "LIST", "ID"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "LIST", "TYPE", "normal", "ID", "1"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "LIST", "foo"}, "-ERR syntax error\r\n", ""},
	})
}

func TestClientKillErrors(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"CLIENT", "KILL", "1.2.3.4:5"}, "-ERR No such client\r\n", ""},
		{[]string{"CLIENT", "KILL", "ID", "999"}, ":0\r\n", ""},
		{[]string{"CLIENT", "KILL", "ID", "0"}, "-ERR client-id should be greater than 0\r\n", ""},
		{[]string{"CLIENT", "KILL", "ID", "abc"}, "-ERR client-id should be greater than 0\r\n", ""},
		{[]string{"CLIENT", "KILL", "TYPE", "foo"}, "-ERR Unknown client type 'foo'\r\n", ""},
		{[]string{"CLIENT", "KILL", "USER", "nobody"}, "-ERR No such user 'nobody'\r\n", ""},
		{[]string{"CLIENT", "KILL", "ADDR", "1.2.3.4:5", "USER", "nobody"}, "-ERR No such user 'nobody'\r\n", ""},
		{[]string{"CLIENT", "KILL", "foo", "bar"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "KILL", "SKIPME", "maybe"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "KILL", "ID", "1", "SKIPME"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "KILL", "MAXAGE", "1"}, "-ERR syntax error\r\n", ""},
		{[]string{"CLIENT", "KILL"}, "-ERR wrong number of arguments for 'client|kill' command\r\n", ""},
		{[]string{"CLIENT", "KILL", "TYPE", "pubsub"}, ":0\r\n", ""},
	})
}

func TestClientKillByID(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	victim := s.Client(t)
	id, err := victim.ClientID(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	admin := s.Client2(t)
	if n, err := admin.ClientKillByFilter(ctx, "ID", strconv.FormatInt(id, 10)).Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT KILL ID %d = %d, %v; want 1", id, n, err)
	}
	r := s.Raw(t)
	if got := srvClientLines(t, r, "ID", strconv.FormatInt(id, 10)); len(got) != 0 {
		t.Fatalf("killed client still listed: %q", got)
	}
	// go-redis either fails on the dead connection or dials a new one:
	// never the old connection.
	if newID, err := victim.ClientID(ctx).Result(); err == nil && newID == id {
		t.Fatalf("killed connection %d still answers", id)
	}
}

// TestClientKillClosesBeforeReply: as in Redis, which frees the client it
// kills before it replies, the victim's socket is closed by the time the
// killer has its answer, even while the victim's event loop is busy (here
// in DEBUG SLEEP). A client library that takes the killed connection from
// its pool right after sees it closed and dials again (redis-py does)
// instead of sending a command into it.
func TestClientKillClosesBeforeReply(t *testing.T) {
	s := testserver.Start(t, "io-threads 2", "io-threads-adaptive no")
	victim := s.Raw(t)
	id := strings.TrimSpace(strings.TrimPrefix(victim.Do("CLIENT", "ID"), ":"))
	victim.Send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.5\r\n")
	time.Sleep(100 * time.Millisecond) // the victim's loop sleeps
	admin := s.Client2(t)              // on the other loop: it has fewer clients
	if n, err := admin.ClientKillByFilter(context.Background(), "ID", id).Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT KILL ID %s = %d, %v; want 1", id, n, err)
	}
	// One read that does not wait: end of stream, or EAGAIN while open.
	rc, err := victim.Conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var rerr error
	rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), make([]byte, 64))
		return true
	})
	if n != 0 || rerr != nil {
		t.Fatalf("victim's socket after CLIENT KILL replied: read %d bytes, %v; want it closed", n, rerr)
	}
}

func TestClientKillOldFormAndSkipMe(t *testing.T) {
	s := testserver.Start(t)
	victim, self := s.Raw(t), s.Raw(t)
	victim.Do("CLIENT", "SETNAME", "victim")
	var addr string
	for _, l := range srvClientLines(t, self) {
		if srvField(l, "name") == "victim" {
			addr = srvField(l, "addr")
		}
	}
	if got := self.Do("CLIENT", "KILL", addr); got != "+OK\r\n" {
		t.Fatalf("CLIENT KILL %s = %q", addr, got)
	}
	if !victim.Closed(2 * time.Second) {
		t.Fatal("victim not disconnected")
	}
	if got := self.Do("CLIENT", "KILL", addr); got != "-ERR No such client\r\n" {
		t.Fatalf("second CLIENT KILL %s = %q", addr, got)
	}

	// The new form skips the caller unless told SKIPME no; then it
	// replies and closes.
	id := strings.Trim(self.Do("CLIENT", "ID"), ":\r\n")
	if got := self.Do("CLIENT", "KILL", "ID", id); got != ":0\r\n" {
		t.Fatalf("CLIENT KILL ID self = %q, want :0", got)
	}
	if got := self.Do("CLIENT", "KILL", "USER", "default", "SKIPME", "yes"); got != ":0\r\n" {
		t.Fatalf("CLIENT KILL USER default SKIPME yes = %q, want :0", got)
	}
	if got := self.Do("CLIENT", "KILL", "ID", id, "SKIPME", "no"); got != ":1\r\n" {
		t.Fatalf("CLIENT KILL ID self SKIPME no = %q, want :1", got)
	}
	if !self.Closed(2 * time.Second) {
		t.Fatal("connection not closed after killing itself")
	}
}

func TestClientKillFilters(t *testing.T) {
	s := testserver.Start(t)
	a, b, admin := s.Raw(t), s.Raw(t), s.Raw(t)
	a.Do("CLIENT", "SETNAME", "a")
	b.Do("CLIENT", "SETNAME", "b")
	var laddr, addrB string
	for _, l := range srvClientLines(t, admin) {
		laddr = srvField(l, "laddr")
		if srvField(l, "name") == "b" {
			addrB = srvField(l, "addr")
		}
	}
	if got := admin.Do("CLIENT", "KILL", "ADDR", addrB, "TYPE", "pubsub"); got != ":0\r\n" {
		t.Fatalf("kill b as pubsub = %q, want :0", got)
	}
	if got := admin.Do("CLIENT", "KILL", "ADDR", addrB, "laddr", laddr, "type", "normal"); got != ":1\r\n" {
		t.Fatalf("kill b by addr and laddr = %q, want :1", got)
	}
	if !b.Closed(2 * time.Second) {
		t.Fatal("b not disconnected")
	}
	// Everyone else on this listener: a, not the caller.
	if got := admin.Do("CLIENT", "KILL", "LADDR", laddr); got != ":1\r\n" {
		t.Fatalf("kill by laddr = %q, want :1", got)
	}
	if !a.Closed(2 * time.Second) {
		t.Fatal("a not disconnected")
	}
	if got := srvClientLines(t, admin); len(got) != 1 {
		t.Fatalf("CLIENT LIST after kills = %q, want only the caller", got)
	}
}

func TestClientHelp(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{{[]string{"CLIENT", "HELP"}, "" +
		"*48\r\n" +
		"+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
		"+CACHING (YES|NO)\r\n" +
		"+    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.\r\n" +
		"+GETREDIR\r\n" +
		"+    Return the client ID we are redirecting to when tracking is enabled.\r\n" +
		"+GETNAME\r\n" +
		"+    Return the name of the current connection.\r\n" +
		"+ID\r\n" +
		"+    Return the ID of the current connection.\r\n" +
		"+INFO\r\n" +
		"+    Return information about the current client connection.\r\n" +
		"+KILL <ip:port>\r\n" +
		"+    Kill connection made from <ip:port>.\r\n" +
		"+KILL <option> <value> [<option> <value> [...]]\r\n" +
		"+    Kill connections. Options are:\r\n" +
		"+    * ADDR (<ip:port>|<unixsocket>:0)\r\n" +
		"+      Kill connections made from the specified address\r\n" +
		"+    * LADDR (<ip:port>|<unixsocket>:0)\r\n" +
		"+      Kill connections made to specified local address\r\n" +
		"+    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)\r\n" +
		"+      Kill connections by type.\r\n" +
		"+    * USER <username>\r\n" +
		"+      Kill connections authenticated by <username>.\r\n" +
		"+    * SKIPME (YES|NO)\r\n" +
		"+      Skip killing current connection (default: yes).\r\n" +
		"+LIST [options ...]\r\n" +
		"+    Return information about client connections. Options:\r\n" +
		"+    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)\r\n" +
		"+      Return clients of specified type.\r\n" +
		"+UNPAUSE\r\n" +
		"+    Stop the current client pause, resuming traffic.\r\n" +
		"+PAUSE <timeout> [WRITE|ALL]\r\n" +
		"+    Suspend all, or just write, clients for <timeout> milliseconds.\r\n" +
		"+REPLY (ON|OFF|SKIP)\r\n" +
		"+    Control the replies sent to the current connection.\r\n" +
		"+SETNAME <name>\r\n" +
		"+    Assign the name <name> to the current connection.\r\n" +
		"+UNBLOCK <clientid> [TIMEOUT|ERROR]\r\n" +
		"+    Unblock the specified blocked client.\r\n" +
		"+TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]\r\n" +
		"+         [OPTIN] [OPTOUT] [NOLOOP]\r\n" +
		"+    Control server assisted client side caching.\r\n" +
		"+TRACKINGINFO\r\n" +
		"+    Report tracking status for the current connection.\r\n" +
		"+NO-EVICT (ON|OFF)\r\n" +
		"+    Protect current client connection from eviction.\r\n" +
		"+HELP\r\n" +
		"+    Prints this help.\r\n", ""}})
}

// TestClientReply: CLIENT REPLY OFF drops every reply (errors too) until
// ON, which answers OK; SKIP drops the next command's reply only; as
// redis-server 7.0 does (compared byte for byte).
func TestClientReply(t *testing.T) {
	r := testserver.Start(t).Raw(t)
	r.Send("CLIENT REPLY OFF\r\nPING\r\nSET a\r\nGETX\r\nCLIENT REPLY SKIP\r\nECHO skipped\r\nCLIENT REPLY ON\r\nECHO one\r\n" +
		"CLIENT REPLY SKIP\r\nECHO two\r\nECHO three\r\nCLIENT REPLY foo\r\n")
	for _, want := range []string{"+OK\r\n", "$3\r\none\r\n", "$5\r\nthree\r\n", "-ERR syntax error\r\n"} {
		if got := r.ReadReply(); got != want {
			t.Fatalf("reply %q, want %q", got, want)
		}
	}
	if got := r.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after: %q (a reply that should have been dropped?)", got)
	}
	if got := r.Do("CLIENT", "GETREDIR"); got != ":-1\r\n" {
		t.Errorf("CLIENT GETREDIR = %q", got)
	}
	if got := r.Do("CLIENT", "TRACKINGINFO"); got != "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n" {
		t.Errorf("CLIENT TRACKINGINFO = %q", got)
	}
}

// TestClientReplyBlockedCommand: a blocking command parked under CLIENT
// REPLY OFF or SKIP has its reply dropped when it is unblocked (here by
// its timeout), as redis-server 7.0 does: only the replies after it come.
func TestClientReplyBlockedCommand(t *testing.T) {
	s := testserver.Start(t)
	for _, tc := range []struct{ pipeline, want string }{
		{"CLIENT REPLY OFF\r\nBLPOP list 0.1\r\nCLIENT REPLY ON\r\nPING\r\n", "+OK\r\n"}, // redis-server 7.0.15: +OK +PONG
		{"CLIENT REPLY SKIP\r\nBLPOP list 0.1\r\nPING\r\n", "+PONG\r\n"},                 // redis-server 7.0.15: +PONG
	} {
		r := s.Raw(t)
		r.Send(tc.pipeline)
		if got := r.ReadReply(); got != tc.want {
			t.Errorf("%q: first reply %q, want %q", tc.pipeline, got, tc.want)
		}
	}
}
