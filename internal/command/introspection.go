package command

import (
	"slices"
	"strings"

	"github.com/shoal-cache/shoal/internal/resp"
)

// COMMAND: the command table, described to clients as Redis 7.0 describes
// its own. Client libraries read it to learn key positions (go-redis's
// cluster client) and flags; redis-cli reads COMMAND DOCS for its hints.

// command without a subcommand describes every command.
func command(c *Ctx) {
	all := c.Node.Table.All()
	c.W.Array(len(all))
	for _, s := range all {
		writeCommandInfo(c.W, s)
	}
}

func commandCount(c *Ctx) { c.W.Int(int64(c.Node.Table.Count())) }

func commandInfo(c *Ctx) {
	if len(c.Args) == 2 {
		command(c)
		return
	}
	names := c.Args[2:]
	c.W.Array(len(names))
	for _, name := range names {
		if s := lookupFullName(c.Node.Table, name); s != nil {
			writeCommandInfo(c.W, s)
		} else {
			c.W.Null()
		}
	}
}

func commandDocs(c *Ctx) {
	var specs []*Spec
	if len(c.Args) == 2 {
		specs = c.Node.Table.All()
	}
	for _, name := range c.Args[2:] {
		if s := lookupFullName(c.Node.Table, name); s != nil {
			specs = append(specs, s)
		}
	}
	c.W.Map(len(specs))
	for _, s := range specs {
		c.W.BulkString(s.FullName())
		writeCommandDocs(c.W, s)
	}
}

// lookupFullName finds a command by the name COMMAND INFO and DOCS take:
// "get", or "client|list" for a subcommand.
func lookupFullName(t *Table, name []byte) *Spec {
	for i, b := range name {
		if b == '|' {
			parent := t.Lookup(name[:i])
			if parent == nil || parent.subs == nil {
				return nil
			}
			return parent.Sub(name[i+1:])
		}
	}
	return t.Lookup(name)
}

// writeCommandInfo writes Redis 7.0's ten-element description of a
// command: name, arity, flags, first key, last key, step, ACL categories,
// tips, key specs and subcommands.
func writeCommandInfo(w *resp.Writer, s *Spec) {
	w.Array(10)
	w.BulkString(s.FullName())
	w.Int(int64(s.Arity))
	flags := s.Flags.Names()
	if movableKeys(s) {
		// Redis lists it between no_multi and allow_busy.
		i := len(flags)
		if len(flags) > 0 && flags[len(flags)-1] == "allow_busy" {
			i--
		}
		flags = slices.Insert(flags, i, "movablekeys")
	}
	w.Set(len(flags))
	for _, f := range flags {
		w.Simple(f)
	}
	w.Int(int64(s.FirstKey))
	w.Int(int64(s.LastKey))
	w.Int(int64(s.Step))
	cats := aclCategories(s)
	w.Set(len(cats))
	for _, cat := range cats {
		w.Simple("@" + cat)
	}
	tips := commandTips[s.FullName()]
	w.Set(len(tips))
	for _, t := range tips {
		w.BulkString(t)
	}
	writeKeySpecs(w, s)
	if len(s.Subcommands) == 0 {
		w.Set(0)
		return
	}
	w.Array(len(s.Subcommands))
	for _, sub := range s.Subcommands {
		writeCommandInfo(w, sub)
	}
}

// aclCategoryOrder is the order in which Redis lists ACL categories.
var aclCategoryOrder = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
	"connection", "transaction", "scripting"}

// aclCategories returns a command's categories in Redis's order. A
// container (CLIENT, CONFIG) has only those its flags and own Categories
// give: in Redis the categories of its group belong to its subcommands.
func aclCategories(s *Spec) []string {
	cats := s.ACLCategories()
	if len(s.Subcommands) > 0 {
		cats = (&Spec{Flags: s.Flags, Categories: s.Categories}).ACLCategories()
	}
	rank := func(c string) int {
		if i := slices.Index(aclCategoryOrder, c); i >= 0 {
			return i
		}
		return len(aclCategoryOrder)
	}
	slices.SortStableFunc(cats, func(a, b string) int { return rank(a) - rank(b) })
	return cats
}

