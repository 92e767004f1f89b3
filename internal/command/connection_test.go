package command_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/command"
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
