package command

import (
	"bytes"
	"testing"

	"github.com/shoal-cache/shoal/internal/resp"
)

// These tests give a table commands with keys, which the families that
// own them (strings, keys) define elsewhere, to check the key positions
// COMMAND INFO and COMMAND GETKEYS derive from a spec.

// keyedTable is a table of its own, so that the string family's real GET
// and MSET do not clash with these.
func keyedTable() *Table {
	t := &Table{cmds: map[string]*Spec{}, errCounts: map[string]int64{}}
	for _, s := range connectionCommands() {
		t.add(s)
	}
	t.add(&Spec{Name: "get", Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string"})
	t.add(&Spec{Name: "mset", Arity: -3, Flags: Write | DenyOOM, FirstKey: 1, LastKey: -1, Step: 2, Group: "string"})
	t.add(&Spec{Name: "lcs", Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 2, Step: 1, Group: "string"})
	return t
}

func runOn(t *Table, proto int, handler func(*Ctx), args ...string) string {
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = proto
	c := &Ctx{W: w, Node: &Node{Table: t}}
	for _, a := range args {
		c.Args = append(c.Args, []byte(a))
	}
	handler(c)
	w.Flush()
	return out.String()
}

func TestCommandInfoKeySpecs(t *testing.T) {
	tbl := keyedTable()
	tests := []struct {
		name  string
		proto int
		want  string
	}{
		// GET, as redis-server 7.0 describes it.
		{"get", 2, "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"},
		{"get", 3, "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"},
	}
	for _, tt := range tests {
		if got := runOn(tbl, tt.proto, commandInfo, "COMMAND", "INFO", tt.name); got != tt.want {
			t.Errorf("RESP%d COMMAND INFO %s =\n%q\nwant\n%q", tt.proto, tt.name, got, tt.want)
		}
	}
	// MSET's keys: every other argument to the end (lastkey -1, keystep 2);
	// LCS's: two, so lastkey is 1 past the first.
	for name, find := range map[string]string{
		"mset": "$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n",
		"lcs":  "$7\r\nlastkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n",
	} {
		if got := runOn(tbl, 2, commandInfo, "COMMAND", "INFO", name); !bytes.Contains([]byte(got), []byte(find)) {
			t.Errorf("COMMAND INFO %s = %q, want key spec with %q", name, got, find)
		}
	}
}

func TestCommandGetKeys(t *testing.T) {
	tbl := keyedTable()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"get", "k"}, "*1\r\n$1\r\nk\r\n"},
		{[]string{"GET", "k", "x"}, "-ERR Invalid number of arguments specified for command\r\n"},
		{[]string{"mset", "a", "1", "b", "2"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"mset", "a"}, "-ERR Invalid number of arguments specified for command\r\n"},
		{[]string{"lcs", "k1", "k2", "LEN"}, "*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n"},
		{[]string{"get|x", "k"}, "-ERR Invalid command specified\r\n"},
		{[]string{"ping", "x"}, "-ERR The command has no key arguments\r\n"},
	}
	for _, tt := range tests {
		args := append([]string{"COMMAND", "GETKEYS"}, tt.args...)
		if got := runOn(tbl, 2, commandGetKeys, args...); got != tt.want {
			t.Errorf("%q = %q, want %q", args, got, tt.want)
		}
	}
	// GETKEYSANDFLAGS: each key with its access flags (a set in RESP3).
	got := runOn(tbl, 3, commandGetKeysAndFlags, "COMMAND", "GETKEYSANDFLAGS", "get", "k")
	if want := "*1\r\n*2\r\n$1\r\nk\r\n~2\r\n+RO\r\n+access\r\n"; got != want {
		t.Errorf("GETKEYSANDFLAGS get k = %q, want %q", got, want)
	}
}
