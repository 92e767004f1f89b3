package command_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestCommandParsedByGoRedis(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		cmds, err := s.ClientProto(t, proto).Command(ctx).Result()
		if err != nil {
			t.Fatalf("RESP%d COMMAND: %v", proto, err)
		}
		count, _ := s.ClientProto(t, proto).Do(ctx, "COMMAND", "COUNT").Int64()
		if int64(len(cmds)) != count || count < 10 {
			t.Errorf("RESP%d: COMMAND has %d entries, COMMAND COUNT says %d", proto, len(cmds), count)
		}
		dbsize := cmds["dbsize"]
		if dbsize == nil || dbsize.Arity != 1 || !dbsize.ReadOnly || !slices.Equal(dbsize.Flags, []string{"readonly", "fast"}) ||
			!slices.Equal(dbsize.ACLFlags, []string{"@keyspace", "@read", "@fast"}) || dbsize.FirstKeyPos != 0 {
			t.Errorf("RESP%d dbsize = %+v", proto, dbsize)
		}
		client := cmds["client"]
		if client == nil || client.Arity != -2 || len(client.Flags) != 0 || !slices.Equal(client.ACLFlags, []string{"@slow"}) {
			t.Errorf("RESP%d client = %+v", proto, client)
		}
		if c := cmds["command"]; c == nil || c.Arity != -1 || !slices.Equal(c.ACLFlags, []string{"@slow", "@connection"}) {
			t.Errorf("RESP%d command = %+v", proto, c)
		}
	}
}

