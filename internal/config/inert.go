package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// inertDirectives are Redis 7.0 directives that tune something Shoal's
// design does not have (jemalloc, a dict that rehashes, a forked child,
// a process title): read, checked and shown as Redis does, so that a
// redis.conf loads and CONFIG GET/SET answer alike, but whatever their
// value, Shoal behaves the same. The README says why each has no effect.
func inertDirectives() []*param {
	bools := func(def string, names ...string) []*param {
		var ps []*param
		for _, n := range names {
			ps = append(ps, &param{name: n, kind: kindBool, def: def})
		}
		return ps
	}
	ps := []*param{
		{name: "active-defrag-cycle-min", kind: kindInt, def: "1", min: 1, max: 99},
		{name: "active-defrag-cycle-max", kind: kindInt, def: "25", min: 1, max: 99},
		{name: "active-defrag-ignore-bytes", kind: kindMemory, def: "104857600", min: 1, max: math.MaxInt64},
		{name: "active-defrag-max-scan-fields", kind: kindInt, def: "1000", min: 1, max: math.MaxInt64},
		{name: "active-defrag-threshold-lower", kind: kindInt, def: "10", min: 0, max: 1000},
		{name: "active-defrag-threshold-upper", kind: kindInt, def: "100", min: 0, max: 1000},
		{name: "active-expire-effort", kind: kindInt, def: "1", min: 1, max: 10},
		{name: "always-show-logo", kind: kindBool, def: "no", immutable: true},
		{name: "set-proc-title", kind: kindBool, def: "yes", immutable: true},
		{name: "proc-title-template", kind: kindString, def: "{title} {listen-addr} {server-mode}", check: checkProcTitle},
		{name: "disable-thp", kind: kindBool, def: "yes", immutable: true},
		{name: "io-threads-do-reads", kind: kindBool, def: "no", immutable: true},
		// oom-score-adj: yes is relative's old name, and CONFIG GET
		// shows relative as yes, as Redis does.
		{name: "oom-score-adj", kind: kindEnum, def: "no", enum: []string{"no", "yes", "relative", "absolute"}, normalize: relativeIsYes},
		{name: "oom-score-adj-values", kind: kindString, def: "0 200 800", multiArg: true, check: checkOOMScores, normalize: normalizeOOMScores},
		{name: "server_cpulist", kind: kindString, def: "", immutable: true, rewrite: rewriteUnlessEmpty},
		{name: "bio_cpulist", kind: kindString, def: "", immutable: true, rewrite: rewriteUnlessEmpty},
		{name: "aof_rewrite_cpulist", kind: kindString, def: "", immutable: true, rewrite: rewriteUnlessEmpty},
		{name: "bgsave_cpulist", kind: kindString, def: "", immutable: true, rewrite: rewriteUnlessEmpty},
		{name: "ignore-warnings", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "hll-sparse-max-bytes", kind: kindMemory, def: "3000", min: 0, max: math.MaxInt64},
		{name: "stream-node-max-bytes", kind: kindMemory, def: "4096", min: 0, max: math.MaxInt64},
		{name: "stream-node-max-entries", kind: kindInt, def: "100", min: 0, max: math.MaxInt64},
		{name: "tracking-table-max-keys", kind: kindInt, def: "1000000", min: 0, max: math.MaxInt64},
		{name: "acllog-max-len", kind: kindInt, def: "128", min: 0, max: math.MaxInt64},
		{name: "acl-pubsub-default", kind: kindEnum, def: "resetchannels", enum: []string{"allchannels", "resetchannels"}},
		{name: "shutdown-timeout", kind: kindInt, def: "10", min: 0, max: math.MaxInt32},
		{name: "sanitize-dump-payload", kind: kindEnum, def: "no", enum: []string{"no", "yes", "clients"}},
		{name: "unixsocketperm", kind: kindString, def: "0", immutable: true, check: checkOctalPerm, normalize: octal},
		{name: "syslog-ident", kind: kindString, def: "redis", immutable: true},
		{name: "syslog-facility", kind: kindEnum, def: "local0", immutable: true,
			enum: []string{"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}},
	}
	// Shoal has no jemalloc to defragment with: Redis's own refusal
	// where its allocator cannot.
	ps = append(ps, &param{name: "activedefrag", kind: kindBool, def: "no", check: func(v string) error {
		if strings.EqualFold(v, "yes") {
			return fmt.Errorf("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution")
		}
		return nil
	}})
	ps = append(ps, bools("no", "lazyfree-lazy-eviction", "lazyfree-lazy-expire",
		"lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "rdb-del-sync-files")...)
	return append(ps, bools("yes", "activerehashing", "jemalloc-bg-thread", "dynamic-hz", "crash-log-enabled",
		"crash-memcheck-enabled", "rdb-save-incremental-fsync", "aof-rewrite-incremental-fsync")...)
}

func relativeIsYes(v string) string {
	if strings.EqualFold(v, "relative") {
		return "yes"
	}
	return v
}

// checkOOMScores reads oom-score-adj-values: three numbers from -2000 to
// 2000, Redis's texts.
func checkOOMScores(v string) error {
	words := strings.Split(v, " ")
	if len(words) != 3 {
		return fmt.Errorf("wrong number of arguments")
	}
	for _, w := range words {
		if n, err := strconv.Atoi(w); err != nil || n < -2000 || n > 2000 {
			return fmt.Errorf("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
		}
	}
	return nil
}

func normalizeOOMScores(v string) string {
	words := strings.Split(v, " ")
	for i, w := range words {
		if n, err := strconv.Atoi(w); err == nil {
			words[i] = strconv.Itoa(n)
		}
	}
	return strings.Join(words, " ")
}

// checkProcTitle accepts a process title template as Redis 7.0 does: its
// {variables} known, its braces closed ({{ is a brace), and something
// left once expanded with an empty title and trimmed of spaces.
func checkProcTitle(v string) error {
	bad := fmt.Errorf("template format is invalid or contains unknown variables")
	vars := map[string]string{"title": "", "listen-addr": "127.0.0.1:6379", "server-mode": "",
		"port": "6379", "tls-port": "0", "unixsocket": "", "config-file": ""}
	var out strings.Builder
	for rest := v; rest != ""; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			out.WriteString(rest)
			break
		}
		out.WriteString(rest[:i])
		rest = rest[i+1:]
		if strings.HasPrefix(rest, "{") {
			out.WriteByte('{')
			rest = rest[1:]
			continue
		}
		name, after, ok := strings.Cut(rest, "}")
		value, known := vars[name]
		if !ok || !known {
			return bad
		}
		out.WriteString(value)
		rest = after
	}
	if strings.Trim(out.String(), " ") == "" {
		return bad
	}
	return nil
}
