package compat

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// marker ends every protocol case: when its reply comes back, the server
// has answered everything before it and kept the connection open.
const (
	marker      = "*2\r\n$4\r\nECHO\r\n$6\r\nMARKER\r\n"
	markerReply = "$6\r\nMARKER\r\n"
)

// protocolCases are raw bytes, well-formed or not, inline and multibulk.
var protocolCases = []struct{ name, in string }{
	{"inline", "PING\r\nPING\nECHO hi\r\n"},
	{"inline-quotes", "SET a 'b c'\r\nGET a\r\nECHO \"x\\x41\\n\"\r\nECHO 'it\\'s'\r\n"},
	{"inline-empty-lines", "\r\n\n   \r\nPING\r\n"},
	{"inline-unbalanced", "ECHO \"abc\r\n"},
	{"inline-quote-then-letter", "ECHO 'a'b\r\n"},
	{"inline-too-big", strings.Repeat("a", 200000)},
	{"multibulk-null-and-empty", "*-1\r\n*0\r\n*1\r\n$4\r\nPING\r\n"},
	{"multibulk-bad-count", "*abc\r\n"},
	{"multibulk-count-too-big", "*2147483648\r\n"},
	{"multibulk-count-line-too-big", "*" + strings.Repeat("1", 200000)},
	{"multibulk-expected-dollar", "*1\r\n+foo\r\n"},
	{"multibulk-bad-bulk-length", "*1\r\n$abc\r\n"},
	{"multibulk-negative-bulk-length", "*1\r\n$-1\r\n"},
	{"multibulk-bulk-too-big", "*1\r\n$4294967296\r\n"},
	{"multibulk-no-crlf-after-bulk", "*1\r\n$4\r\nPINGxx"},
	{"multibulk-empty-name", "*1\r\n$0\r\n\r\n"},
	{"pipeline-mixed", "PING\r\n*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n"},
	{"multibulk-count-plus", "*+1\r\n"},
	{"multibulk-count-leading-zero", "*01\r\n$4\r\nPING\r\n"},
	{"multibulk-expected-dollar-colon", "*1\r\n:1\r\n"},
	{"multibulk-bulk-over-proto-max", "*2\r\n$4\r\nECHO\r\n$536870913\r\n"},
	{"multibulk-stray-crlf", "*1\r\n$4\r\nPING\r\n\r\n"},
	{"inline-tabs", "ECHO\ta\r\n"},
	{"inline-nul", "ECHO a\x00b\r\n"},
	{"inline-dollar", "$1\r\n"},
	{"inline-unknown-long", "NOSUCH " + strings.Repeat("x ", 100) + "\r\n"},
	{"quit", "QUIT\r\nPING\r\n"},
}

// unauthenticatedCases are sent to servers with a password, before AUTH:
// Redis refuses big requests from clients that have not authenticated.
var unauthenticatedCases = []struct{ name, in string }{
	{"ten-args", "*10\r\n" + strings.Repeat("$1\r\na\r\n", 10)},
	{"eleven-args", "*11\r\n"},
	{"bulk-16k", "*2\r\n$4\r\nECHO\r\n$16384\r\n" + strings.Repeat("x", 16384) + "\r\n"},
	{"bulk-over-16k", "*2\r\n$4\r\nECHO\r\n$16385\r\n"},
	{"inline", "PING\r\nAUTH secret\r\nPING\r\n"},
}

// TestProtocolUnauthenticated runs unauthenticatedCases.
func TestProtocolUnauthenticated(t *testing.T) {
	redisAddr := startRedis(t, "requirepass secret")
	shoal := testserver.Start(t, "requirepass secret", "save ")
	for _, c := range unauthenticatedCases {
		t.Run(c.name, func(t *testing.T) {
			// AUTH before the marker, so that its ECHO is answered.
			in := c.in + "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"
			r, rEnd := exchange(t, redisAddr, in)
			s, sEnd := exchange(t, shoal.Addr, in)
			if r != s || rEnd != sEnd {
				t.Errorf("%q\nredis: %q (%s)\nshoal: %q (%s)", c.in, r, rEnd, s, sEnd)
			}
		})
	}
}

// TestProtocol sends each case on a fresh connection to both servers and
// compares everything they send back, and what became of the connection.
func TestProtocol(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ") // as the reference runs: --save ""
	for _, c := range protocolCases {
		t.Run(c.name, func(t *testing.T) {
			r, rEnd := exchange(t, redisAddr, c.in)
			s, sEnd := exchange(t, shoal.Addr, c.in)
			if r != s || rEnd != sEnd {
				t.Errorf("%q\nredis: %q (%s)\nshoal: %q (%s)", c.in, r, rEnd, s, sEnd)
			}
		})
	}
}

// exchange sends in and then the marker, and reads until the marker's
// reply, the end of the connection, or a second of silence (the server
// waits for the rest of a command). It returns what came before and which
// of these happened.
func exchange(t *testing.T, addr, in string) (string, string) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(time.Second))
	// The server may close while we write: what it sent before counts.
	nc.Write([]byte(in + marker))
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for !bytes.HasSuffix(got.Bytes(), []byte(markerReply)) {
		n, err := nc.Read(buf)
		got.Write(buf[:n])
		switch {
		case err == nil:
		case isTimeout(err):
			return got.String(), "waiting"
		default:
			return got.String(), "closed"
		}
	}
	return strings.TrimSuffix(got.String(), markerReply), "open"
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestMaxClients compares what a client past maxclients gets.
func TestMaxClients(t *testing.T) {
	redisAddr := startRedis(t, "maxclients 1")
	shoal := testserver.Start(t, "maxclients 1")
	p := newPair(t, redisAddr, shoal, 2)
	p.do("PING")
	r, rEnd := exchange(t, redisAddr, "PING\r\n")
	s, sEnd := exchange(t, shoal.Addr, "PING\r\n")
	if r != s || rEnd != sEnd {
		t.Errorf("second client\nredis: %q (%s)\nshoal: %q (%s)", r, rEnd, s, sEnd)
	}
}