func TestCommandInfo(t *testing.T) {
	s := testserver.Start(t)
	// The replies redis-server 7.0 gives.
	srvCheck(t, s, []srvCase{
		{[]string{"COMMAND", "INFO", "dbsize", "client|id", "nosuch", "TIME"},
			"*4\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n*2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_sum\r\n*0\r\n*0\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n*10\r\n$4\r\ntime\r\n:1\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@fast\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n",
			"*4\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n~2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n~2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_sum\r\n~0\r\n~0\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n~3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n_\r\n*10\r\n$4\r\ntime\r\n:1\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@fast\r\n~1\r\n$23\r\nnondeterministic_output\r\n~0\r\n~0\r\n"},
		{[]string{"COMMAND", "INFO", "swapdb", "shutdown", "info", "command|getkeys", "CONFIG|SET"},
			"*5\r\n*10\r\n$6\r\nswapdb\r\n:3\r\n*2\r\n+write\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@keyspace\r\n+@write\r\n+@fast\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n*10\r\n$8\r\nshutdown\r\n:-1\r\n*6\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n+no_multi\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n*10\r\n$4\r\ninfo\r\n:-1\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@dangerous\r\n*3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n*10\r\n$15\r\ncommand|getkeys\r\n:-4\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n*10\r\n$10\r\nconfig|set\r\n:-4\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*2\r\n$24\r\nrequest_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n",
			"*5\r\n*10\r\n$6\r\nswapdb\r\n:3\r\n~2\r\n+write\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~4\r\n+@keyspace\r\n+@write\r\n+@fast\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n*10\r\n$8\r\nshutdown\r\n:-1\r\n~6\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n+no_multi\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n*10\r\n$4\r\ninfo\r\n:-1\r\n~2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@dangerous\r\n~3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n~0\r\n~0\r\n*10\r\n$15\r\ncommand|getkeys\r\n:-4\r\n~2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n*10\r\n$10\r\nconfig|set\r\n:-4\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~2\r\n$24\r\nrequest_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n~0\r\n~0\r\n"},
		{[]string{"COMMAND", "INFO", "nosuch", "client|nosuch", "get|x"}, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", "*3\r\n_\r\n_\r\n_\r\n"},
		{[]string{"COMMAND", "COUNT", "x"}, "-ERR wrong number of arguments for 'command|count' command\r\n", ""},
		{[]string{"COMMAND", "foo"}, "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n", ""},
	})
}

func TestCommandWithoutArgumentsListsAll(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	count, _ := strconv.Atoi(strings.Trim(r.Do("COMMAND", "COUNT"), ":\r\n"))
	for _, args := range [][]string{{"COMMAND"}, {"COMMAND", "INFO"}} {
		reply := r.Do(args...)
		if !strings.HasPrefix(reply, "*"+strconv.Itoa(count)+"\r\n*10\r\n") {
			t.Errorf("%q = %.60q..., want %d entries", args, reply, count)
		}
	}
	// A container lists its subcommands, each a full entry.
	info := r.Do("COMMAND", "INFO", "config")
	for _, sub := range []string{"get", "set", "resetstat", "rewrite", "help"} {
		if !strings.Contains(info, "*10\r\n$"+strconv.Itoa(len("config|"+sub))+"\r\nconfig|"+sub+"\r\n") {
			t.Errorf("COMMAND INFO config lacks config|%s: %q", sub, info)
		}
	}
}

func TestCommandDocs(t *testing.T) {
	s := testserver.Start(t)
	// Redis 7.0's bytes: its complexity, and for BRPOPLPUSH its doc flags
	// and history as sets of simple and bulk strings, and its arguments.
	const dbsize = "$6\r\ndbsize\r\n%4\r\n$7\r\nsummary\r\n$50\r\nReturn the number of keys in the selected database\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
	const brpoplpush = "$10\r\nbrpoplpush\r\n%9\r\n$7\r\nsummary\r\n$98\r\nPop an element from a list, push it to another list and return it; or block until one is available\r\n" +
		"$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$4\r\nlist\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n" +
		"$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$46\r\n`BLMOVE` with the `RIGHT` and `LEFT` arguments\r\n" +
		"$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.0.0\r\n$59\r\n`timeout` is interpreted as a double instead of an integer.\r\n" +
		"$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n" +
		"%3\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n%2\r\n$4\r\nname\r\n$7\r\ntimeout\r\n$4\r\ntype\r\n$6\r\ndouble\r\n"
	// client|setinfo is Redis 7.2's: the table's summary, version and group
	const setinfo = "$14\r\nclient|setinfo\r\n%3\r\n$7\r\nsummary\r\n$38\r\nSet client or connection specific info\r\n$5\r\nsince\r\n$5\r\n7.2.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n"
	srvCheck(t, s, []srvCase{
		{[]string{"COMMAND", "DOCS", "nosuch", "DBSIZE"}, "*2\r\n" + resp2Docs(dbsize), "%1\r\n" + dbsize},
		{[]string{"COMMAND", "DOCS", "nosuch"}, "*0\r\n", "%0\r\n"},
		{[]string{"COMMAND", "DOCS", "CLIENT|id"},
			"*2\r\n$9\r\nclient|id\r\n*8\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for the current connection\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
			"%1\r\n$9\r\nclient|id\r\n%4\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for the current connection\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"},
		{[]string{"COMMAND", "DOCS", "brpoplpush"}, "*2\r\n" + resp2Docs(brpoplpush), "%1\r\n" + brpoplpush},
		{[]string{"COMMAND", "DOCS", "client|setinfo"}, "*2\r\n" + resp2Docs(setinfo), "%1\r\n" + setinfo},
	})
	// A container's docs hold its subcommands' docs.
	docs, err := s.Client(t).Do(context.Background(), "COMMAND", "DOCS", "config").Result()
	if err != nil {
		t.Fatal(err)
	}
	config, _ := docs.(map[any]any)["config"].(map[any]any)
	subs, _ := config["subcommands"].(map[any]any)
	if config["group"] != "server" || len(subs) != 5 || subs["config|get"].(map[any]any)["since"] != "2.0.0" {
		t.Fatalf("COMMAND DOCS config = %v", docs)
	}
	// Without names: every command.
	all, err := s.Client(t).Do(context.Background(), "COMMAND", "DOCS").Result()
	count, _ := s.Client(t).Do(context.Background(), "COMMAND", "COUNT").Int64()
	if m, ok := all.(map[any]any); err != nil || !ok || int64(len(m)) != count {
		t.Fatalf("COMMAND DOCS has %d entries (%v), want %d", len(all.(map[any]any)), err, count)
	}
}

func TestCommandList(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	list := func(args ...string) []string {
		reply := r.Do(append([]string{"COMMAND", "LIST"}, args...)...)
		if strings.HasPrefix(reply, "-") {
			return []string{reply}
		}
		parts := strings.Split(reply, "\r\n")
		var names []string
		for i := 2; i < len(parts); i += 2 {
			names = append(names, parts[i])
		}
		return names
	}
	all := list()
	for _, want := range []string{"client", "client|kill", "config|get", "command", "command|docs", "info", "ping"} {
		if !slices.Contains(all, want) {
			t.Errorf("COMMAND LIST lacks %s", want)
		}
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"FILTERBY", "PATTERN", "CONFIG|[gs]e*"}, []string{"config|get", "config|set"}},
		{[]string{"filterby", "pattern", "client"}, []string{"client"}},
		{[]string{"FILTERBY", "ACLCAT", "nosuch"}, nil},
		{[]string{"FILTERBY", "MODULE", "foo"}, nil},
		{[]string{"FILTERBY", "foo", "bar"}, []string{"-ERR syntax error\r\n"}},
		{[]string{"FILTERBY", "PATTERN"}, []string{"-ERR syntax error\r\n"}},
		{[]string{"foo"}, []string{"-ERR syntax error\r\n"}},
	}
	for _, tt := range tests {
		got := list(tt.args...)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("COMMAND LIST %q = %q, want %q", tt.args, got, tt.want)
		}
	}
	keyspace := list("FILTERBY", "ACLCAT", "KEYSPACE")
	for _, name := range []string{"dbsize", "flushall", "flushdb", "swapdb"} {
		if !slices.Contains(keyspace, name) {
			t.Errorf("COMMAND LIST FILTERBY ACLCAT KEYSPACE lacks %s", name)
		}
	}
	if slices.Contains(keyspace, "info") || slices.Contains(keyspace, "time") {
		t.Errorf("COMMAND LIST FILTERBY ACLCAT KEYSPACE = %q", keyspace)
	}
	// Subcommands are filtered on their own categories, not their
	// container's: CLIENT is only @slow, CLIENT LIST is @dangerous.
	dangerous := list("FILTERBY", "ACLCAT", "dangerous")
	if slices.Contains(dangerous, "client") || !slices.Contains(dangerous, "client|list") || slices.Contains(dangerous, "client|id") {
		t.Errorf("COMMAND LIST FILTERBY ACLCAT dangerous = %q", dangerous)
	}
}

