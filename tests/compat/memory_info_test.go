package compat

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// Memory, eviction settings, OBJECT and INFO's layout, as redis-server 7.0
// shows them: MEMORY's subcommands and errors, OBJECT FREQ and IDLETIME
// under each kind of policy, CONFIG SET of the memory directives (units,
// Redis's memtoull quirks, ranges), the OOM error for plain writes,
// scripts and transactions while reads, DEL and EXPIRE go on.
func init() {
	cases = append(cases, memoryCases...)
}

var memoryCases = []lineCase{
	{"memory-subcommands", []string{
		"MEMORY USAGE nokey", "SET k v", "MEMORY USAGE k", "MEMORY USAGE k SAMPLES 0", "MEMORY USAGE k SAMPLES",
		"MEMORY USAGE k SAMPLES -1", "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k SAMPLES 5 extra", "MEMORY USAGE k foo 5",
		"MEMORY USAGE nokey SAMPLES x", "MEMORY USAGE", "MEMORY", "MEMORY foo", "MEMORY HELP", "MEMORY HELP x",
		"MEMORY DOCTOR x", "MEMORY PURGE", "MEMORY PURGE x", "MEMORY STATS x", "MEMORY MALLOC-STATS x",
	}},
	{"memory-doctor-empty", []string{"MEMORY DOCTOR"}},
	{"object-policies", []string{
		"SET s hello", "OBJECT FREQ s", "OBJECT FREQ nokey", "OBJECT IDLETIME nokey", "OBJECT IDLETIME s",
		"CONFIG SET maxmemory-policy allkeys-lfu", "SET f v", "OBJECT FREQ f", "OBJECT IDLETIME f",
		"OBJECT IDLETIME nokey", "CONFIG SET maxmemory-policy volatile-lfu", "OBJECT IDLETIME f",
		"CONFIG SET maxmemory-policy volatile-lru", "OBJECT FREQ f", "CONFIG SET maxmemory-policy noeviction",
		"OBJECT", "OBJECT foo s", "OBJECT HELP", "OBJECT HELP x", "OBJECT FREQ", "OBJECT REFCOUNT nokey",
		"OBJECT ENCODING s x",
	}},
	{"object-encodings", []string{
		"SET i 123", "SET e \"\"", "SET s hello", "SET r aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "RPUSH l a b",
		"HSET h f v", "SADD si 1 2", "SADD ss a b", "ZADD z 1 a", "OBJECT ENCODING i", "OBJECT ENCODING e",
		"OBJECT ENCODING s", "OBJECT ENCODING r", "OBJECT ENCODING l", "OBJECT ENCODING h", "OBJECT ENCODING si",
		"OBJECT ENCODING ss", "OBJECT ENCODING z", "OBJECT ENCODING nokey",
	}},
	{"maxmemory-config", []string{
		"CONFIG SET maxmemory 100mb", "CONFIG GET maxmemory", "CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory",
		"CONFIG SET maxmemory 1GB", "CONFIG SET maxmemory 10k", "CONFIG GET maxmemory", "CONFIG SET maxmemory 5b",
		"CONFIG GET maxmemory", "CONFIG SET maxmemory 007kb", "CONFIG GET maxmemory",
		// memtoull reads no digits as 0 and takes no sign.
		`CONFIG SET maxmemory ""`, "CONFIG GET maxmemory", "CONFIG SET maxmemory mb", "CONFIG GET maxmemory",
		"CONFIG SET maxmemory +5", "CONFIG SET maxmemory -0", "CONFIG SET maxmemory -1", "CONFIG SET maxmemory 1.5mb",
		`CONFIG SET maxmemory " 5"`, "CONFIG SET maxmemory 1tb", "CONFIG SET maxmemory abc", "CONFIG GET maxmemory",
		"CONFIG SET maxmemory 9223372036854775807", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0",
		`CONFIG SET proto-max-bulk-len ""`, "CONFIG SET proto-max-bulk-len +5", "CONFIG SET proto-max-bulk-len 99999999999999999999",
		"CONFIG SET hash-max-listpack-value 99999999999999999999", `CONFIG SET repl-backlog-size ""`,
		"CONFIG SET repl-backlog-size +5", `CONFIG SET hash-max-listpack-value ""`, "CONFIG GET hash-max-listpack-value",
		"CONFIG SET hash-max-listpack-value 64",
		"CONFIG SET maxmemory-policy foo", "CONFIG SET maxmemory-policy ALLKEYS-LRU", "CONFIG GET maxmemory-policy",
		"CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory-samples 0", "CONFIG SET maxmemory-samples x",
		"CONFIG SET maxmemory-samples 64", "CONFIG GET maxmemory-samples", "CONFIG SET maxmemory-samples 5",
		"CONFIG SET maxmemory-eviction-tenacity -1", "CONFIG SET maxmemory-eviction-tenacity 101",
		"CONFIG SET maxmemory-eviction-tenacity 100", "CONFIG GET maxmemory-eviction-tenacity",
		"CONFIG SET maxmemory-eviction-tenacity 10", "CONFIG SET lfu-log-factor -1", "CONFIG SET lfu-log-factor 2147483648",
		"CONFIG SET lfu-log-factor 0", "CONFIG GET lfu-log-factor", "CONFIG SET lfu-log-factor 10",
		"CONFIG SET lfu-decay-time -1", "CONFIG SET lfu-decay-time 2147483648", "CONFIG SET lfu-decay-time 0",
		"CONFIG GET lfu-decay-time", "CONFIG SET lfu-decay-time 1", "CONFIG GET lfu*",
	}},
	{"oom-noeviction", []string{
		"SET a 1", "EXPIRE a 1000", "RPUSH l x", "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 1",
		"SET b 2", "INCR a", "SETEX z 10 v", "APPEND a x", "RPUSH l y", "GET a", "LRANGE l 0 -1", "EXPIRE a 100",
		"PERSIST a", "DEL l", "EXISTS l", "PUBLISH ch x",
		`EVAL "return redis.call('set','x','1')" 0`, `EVAL "return redis.pcall('set','x','1')" 0`,
		`EVAL "redis.call('get','a'); return redis.call('set','x','1')" 0`, `EVAL "return redis.call('get','a')" 0`,
		`EVAL "return redis.call('del','a')" 0`, `EVAL_RO "return redis.call('get','a')" 0`,
		"MULTI", "SET x 1", "EXEC", "CONFIG SET maxmemory 0", "SET b 2", "GET b",
	}},
}

