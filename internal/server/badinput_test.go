package server_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// Malformed input gets Redis's "-ERR Protocol error: ..." reply and the
// connection is closed, after the replies to the commands before it. A
// bystander client must not notice.
func TestBadInputClosesConnection(t *testing.T) {
	const inlineMax = 64 * 1024
	tests := []struct {
		name  string
		input string
		want  []string // reply lines, the last one the protocol error
	}{
		{"not a bulk", "*1\r\nx\r\n", []string{"-ERR Protocol error: expected '$', got 'x'"}},
		{"bulk over 4 GB", "*1\r\n$4294967296\r\n", []string{"-ERR Protocol error: invalid bulk length"}},
		{"bulk over proto-max-bulk-len", "*1\r\n$536870913\r\n", []string{"-ERR Protocol error: invalid bulk length"}},
		{"negative bulk", "*1\r\n$-1\r\n", []string{"-ERR Protocol error: invalid bulk length"}},
		{"bulk 2^64", "*1\r\n$18446744073709551616\r\n\r\n", []string{"-ERR Protocol error: invalid bulk length"}},
		// A length that overflows when a parser adds the CRLF to it, in a
		// batch long enough to be looked ahead into (prefetch).
		{"bulk MaxInt64 then data", "*2\r\n$3\r\nGET\r\n$9223372036854775807\r\n" + strings.Repeat("x", 64), []string{"-ERR Protocol error: invalid bulk length"}},
		{"count over INT_MAX", "*2147483648\r\n", []string{"-ERR Protocol error: invalid multibulk length"}},
		{"count 2^64", "*18446744073709551616\r\n", []string{"-ERR Protocol error: invalid multibulk length"}},
		{"count not a number", "*abc\r\n", []string{"-ERR Protocol error: invalid multibulk length"}},
		{"count with LF only", "*1\n$4\r\nPING\r\n", []string{"-ERR Protocol error: invalid multibulk length"}},
		{"unbalanced double quote", "ECHO \"a\r\n", []string{"-ERR Protocol error: unbalanced quotes in request"}},
		{"unbalanced single quote", "ECHO 'a\r\n", []string{"-ERR Protocol error: unbalanced quotes in request"}},
		{"text after closing quote", "ECHO \"a\"b\r\n", []string{"-ERR Protocol error: unbalanced quotes in request"}},
		{"earlier replies first", "PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nx\r\nPING\r\n", []string{"+PONG", "+PONG", "-ERR Protocol error: expected '$', got 'x'"}},
		{"inline too long", "ECHO " + strings.Repeat("a", inlineMax-4), []string{"-ERR Protocol error: too big inline request"}},
		{"count line too long", "*" + strings.Repeat("1", inlineMax), []string{"-ERR Protocol error: too big mbulk count string"}},
		{"bulk line too long", "*1\r\n$" + strings.Repeat("1", inlineMax), []string{"-ERR Protocol error: too big bulk count string"}},
		{"NUL hides the line end until 64 KB", "\x00PING\r\n" + strings.Repeat("a", inlineMax-6), []string{"-ERR Protocol error: too big inline request"}},
	}
	srv := testserver.Start(t)
	bystander := srv.Client(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.Raw(t)
			r.Send(tt.input)
			for _, want := range tt.want {
				if got := r.ReadLine(); got != want {
					t.Fatalf("got %q, want %q", got, want)
				}
			}
			if !closedWithin(r, 2*time.Second) {
				t.Fatal("connection left open after a protocol error")
			}
			assertHealthy(t, bystander)
		})
	}
}

