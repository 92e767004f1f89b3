package command_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// keyFlags3 is a GETKEYSANDFLAGS reply in RESP3 for keys with the given
// flags ("k RO access", ...).
func keyFlags3(keys ...string) string {
	out := "*" + strconv.Itoa(len(keys)) + "\r\n"
	for _, k := range keys {
		f := strings.Fields(k)
		out += "*2\r\n$" + strconv.Itoa(len(f[0])) + "\r\n" + f[0] + "\r\n~" + strconv.Itoa(len(f)-1) + "\r\n"
		for _, flag := range f[1:] {
			out += "+" + flag + "\r\n"
		}
	}
	return out
}

// TestCommandGetKeysAndFlags checks each key's flags against Redis 7.0's
// replies, the options that change them (SET ... GET, BITFIELD's writes)
// included.
func TestCommandGetKeysAndFlags(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	r.Do("HELLO", "3")
	tests := []struct {
		args string
		want []string
	}{
		{"get k", []string{"k RO access"}},
		{"exists a b", []string{"a RO", "b RO"}},
		{"object encoding k", []string{"k RO"}},
		{"append k v", []string{"k RW insert"}},
		{"incr k", []string{"k RW access update"}},
		{"getex k", []string{"k RW access update"}},
		{"getdel k", []string{"k RW access delete"}},
		{"del a b", []string{"a RM delete", "b RM delete"}},
		{"mset a 1 b 2", []string{"a OW update", "b OW update"}},
		{"msetnx a 1", []string{"a OW insert"}},
		{"setnx k v", []string{"k OW insert"}},
		{"expire k 10", []string{"k RW update"}},
		{"set k v", []string{"k OW update"}},
		{"set k v NX", []string{"k OW update"}},
		{"set k v EX 10 gEt", []string{"k RW access update"}},
		{"set k get", []string{"k OW update"}}, // "get" is the value here
		{"bitfield k GET u8 0 OVERFLOW WRAP", []string{"k RO access"}},
		{"bitfield k", []string{"k RO access"}},
		{"bitfield k SET u8 0 1", []string{"k RW access update"}},
		{"bitfield k GET u8", []string{"k RW access update"}}, // incomplete: counted as a write
		{"bitfield_ro k GET u8 0", []string{"k RO access"}},
		{"bitop and d a b", []string{"d OW update", "a RO access", "b RO access"}},
		{"copy a b", []string{"a RO access", "b OW update"}},
		{"rename a b", []string{"a RW access delete", "b OW update"}},
		{"renamenx a b", []string{"a RW access delete", "b OW insert"}},
		{"lcs a b", []string{"a RO access", "b RO access"}},
	}
	for _, tt := range tests {
		args := append([]string{"COMMAND", "GETKEYSANDFLAGS"}, strings.Fields(tt.args)...)
		if got, want := r.Do(args...), keyFlags3(tt.want...); got != want {
			t.Errorf("%s = %q, want %q", tt.args, got, want)
		}
	}
}

// TestCommandInfoKeySpecs checks the key specs COMMAND INFO gives where
// they go beyond one plain spec: notes, and commands with two specs.
func TestCommandInfoKeySpecs(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	spec := func(flags string, index, lastKey int) string {
		f := strings.Fields(flags)
		out := "$5\r\nflags\r\n*" + strconv.Itoa(len(f)) + "\r\n"
		for _, x := range f {
			out += "+" + x + "\r\n"
		}
		return out + "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:" + strconv.Itoa(index) + "\r\n" +
			"$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:" + strconv.Itoa(lastKey) + "\r\n" +
			"$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
	}
	for name, want := range map[string]string{
		"set": "*1\r\n*8\r\n$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n" +
			spec("RW access update variable_flags", 1, 0),
		"bitop":  "*2\r\n*6\r\n" + spec("OW update", 2, 0) + "*6\r\n" + spec("RO access", 3, -1),
		"rename": "*2\r\n*6\r\n" + spec("RW access delete", 1, 0) + "*6\r\n" + spec("OW update", 2, 0),
		"strlen": "*1\r\n*6\r\n" + spec("RO", 1, 0),
	} {
		got := r.Do("COMMAND", "INFO", name)
		if !strings.Contains(got, want) {
			t.Errorf("COMMAND INFO %s = %q, want key specs %q", name, got, want)
		}
	}
}