// TestMemoryInfoLayout compares INFO's layout: for each selection, the
// sections, their fields in order and each value's format (integer,
// two-decimal number, percentage, size), with the values themselves left
// out. The settings INFO memory shows are compared as values.
func TestMemoryInfoLayout(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	selections := [][]string{{}, {"default"}, {"all"}, {"everything"}, {"server"}, {"clients"}, {"memory"},
		{"persistence"}, {"stats"}, {"cpu"}, {"keyspace"}, {"errorstats"}, {"commandstats"}, {"MEMORY"},
		{"Stats", "cpu"}, {"memory", "keyspace", "nosuch"}, {"nosuch"}, {"default", "commandstats"}}
	for _, proto := range protos {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			p := newPair(t, redisAddr, shoal, proto)
			p.run([]string{"FLUSHALL", "SET k 1", "EXPIRE k 100", "SET j 2", "GET nokey", "INCR nokey2", "LPUSH k x",
				"CONFIG SET maxmemory 100mb", "CONFIG SET maxmemory-policy allkeys-lru"})
			defer p.run([]string{"CONFIG SET maxmemory 0", "CONFIG SET maxmemory-policy noeviction"})
			for _, sel := range selections {
				args := append([]string{"INFO"}, sel...)
				r, s := parse(p.redis.Do(args...)), parse(p.shoal.Do(args...))
				rl, sl := infoLayout(r.body), infoLayout(s.body)
				if r.kind != s.kind || !slices.Equal(rl, sl) {
					i := 0
					for i < len(rl) && i < len(sl) && rl[i] == sl[i] {
						i++
					}
					t.Errorf("%s: layouts differ at line %d\nredis: %q\nshoal: %q", show(args), i, rl[i:min(i+3, len(rl))], sl[i:min(i+3, len(sl))])
				}
			}
			r, s := infoFields(parse(p.redis.Do("INFO", "memory")).body), infoFields(parse(p.shoal.Do("INFO", "memory")).body)
			for _, f := range []string{"maxmemory", "maxmemory_human", "maxmemory_policy"} {
				if r[f] != s[f] {
					t.Errorf("INFO memory %s: redis %q, shoal %q", f, r[f], s[f])
				}
			}
		})
	}
}