func TestCommandGetKeysErrors(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"COMMAND", "GETKEYS"}, "-ERR wrong number of arguments for 'command|getkeys' command\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "ping"}, "-ERR wrong number of arguments for 'command|getkeys' command\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "nosuch", "a"}, "-ERR Invalid command specified\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "client", "nosuch"}, "-ERR Invalid command specified\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "client", "list"}, "-ERR The command has no key arguments\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "config", "get"}, "-ERR The command has no key arguments\r\n", ""},
		{[]string{"COMMAND", "GETKEYSANDFLAGS", "echo", "x"}, "-ERR The command has no key arguments\r\n", ""},
	})
}

// TestCommandGetKeysNumkeysFallback covers what COMMAND GETKEYS gives
// when numkeys is no integer string2ll takes: Redis 7.0 falls back to
// its getkeys function, which reads numkeys with atoi (as int, so
// 4294967297 is 1), lists the destination after the other keys and
// gives no flags.
func TestCommandGetKeysNumkeysFallback(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"COMMAND", "GETKEYS", "zunion", "1.5", "a", "WEIGHTS", "0.5"}, "*1\r\n$1\r\na\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "zunion", " 2", "a", "b"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "zunion", "3x", "a", "b"}, "-ERR Invalid arguments specified for command\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "zunion", "4294967297x", "a", "b"}, "*1\r\n$1\r\na\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "zunion", "2147483649x", "a", "b"}, "-ERR Invalid arguments specified for command\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "zunion", "99999999999999999999", "a"}, "-ERR Invalid arguments specified for command\r\n", ""},
		{[]string{"COMMAND", "GETKEYSANDFLAGS", "zunionstore", "d", "1.9", "a", "b"}, "*2\r\n*2\r\n$1\r\na\r\n*0\r\n*2\r\n$1\r\nd\r\n*0\r\n",
			"*2\r\n*2\r\n$1\r\na\r\n~0\r\n*2\r\n$1\r\nd\r\n~0\r\n"},
		{[]string{"COMMAND", "GETKEYS", "eval", "s", "01", "a"}, "*1\r\n$1\r\na\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "eval", "s", "-1", "a"}, "*0\r\n", ""},
		{[]string{"COMMAND", "GETKEYS", "blmpop", "0", "+1", "a", "left"}, "*1\r\n$1\r\na\r\n", ""},
	})
}

func TestCommandHelp(t *testing.T) {
	s := testserver.Start(t)
	srvCheck(t, s, []srvCase{
		{[]string{"COMMAND", "HELP"}, "*21\r\n" +
			"+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
			"+(no subcommand)\r\n+    Return details about all Redis commands.\r\n" +
			"+COUNT\r\n+    Return the total number of commands in this Redis server.\r\n" +
			"+LIST\r\n+    Return a list of all commands in this Redis server.\r\n" +
			"+INFO [<command-name> ...]\r\n+    Return details about multiple Redis commands.\r\n" +
			"+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n" +
			"+DOCS [<command-name> ...]\r\n+    Return documentation details about multiple Redis commands.\r\n" +
			"+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n" +
			"+GETKEYS <full-command>\r\n+    Return the keys from a full Redis command.\r\n" +
			"+GETKEYSANDFLAGS <full-command>\r\n+    Return the keys and the access flags from a full Redis command.\r\n" +
			"+HELP\r\n+    Prints this help.\r\n", ""},
	})
}

// resp2Docs is a COMMAND DOCS entry's RESP3 bytes as RESP2 has them: maps
// as arrays of twice their length, sets as arrays.
func resp2Docs(resp3 string) string {
	return regexp.MustCompile(`(?m)^([%~])(\d+)\r$`).ReplaceAllStringFunc(resp3, func(h string) string {
		n, _ := strconv.Atoi(h[1 : len(h)-1])
		if h[0] == '%' {
			n *= 2
		}
		return "*" + strconv.Itoa(n) + "\r"
	})
}