// writeCommandDocs writes the documentation COMMAND DOCS gives: Redis
// 7.0's (command_docs.go), or for a command it lacks the table's summary,
// version and group; and the same for each subcommand.
func writeCommandDocs(w *resp.Writer, s *Spec) {
	fields := [][2]string{{"summary", s.Summary}, {"since", s.Since}, {"group", s.Group}}
	doc := commandDocsByName()[s.FullName()]
	if doc != nil {
		fields = [][2]string{{"summary", doc.Summary}, {"since", doc.Since}, {"group", doc.Group}}
	}
	fields = slices.DeleteFunc(fields, func(f [2]string) bool { return f[1] == "" })
	n := len(fields)
	if doc != nil {
		n += doc.len()
	}
	if len(s.Subcommands) > 0 {
		n++
	}
	w.Map(n)
	for _, f := range fields {
		w.BulkString(f[0])
		w.BulkString(f[1])
	}
	if doc != nil {
		doc.write(w)
	}
	if len(s.Subcommands) == 0 {
		return
	}
	w.BulkString("subcommands")
	w.Map(len(s.Subcommands))
	for _, sub := range s.Subcommands {
		w.BulkString(sub.FullName())
		writeCommandDocs(w, sub)
	}
}

// commandListFilter is COMMAND LIST's FILTERBY clause.
type commandListFilter struct {
	by, arg string // by is "", "module", "aclcat" or "pattern"
}

func parseCommandList(c *Ctx) (commandListFilter, bool) {
	args := c.Args[2:]
	switch {
	case len(args) == 0:
		return commandListFilter{}, true
	case len(args) == 3 && is(args[0], "filterby"):
		for _, by := range []string{"module", "aclcat", "pattern"} {
			if is(args[1], by) {
				return commandListFilter{by: by, arg: string(args[2])}, true
			}
		}
	}
	c.Error(errSyntax)
	return commandListFilter{}, false
}

func (f commandListFilter) keep(s *Spec) bool {
	switch f.by {
	case "module":
		return false // Shoal loads no modules.
	case "aclcat":
		return slices.Contains(aclCategories(s), f.arg)
	case "pattern":
		return configGlob(f.arg, s.FullName())
	}
	return true
}