// infoOnlyIn are the fields one server has and the other does not, and
// why, left out of the layout.
var infoOnlyIn = map[string]string{
	"shoal_version": "Shoal's own, beside redis_version (README)", "go_version": "Shoal's own",
	"event_loops": "Shoal's own (README)", "event_loops_active": "Shoal's own", "event_loop_moves": "Shoal's own",
	"atomicvar_api": "Redis's build: Shoal is not C", "gcc_version": "Redis's build: Shoal is not C",
	"used_cpu_sys_main_thread":  "Shoal has no main thread: every event loop serves clients",
	"used_cpu_user_main_thread": "Shoal has no main thread",
	"reply_buffer_shrinks":      "Shoal's reply buffers are not Redis's resizable per-client buffer",
	"reply_buffer_expands":      "as reply_buffer_shrinks",
}

// infoText are the fields whose values are free text that differs
// between any two servers (ids, paths, builds).
var infoText = map[string]bool{"redis_build_id": true, "os": true, "run_id": true, "executable": true,
	"mem_allocator": true, "master_replid": true}

// infoLayout is an INFO text as its section titles and "name:format"
// lines. The lines whose order is a hash table's (cmdstat_, errorstat_,
// latency_percentiles_usec_, dbN) are sorted within their section; the
// commands' lines keep only their format, once, as the two servers do
// not see the same commands (the harness's own PING and HELLO).
func infoLayout(text string) []string {
	var out, section []string
	flush := func() {
		slices.Sort(section)
		out = append(out, slices.Compact(section)...)
		section = nil
	}
	text = strings.TrimPrefix(text, "txt:") // RESP3's verbatim string
	for _, line := range strings.Split(text, "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		switch {
		case strings.HasPrefix(line, "# "):
			flush()
			out = append(out, line)
		case !ok || infoOnlyIn[name] != "":
		case infoText[name]:
			out = append(out, name+":S")
		case strings.HasPrefix(name, "cmdstat_"), strings.HasPrefix(name, "latency_percentiles_usec_"):
			section = append(section, name[:strings.IndexByte(name, '_')]+"_*:"+valueFormat(value))
		case strings.HasPrefix(name, "errorstat_"), regexp.MustCompile(`^db\d+$`).MatchString(name):
			section = append(section, name+":"+valueFormat(value))
		default:
			out = append(out, name+":"+valueFormat(value))
		}
	}
	flush()
	return out
}

var (
	numberPattern = regexp.MustCompile(`-?\d+(\.\d+)?`)
	humanPattern  = regexp.MustCompile(`^\d+(B|\.\d\d[KMGTP])$`)
)

// valueFormat is an INFO value with every number replaced by its shape:
// N for an integer, N.DD for two decimals, N.D* for other decimals; a
// size as bytesToHuman writes it is H.
func valueFormat(v string) string {
	if humanPattern.MatchString(v) {
		return "H"
	}
	return numberPattern.ReplaceAllStringFunc(v, func(n string) string {
		_, frac, ok := strings.Cut(n, ".")
		switch {
		case !ok:
			return "N"
		case len(frac) == 2:
			return "N.DD"
		}
		return "N.D*"
	})
}

// infoFields maps an INFO text's field names to their values.
func infoFields(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			out[name] = value
		}
	}
	return out
}

