package command_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestConnectionCommandFlags checks the flags COMMAND INFO reports against
// Redis 7.0's.
func TestConnectionCommandFlags(t *testing.T) {
	tbl := command.NewTable()
	for name, want := range map[string]string{
		"ping":   "fast",
		"echo":   "loading stale fast",
		"select": "loading stale fast",
		"quit":   "noscript loading stale fast no_auth allow_busy",
		"reset":  "noscript loading stale fast no_auth allow_busy",
		"auth":   "noscript loading stale fast no_auth allow_busy",
		"hello":  "noscript loading stale fast no_auth allow_busy",
	} {
		if got := tbl.Lookup([]byte(name)).Flags.Names(); !slices.Equal(got, strings.Fields(want)) {
			t.Errorf("%s: flags %v, want %s", name, got, want)
		}
	}
}

// TestErrorArgumentStopsAtNUL checks the errors that quote an argument:
// Redis formats it with C's %s, which stops at a NUL byte.
func TestErrorArgumentStopsAtNUL(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"EXPIRE", "k", "10", "a\x00b"}, "-ERR Unsupported option a\r\n"},
		{[]string{"HELLO", "3", "a\x00b"}, "-ERR Syntax error in HELLO option 'a'\r\n"},
		{[]string{"CLIENT", "LIST", "TYPE", "a\x00b"}, "-ERR Unknown client type 'a'\r\n"},
		{[]string{"CLIENT", "KILL", "TYPE", "a\x00b"}, "-ERR Unknown client type 'a'\r\n"},
		{[]string{"CLIENT", "KILL", "USER", "a\x00b"}, "-ERR No such user 'a'\r\n"},
	} {
		if got := r.Do(tt.args...); got != tt.want {
			t.Errorf("%q = %q, want %q", tt.args, got, tt.want)
		}
	}
}
