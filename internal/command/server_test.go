package command_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// srvCase is one command and the raw replies redis-server 7.0 gives to it
// under RESP2 and RESP3 (want3 empty: the same as want2).
type srvCase struct {
	args         []string
	want2, want3 string
}

// srvCheck runs every case on a RESP2 and on a RESP3 connection, in order,
// and compares the raw replies.
func srvCheck(t *testing.T, s *testserver.Server, cases []srvCase) {
	t.Helper()
	r2, r3 := s.Raw(t), s.Raw(t)
	r3.Do("HELLO", "3")
	for _, tc := range cases {
		want3 := tc.want3
		if want3 == "" {
			want3 = tc.want2
		}
		if got := r2.Do(tc.args...); got != tc.want2 {
			t.Errorf("RESP2 %q = %q, want %q", tc.args, got, tc.want2)
		}
		if got := r3.Do(tc.args...); got != want3 {
			t.Errorf("RESP3 %q = %q, want %q", tc.args, got, want3)
		}
	}
}

// srvPut stores string keys in database db straight through the engine,
// so these tests do not depend on the string family. ttl 0 means none; a
// negative ttl stores a key that has already expired.
func srvPut(t *testing.T, s *testserver.Server, db int, ttl time.Duration, keys ...string) {
	t.Helper()
	eng := s.Node.Engine()
	txn := eng.NewTxn()
	for _, k := range keys {
		v := txn.LockKey(eng.DB(db), []byte(k))
		var at int64
		if ttl != 0 {
			at = time.Now().Add(ttl).UnixMilli()
		}
		v.Put([]byte(k), engine.NewString([]byte("v")), at)
		txn.Unlock()
	}
}

func TestDBSizeFlushSwapDB(t *testing.T) {
	s := testserver.Start(t)
	srvPut(t, s, 0, 0, "a", "b", "c")
	srvPut(t, s, 1, 0, "x")
	srvCheck(t, s, []srvCase{
		{[]string{"DBSIZE"}, ":3\r\n", ""},
		{[]string{"SWAPDB", "0", "1"}, "+OK\r\n", ""},
		// Swapped twice (once per connection): back where it started.
		{[]string{"DBSIZE"}, ":3\r\n", ""},
		{[]string{"SWAPDB", "0", "0"}, "+OK\r\n", ""},
		{[]string{"SWAPDB", "a", "1"}, "-ERR invalid first DB index\r\n", ""},
		{[]string{"SWAPDB", "0", "b"}, "-ERR invalid second DB index\r\n", ""},
		{[]string{"SWAPDB", "4294967296", "0"}, "-ERR invalid first DB index\r\n", ""},
		{[]string{"SWAPDB", "0", "16"}, "-ERR DB index is out of range\r\n", ""},
		{[]string{"SWAPDB", "-1", "0"}, "-ERR DB index is out of range\r\n", ""},
		{[]string{"SWAPDB", "0"}, "-ERR wrong number of arguments for 'swapdb' command\r\n", ""},
		{[]string{"FLUSHDB", "foo"}, "-ERR syntax error\r\n", ""},
		{[]string{"FLUSHDB", "sync", "async"}, "-ERR syntax error\r\n", ""},
		{[]string{"FLUSHALL", "now"}, "-ERR syntax error\r\n", ""},
		{[]string{"DBSIZE", "x"}, "-ERR wrong number of arguments for 'dbsize' command\r\n", ""},
	})
}

func TestSwapDBMovesKeys(t *testing.T) {
	s := testserver.Start(t)
	srvPut(t, s, 0, 0, "a", "b", "c")
	srvPut(t, s, 2, 0, "x")
	r := s.Raw(t)
	steps := []struct{ args, want string }{
		{"SWAPDB 0 2", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"SELECT 2", "+OK\r\n"},
		{"DBSIZE", ":3\r\n"},
		{"FLUSHDB ASYNC", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"FLUSHALL SYNC", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
	}
	for _, st := range steps {
		if got := r.Do(strings.Fields(st.args)...); got != st.want {
			t.Fatalf("%s = %q, want %q", st.args, got, st.want)
		}
	}
	if n := s.Node.Engine().DB(2).Size(); n != 0 {
		t.Fatalf("db 2 has %d keys after FLUSHALL", n)
	}
}

func TestTime(t *testing.T) {
	s := testserver.Start(t)
	for _, proto := range []int{2, 3} {
		r := s.Raw(t)
		r.Do("HELLO", strconv.Itoa(proto))
		reply := r.Do("TIME")
		lines := strings.Split(reply, "\r\n")
		if len(lines) != 6 || lines[0] != "*2" || lines[1] != "$10" {
			t.Fatalf("RESP%d TIME = %q, want an array of two bulk strings", proto, reply)
		}
		sec, _ := strconv.ParseInt(lines[2], 10, 64)
		usec, err := strconv.ParseInt(lines[4], 10, 64)
		if d := time.Now().Unix() - sec; d < 0 || d > 2 || err != nil || usec < 0 || usec > 999999 {
			t.Fatalf("RESP%d TIME = %q, not now", proto, reply)
		}
	}
}

func TestShutdownRefusals(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"SHUTDOWN", "foo"}, "-ERR syntax error\r\n", ""},
		{[]string{"SHUTDOWN", "SAVE", "NOSAVE"}, "-ERR syntax error\r\n", ""},
		{[]string{"SHUTDOWN", "ABORT", "NOW"}, "-ERR syntax error\r\n", ""},
		{[]string{"SHUTDOWN", "ABORT"}, "-ERR No shutdown in progress.\r\n", ""},
		{[]string{"PING"}, "+PONG\r\n", ""},
	})
	select {
	case <-s.Node.Done():
		t.Fatal("node stopped after a refused SHUTDOWN")
	default:
	}
}

func TestShutdownStopsNode(t *testing.T) {
	for _, args := range [][]string{{"SHUTDOWN"}, {"SHUTDOWN", "NOSAVE", "NOW"}, {"shutdown", "save", "force"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			s := testserver.Start(t)
			other := s.Raw(t)
			r := s.Raw(t)
			if got := r.Do("PING"); got != "+PONG\r\n" {
				t.Fatalf("PING = %q", got)
			}
			var cmd strings.Builder
			cmd.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
			for _, a := range args {
				cmd.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
			}
			r.Send(cmd.String())
			// No reply: the connection just closes, as with Redis.
			if !r.Closed(5 * time.Second) {
				t.Fatal("connection not closed (or a reply was sent) after SHUTDOWN")
			}
			select {
			case <-s.Node.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("node did not stop after SHUTDOWN")
			}
			if !other.Closed(time.Second) {
				t.Fatal("other client still connected after SHUTDOWN")
			}
		})
	}
}