// TestMemoryStatsKeys compares MEMORY STATS's keys and their order, empty
// and with data in two databases; the figures are each server's own.
func TestMemoryStatsKeys(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	for _, proto := range protos {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			p := newPair(t, redisAddr, shoal, proto)
			p.do("FLUSHALL")
			for _, setup := range [][]string{nil, {"SET a 1", "SET b 2 EX 100", "SELECT 3", "SET c 3", "SELECT 0"}} {
				p.run(setup)
				r, s := parse(p.redis.Do("MEMORY", "STATS")), parse(p.shoal.Do("MEMORY", "STATS"))
				if rk, sk := statsKeys(r), statsKeys(s); r.kind != s.kind || !slices.Equal(rk, sk) {
					t.Errorf("MEMORY STATS after %q:\nredis: %q\nshoal: %q", setup, rk, sk)
				}
			}
		})
	}
}

// statsKeys are a MEMORY STATS reply's keys with each value's RESP type,
// nested db.N maps included.
func statsKeys(r reply) []string {
	var out []string
	for i := 0; i+1 < len(r.elems); i += 2 {
		v := r.elems[i+1]
		out = append(out, r.elems[i].body+string(v.kind))
		if v.isAggregate() {
			for _, k := range statsKeys(v) {
				out = append(out, r.elems[i].body+"/"+k)
			}
		}
	}
	return out
}

// debugLines are the DEBUG subcommands users reach for, against a Redis
// that allows DEBUG (enable-debug-command yes; Shoal always does).
var debugLines = []string{
	"SET s hello", "SET i 123", "SET n 123456", "SET r aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "RPUSH l a b c",
	"HSET h f v", "SADD st a", "ZADD z 1 a", "DEBUG OBJECT s", "DEBUG OBJECT i", "DEBUG OBJECT n", "DEBUG OBJECT r",
	"DEBUG OBJECT l", "DEBUG OBJECT h", "DEBUG OBJECT st", "DEBUG OBJECT z", "DEBUG OBJECT nokey", "DEBUG OBJECT",
	"DEBUG OBJECT s x", "DEBUG SLEEP 0", "DEBUG SLEEP x", "DEBUG SLEEP 0.001", "DEBUG SLEEP", "DEBUG JMAP", "DEBUG foo",
	"DEBUG", "DEBUG SET-ACTIVE-EXPIRE 0", "SET e v PX 1", "!sleep 300", "DBSIZE", "DEBUG SET-ACTIVE-EXPIRE 1",
	"DEBUG SET-ACTIVE-EXPIRE x", "DEBUG SET-ACTIVE-EXPIRE", "DEBUG SET-ACTIVE-EXPIRE 1", "!sleep 300", "DBSIZE",
}

// debugObjectMasked is DEBUG OBJECT's line without the value's address and
// access clock, which no two servers share.
var debugObjectMasked = regexp.MustCompile(`^\+Value at:0x[0-9a-f]+ (.*) lru:\d+ lru_seconds_idle:\d+(.*)$`)

func TestDebugCommands(t *testing.T) {
	redisAddr := startRedis(t, "enable-debug-command yes")
	shoal := testserver.Start(t, "save ")
	for _, proto := range protos {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			p := newPair(t, redisAddr, shoal, proto)
			p.do("FLUSHALL")
			for _, line := range debugLines {
				args := splitLine(t, line)
				if len(args) != 3 || !strings.EqualFold(args[0]+" "+args[1], "debug object") {
					p.run([]string{line})
					continue
				}
				r, s := p.redis.Do(args...), p.shoal.Do(args...)
				mr := debugObjectMasked.ReplaceAllString(strings.TrimSuffix(r, "\r\n"), "$1 $2")
				ms := debugObjectMasked.ReplaceAllString(strings.TrimSuffix(s, "\r\n"), "$1 $2")
				if mr != ms {
					t.Errorf("%s:\nredis: %q\nshoal: %q", line, r, s)
				}
			}
		})
	}
}