// Input that is not wrong yet, only unfinished, gets no reply: Redis waits
// for the rest.
func TestBadInputWaitsForMore(t *testing.T) {
	tests := []struct {
		name, input string
		// rest completes the command, want is its reply ("" if none).
		rest, want string
	}{
		{"million arguments announced", "*1000000\r\n", "", ""},
		{"INT_MAX arguments announced", "*2147483647\r\n$1\r\na\r\n", "", ""},
		{"512 MB bulk announced", "*1\r\n$536870912\r\nabc", "", ""},
		{"NUL before the line end", "\x00PING\r\n", "", ""},
		{"NUL in the count line", "*1\x00\r\n$4\r\nPING\r\n", "", ""},
		{"half a command", "*2\r\n$4\r\nECHO\r\n$5\r\nhel", "lo\r\n", "$5\r\nhello\r\n"},
		{"half an inline command", "ECHO \"a b", "\"\r\n", "$3\r\na b\r\n"},
		{"half a bulk header", "*2\r\n$4\r\nECHO\r\n$1", "\r\nz\r\n", "$1\r\nz\r\n"},
	}
	srv := testserver.Start(t)
	bystander := srv.Client(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.Raw(t)
			r.Send(tt.input)
			assertSilent(t, r, 150*time.Millisecond)
			assertHealthy(t, bystander)
			if tt.rest != "" {
				r.Send(tt.rest)
				if got := r.ReadReply(); got != tt.want {
					t.Fatalf("after the rest: got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// Announcing huge commands and not sending them must not make the server
// allocate in proportion to what was announced.
func TestBadInputHugeHeadersCostNoMemory(t *testing.T) {
	srv := testserver.Start(t)
	bystander := srv.Client(t)
	before := liveHeap()
	var conns []*testserver.Raw
	for i := range 40 {
		r := srv.Raw(t)
		if i%2 == 0 {
			r.Send("*1000000\r\n")
		} else {
			r.Send("*2\r\n$3\r\nSET\r\n$536870912\r\n" + strings.Repeat("x", 1000))
		}
		conns = append(conns, r)
	}
	// Let the server read what was sent, then check all is still quiet.
	time.Sleep(200 * time.Millisecond)
	assertHealthy(t, bystander)
	grown := int64(liveHeap()) - int64(before)
	if grown > 8<<20 {
		t.Errorf("live heap grew by %d MB for 40 clients that announced huge commands", grown>>20)
	}
	for _, r := range conns {
		assertSilent(t, r, 10*time.Millisecond)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A client that sends half a command and goes away leaves nothing behind:
// with maxclients 2 and a bystander holding one slot, every new client
// still gets the other.
func TestBadInputHalfCommandThenDisconnect(t *testing.T) {
	srv := testserver.Start(t, "maxclients 2")
	bystander := srv.Client(t)
	halves := []string{
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc",
		"*2\r\n$4\r\nECHO\r\n$100000\r\n" + strings.Repeat("x", 50000),
		"*1000000\r\n",
		"ECHO \"unfinished",
		"*1\r\n$4",
	}
	for i := range 20 {
		r := dialAccepted(t, srv)
		r.Send(halves[i%len(halves)])
		r.Conn.Close()
	}
	dialAccepted(t, srv)
	assertHealthy(t, bystander)
}

// Before AUTH, Redis refuses more than 10 arguments or a bulk string over
// 16 KB, so that strangers cannot make it buffer much.
func TestBadInputUnauthenticatedLimits(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"eleven arguments", "*11\r\n", "-ERR Protocol error: unauthenticated multibulk length"},
		{"bulk over 16 KB", "*1\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length"},
	}
	srv := testserver.Start(t, "requirepass secret")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.Raw(t)
			r.Send(tt.input)
			if got := r.ReadLine(); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if !closedWithin(r, 2*time.Second) {
				t.Fatal("connection left open")
			}
		})
	}
	// At the limits, the command is only waited for.
	r := srv.Raw(t)
	r.Send("*10\r\n")
	assertSilent(t, r, 100*time.Millisecond)
	r = srv.Raw(t)
	r.Send("*1\r\n$16384\r\n")
	assertSilent(t, r, 100*time.Millisecond)
}