func commandList(c *Ctx) {
	f, ok := parseCommandList(c)
	if !ok {
		return
	}
	if f.by == "aclcat" {
		f.arg = lowerString(f.arg)
	}
	var names []string
	for _, s := range c.Node.Table.All() {
		for _, x := range append([]*Spec{s}, s.Subcommands...) {
			if f.keep(x) {
				names = append(names, x.FullName())
			}
		}
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// getKeysTarget resolves the command COMMAND GETKEYS is asked about and
// checks that it takes keys and is called with a valid number of
// arguments, with Redis's errors in Redis's order.
func getKeysTarget(c *Ctx) (*Spec, [][]byte, bool) {
	args := c.Args[2:]
	s := c.Node.Table.Lookup(args[0])
	if s != nil && s.subs != nil && len(args) > 1 {
		s = s.Sub(args[1])
	}
	switch {
	case s == nil:
		c.Error("ERR Invalid command specified")
	case !hasKeys(s):
		c.Error("ERR The command has no key arguments")
	case !arityOK(s, len(args)):
		c.Error("ERR Invalid number of arguments specified for command")
	default:
		return s, args, true
	}
	return nil, nil, false
}

func commandGetKeys(c *Ctx) { getKeysGeneric(c, false) }

func commandGetKeysAndFlags(c *Ctx) { getKeysGeneric(c, true) }

// getKeysGeneric is COMMAND GETKEYS and, withFlags, GETKEYSANDFLAGS:
// the keys of the command given, each with its key-spec flags.
func getKeysGeneric(c *Ctx, withFlags bool) {
	s, args, ok := getKeysTarget(c)
	if !ok {
		return
	}
	pos, ok := keyPositions(s, args)
	fallback := false
	if !ok {
		pos, fallback = numkeysFallback(s, args)
	}
	if len(pos) == 0 {
		// A command that may take no key (EVAL, FCALL) has none.
		if s.Flags&NoMandatoryKeys != 0 {
			c.W.Array(0)
			return
		}
		c.Error("ERR Invalid arguments specified for command")
		return
	}
	c.W.Array(len(pos))
	for _, p := range pos {
		if !withFlags {
			c.W.Bulk(args[p])
			continue
		}
		c.W.Array(2)
		c.W.Bulk(args[p])
		if fallback {
			// genericGetKeys gives its keys no flags.
			writeFlagSet(c.W, nil)
			continue
		}
		writeFlagSet(c.W, keyFlagsAt(s, args, p))
	}
}

func commandHelp(c *Ctx) {
	replyHelp(c, "COMMAND", []string{
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.",
	})
}

func commandCommand() *Spec {
	const flags = Loading | Stale
	conn := []string{"connection"}
	return &Spec{Name: "command", Arity: -1, Flags: flags, Group: "server", Categories: conn,
		Summary: "Get array of Redis command details", Since: "2.8.13", Handler: command,
		Subcommands: []*Spec{
			{Name: "info", Arity: -2, Flags: flags, Categories: conn, Summary: "Get array of specific Redis command details, or all when no argument is given.", Since: "2.8.13", Handler: commandInfo},
			{Name: "list", Arity: -2, Flags: flags, Categories: conn, Summary: "Get an array of Redis command names", Since: "7.0.0", Handler: commandList},
			{Name: "count", Arity: 2, Flags: flags, Categories: conn, Summary: "Get total number of Redis commands", Since: "2.8.13", Handler: commandCount},
			{Name: "docs", Arity: -2, Flags: flags, Categories: conn, Summary: "Get array of specific Redis command documentation", Since: "7.0.0", Handler: commandDocs},
			{Name: "getkeys", Arity: -4, Flags: flags, Categories: conn, Summary: "Extract keys given a full Redis command", Since: "2.8.13", Handler: commandGetKeys},
			{Name: "getkeysandflags", Arity: -4, Flags: flags, Categories: conn, Summary: "Extract keys and access flags given a full Redis command", Since: "7.0.0", Handler: commandGetKeysAndFlags},
			{Name: "help", Arity: 2, Flags: flags, Categories: conn, Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Handler: commandHelp},
		}}
}

func introspectionCommands() []*Spec {
	return []*Spec{commandCommand(), clientCommand()}
}

// commandTips are Redis 7.0's command tips, which COMMAND INFO reports and
// cluster clients (go-redis among them) read to route a command to all
// shards and merge the replies. Keyed by full name; commands Shoal does not
// have yet are listed so that they get their tips when they arrive.
var commandTips = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range []struct{ tips, names string }{
		{"nondeterministic_output", "" +
			"client|info client|list cluster|bumpepoch cluster|count-failure-reports cluster|getkeysinslot " +
			"cluster|info cluster|links cluster|nodes cluster|replicas cluster|shards cluster|slaves " +
			"cluster|slots dump hrandfield hscan lastsave migrate object|encoding object|freq object|idletime " +
			"object|refcount pttl spop srandmember sscan time ttl xadd xautoclaim xclaim xinfo|consumers xpending " +
			"xtrim zrandmember zscan"},
		{"nondeterministic_output_order", "" +
			"command command|docs command|info command|list function|list hgetall hkeys hvals module|list sdiff " +
			"sinter smembers sunion"},
		{"request_policy:all_shards response_policy:all_succeeded", "flushall flushdb function|delete function|flush function|load function|restore memory|purge ping"},
		{"nondeterministic_output request_policy:all_nodes response_policy:special", "latency|doctor latency|graph latency|histogram latency|history latency|latest"},
		{"nondeterministic_output request_policy:all_shards response_policy:special", "function|stats info memory|doctor memory|malloc-stats memory|stats"},
		{"request_policy:all_nodes response_policy:all_succeeded", "config|set latency|reset script|flush script|load slowlog|reset"},
		{"request_policy:multi_shard response_policy:agg_sum", "del exists touch unlink"},
		{"request_policy:all_shards response_policy:one_succeeded", "function|kill script|kill"},
		{"nondeterministic_output request_policy:special", "scan"},
		{"request_policy:all_nodes nondeterministic_output", "slowlog|get"},
		{"request_policy:all_nodes response_policy:agg_sum nondeterministic_output", "slowlog|len"},
		{"request_policy:all_shards nondeterministic_output", "randomkey"},
		{"request_policy:all_shards nondeterministic_output_order", "keys"},
		{"request_policy:all_shards response_policy:agg_logical_and", "script|exists"},
		{"request_policy:all_shards response_policy:agg_min", "wait"},
		{"request_policy:all_shards response_policy:agg_sum", "dbsize"},
		{"request_policy:multi_shard", "mget"},
		{"request_policy:multi_shard response_policy:agg_min", "msetnx"},
		{"request_policy:multi_shard response_policy:all_succeeded", "mset"},
	} {
		for _, name := range strings.Fields(g.names) {
			m[name] = strings.Fields(g.tips)
		}
	}
	return m
}()
