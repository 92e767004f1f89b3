package command_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// srvInfo runs INFO with args on a RESP2 connection and returns its text
// without the CRLF that ends its last line.
func srvInfo(t *testing.T, r *testserver.Raw, args ...string) string {
	t.Helper()
	reply := r.Do(append([]string{"INFO"}, args...)...)
	header, body, _ := strings.Cut(reply, "\r\n")
	if n, err := strconv.Atoi(header[1:]); header[0] != '$' || err != nil || len(body) != n+2 {
		t.Fatalf("INFO %q = %q, want a bulk string", args, reply)
	}
	return strings.TrimSuffix(body, "\r\n\r\n")
}

// srvInfoField returns the value of name in INFO text, "" if absent.
func srvInfoField(info, name string) string {
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

func srvInfoInt(t *testing.T, info, name string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(srvInfoField(info, name), 10, 64)
	if err != nil {
		t.Fatalf("INFO field %s: %v", name, err)
	}
	return n
}

var infoHeader = regexp.MustCompile(`(?m)^# (\w+)\r?$`)

func srvInfoSections(info string) string {
	var names []string
	for _, m := range infoHeader.FindAllStringSubmatch(info, -1) {
		names = append(names, m[1])
	}
	return strings.Join(names, " ")
}

func TestInfoSections(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	const dflt = "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace"
	const all = "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace"
	tests := []struct {
		args []string
		want string
	}{
		{nil, dflt},
		{[]string{"default"}, dflt},
		{[]string{"ALL"}, all},
		{[]string{"everything"}, all},
		{[]string{"all", "cpu"}, all},
		{[]string{"default", "commandstats"}, "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Cluster Keyspace"},
		{[]string{"server", "clients"}, "Server Clients"},
		{[]string{"CLIENTS", "Server"}, "Server Clients"},
		{[]string{"cpu", "nosuch"}, "CPU"},
		{[]string{"modules"}, "Modules"},
		{[]string{"keyspace"}, "Keyspace"},
		{[]string{"nosuch"}, ""},
	}
	for _, tt := range tests {
		if got := srvInfoSections(srvInfo(t, r, tt.args...)); got != tt.want {
			t.Errorf("INFO %q sections = %q, want %q", tt.args, got, tt.want)
		}
	}
	// Layout as Redis's: CRLF lines, a blank line between sections; an
	// empty section is just its header.
	info := r.Do("INFO", "cluster", "keyspace")
	if info != "$44\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n\r\n" {
		t.Errorf("INFO cluster keyspace = %q", info)
	}
	srvCheck(t, s, []srvCase{
		{[]string{"INFO", "nosuch"}, "$0\r\n\r\n", "=4\r\ntxt:\r\n"},
		{[]string{"INFO", "cluster"}, "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n", "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n"},
	})
}

func TestInfoFields(t *testing.T) {
	s := testserver.Start(t, "maxclients 77", "hz 20")
	r := s.Raw(t)
	s.Raw(t).Do("PING")
	// The node runs in this process, whose children (the shoal binary
	// other tests build and start) may end at any moment: the children's
	// CPU time it reports lies between two readings around INFO.
	childrenCPU := func() float64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
		return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6
	}
	childrenBefore := childrenCPU()
	info := srvInfo(t, r, "everything")
	childrenAfter := childrenCPU()
	if v, err := strconv.ParseFloat(srvInfoField(info, "used_cpu_user_children"), 64); err != nil ||
		v < childrenBefore-1e-6 || v > childrenAfter+1e-6 {
		t.Errorf("used_cpu_user_children = %q, want between %f and %f", srvInfoField(info, "used_cpu_user_children"), childrenBefore, childrenAfter)
	}
	port := s.Addr[strings.LastIndexByte(s.Addr, ':')+1:]
	want := map[string]string{
		"redis_version":              "7.0.15",
		"redis_mode":                 "standalone",
		"tcp_port":                   port,
		"hz":                         "20",
		"configured_hz":              "20",
		"uptime_in_days":             "0",
		"config_file":                "",
		"connected_clients":          "2",
		"maxclients":                 "77",
		"blocked_clients":            "0",
		"maxmemory":                  "0",
		"maxmemory_human":            "0B",
		"maxmemory_policy":           "noeviction",
		"loading":                    "0",
		"aof_enabled":                "0",
		"rdb_bgsave_in_progress":     "0",
		"evicted_keys":               "0",
		"rejected_connections":       "0",
		"role":                       "master",
		"connected_slaves":           "0",
		"master_repl_offset":         "0",
		"cluster_enabled":            "0",
		"total_connections_received": "2",
	}
	for name, v := range want {
		if got := srvInfoField(info, name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	for _, name := range []string{"process_id", "uptime_in_seconds", "used_memory", "used_memory_rss", "used_memory_peak",
		"total_commands_processed", "instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes"} {
		if srvInfoInt(t, info, name) < 0 {
			t.Errorf("%s is negative", name)
		}
	}
	if srvInfoInt(t, info, "used_memory") == 0 || srvInfoInt(t, info, "used_memory_peak") < srvInfoInt(t, info, "used_memory") {
		t.Errorf("used_memory %s, peak %s", srvInfoField(info, "used_memory"), srvInfoField(info, "used_memory_peak"))
	}
	if !regexp.MustCompile(`^\d+(\.\d\d[KMGTP])?B?$`).MatchString(srvInfoField(info, "used_memory_human")) {
		t.Errorf("used_memory_human = %q", srvInfoField(info, "used_memory_human"))
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(srvInfoField(info, "run_id")) ||
		!regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(srvInfoField(info, "master_replid")) {
		t.Errorf("run_id %q, master_replid %q", srvInfoField(info, "run_id"), srvInfoField(info, "master_replid"))
	}
	if !regexp.MustCompile(`^\d+\.\d{6}$`).MatchString(srvInfoField(info, "used_cpu_user")) {
		t.Errorf("used_cpu_user = %q", srvInfoField(info, "used_cpu_user"))
	}
	// go-redis reads INFO as RESP3 verbatim text too.
	parsed, err := s.Client(t).InfoMap(context.Background(), "server", "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	if parsed["Server"]["redis_version"] != "7.0.15" || parsed["Stats"]["keyspace_hits"] != "0" {
		t.Errorf("go-redis InfoMap = %v", parsed)
	}
}

func TestInfoKeyspace(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	if got := srvInfo(t, r, "keyspace"); got != "# Keyspace" {
		t.Fatalf("empty INFO keyspace = %q", got)
	}
	srvPut(t, s, 0, 0, "a", "b")
	srvPut(t, s, 0, time.Hour, "c")
	srvPut(t, s, 3, time.Minute, "x", "y")
	info := srvInfo(t, r, "keyspace")
	lines := strings.Split(info, "\r\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "db0:keys=3,expires=1,avg_ttl=") ||
		!strings.HasPrefix(lines[2], "db3:keys=2,expires=2,avg_ttl=") {
		t.Fatalf("INFO keyspace = %q", info)
	}
	if got := srvInfoField(srvInfo(t, r, "persistence"), "rdb_changes_since_last_save"); got != "5" {
		t.Errorf("rdb_changes_since_last_save = %s, want 5", got)
	}
	// SWAPDB is one change, as Redis counts it, whatever the shards.
	if err := s.Client(t).Do(context.Background(), "SWAPDB", 0, 3).Err(); err != nil {
		t.Fatal(err)
	}
	if got := srvInfoField(srvInfo(t, r, "persistence"), "rdb_changes_since_last_save"); got != "6" {
		t.Errorf("rdb_changes_since_last_save after SWAPDB = %s, want 6", got)
	}
}

func TestInfoKeyspaceCounters(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	srvPut(t, s, 0, 0, "hit")
	srvPut(t, s, 0, -time.Second, "gone1", "gone2")
	eng := s.Node.Engine()
	txn := eng.NewTxn()
	txn.All(eng.DB(0)).Acquire()
	v := txn.View(eng.DB(0))
	for _, k := range []string{"hit", "hit", "hit", "miss", "gone1", "gone2"} {
		v.Read([]byte(k))
	}
	txn.Unlock()
	stats := srvInfo(t, r, "stats")
	for name, want := range map[string]int64{"keyspace_hits": 3, "keyspace_misses": 3, "expired_keys": 2} {
		if got := srvInfoInt(t, stats, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got := r.Do("CONFIG", "RESETSTAT"); got != "+OK\r\n" {
		t.Fatalf("CONFIG RESETSTAT = %q", got)
	}
	stats = srvInfo(t, r, "stats")
	for _, name := range []string{"keyspace_hits", "keyspace_misses", "expired_keys", "total_error_replies"} {
		if got := srvInfoInt(t, stats, name); got != 0 {
			t.Errorf("after RESETSTAT %s = %d", name, got)
		}
	}
}

func TestInfoCommandAndErrorStats(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	for range 3 {
		r.Do("CLIENT", "ID")
	}
	r.Do("CLIENT", "SETNAME", "bad name") // failed
	r.Do("CLIENT", "SETNAME")             // rejected: arity
	r.Do("SWAPDB", "0", "99")             // failed
	r.Do("NOSUCHCOMMAND")                 // counted only in errorstats
	r.Do("AUTH", "x")                     // failed, ERR
	stats := srvInfo(t, r, "commandstats")
	want := map[string]string{
		"client|id":      "calls=3,rejected_calls=0,failed_calls=0",
		"client|setname": "calls=1,rejected_calls=1,failed_calls=1",
		"swapdb":         "calls=1,rejected_calls=0,failed_calls=1",
	}
	line := regexp.MustCompile(`^cmdstat_([a-z|-]+):calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),rejected_calls=(\d+),failed_calls=(\d+)$`)
	lines := strings.Split(stats, "\r\n")
	if lines[0] != "# Commandstats" {
		t.Fatalf("INFO commandstats = %q", stats)
	}
	got := map[string]string{}
	for _, l := range lines[1:] {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("malformed commandstats line %q", l)
		}
		got[m[1]] = "calls=" + m[2] + ",rejected_calls=" + m[5] + ",failed_calls=" + m[6]
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("cmdstat_%s = %q, want %q", name, got[name], w)
		}
	}
	if _, ok := got["nosuchcommand"]; ok {
		t.Error("unknown command has a commandstats line")
	}
	if errs := srvInfo(t, r, "errorstats"); errs != "# Errorstats\r\nerrorstat_ERR:count=5" {
		t.Errorf("INFO errorstats = %q", errs)
	}
	if n := srvInfoInt(t, srvInfo(t, r, "stats"), "total_error_replies"); n != 5 {
		t.Errorf("total_error_replies = %d, want 5", n)
	}

	// CONFIG RESETSTAT starts the counts again; it counts itself once done.
	r.Do("CONFIG", "RESETSTAT")
	if stats := srvInfo(t, r, "commandstats"); !regexp.MustCompile(`^# Commandstats\r\ncmdstat_config\|resetstat:calls=1,[^\r]*$`).MatchString(stats) {
		t.Errorf("INFO commandstats after RESETSTAT = %q", stats)
	}
	if errs := srvInfo(t, r, "errorstats"); errs != "# Errorstats" {
		t.Errorf("INFO errorstats after RESETSTAT = %q", errs)
	}
}

// TestStatsSumEveryLoop: commands from connections on several event
// loops at once are each counted once in INFO commandstats and
// total_net_input_bytes, which add up what every loop counted.
func TestStatsSumEveryLoop(t *testing.T) {
	s := testserver.Start(t, "io-threads 4", "io-threads-adaptive no")
	const conns, each = 8, 500
	incr := "*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n"
	admin := s.Raw(t)
	admin.Do("CONFIG", "RESETSTAT")
	clients := make([]*testserver.Raw, conns)
	for i := range clients {
		clients[i] = s.Raw(t)
	}
	// Every connection's commands are sent before any reply is read, so
	// the loops run them at the same time.
	for _, c := range clients {
		c.Send(strings.Repeat(incr, each))
	}
	for _, c := range clients {
		for range each {
			if reply := c.ReadLine(); !strings.HasPrefix(reply, ":") {
				t.Fatalf("INCR = %q", reply)
			}
		}
	}
	if got := admin.Do("GET", "counter"); got != "$4\r\n4000\r\n" {
		t.Fatalf("GET counter = %q", got)
	}
	stats := srvInfo(t, admin, "commandstats")
	if !regexp.MustCompile(`(?m)^cmdstat_incr:calls=4000,`).MatchString(stats) {
		t.Errorf("INFO commandstats = %q, want 4000 INCR calls", stats)
	}
	// Input since RESETSTAT: the INCRs, the GET and the INFOs so far.
	in := srvInfoInt(t, srvInfo(t, admin, "stats"), "total_net_input_bytes")
	want := int64(conns*each*len(incr)) + int64(len("*2\r\n$3\r\nGET\r\n$7\r\ncounter\r\n")) +
		int64(len("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n")) + int64(len("*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n"))
	if in != want {
		t.Errorf("total_net_input_bytes = %d, want %d", in, want)
	}
}

// TestInfoEventLoops: INFO server says how many event loops there are and
// how many take clients: with io-threads-adaptive (the default) one while
// the node is idle, else all of them; io_threads_active is Redis's flag
// for more than one.
func TestInfoEventLoops(t *testing.T) {
	for _, tc := range []struct {
		directives          []string
		loops, active, flag int64
	}{
		{[]string{"io-threads 3"}, 3, 1, 0},
		{[]string{"io-threads 3", "io-threads-adaptive no"}, 3, 3, 1},
		{[]string{"io-threads 1"}, 1, 1, 0},
	} {
		s := testserver.Start(t, tc.directives...)
		info := srvInfo(t, s.Raw(t), "server")
		got := [3]int64{srvInfoInt(t, info, "event_loops"), srvInfoInt(t, info, "event_loops_active"), srvInfoInt(t, info, "io_threads_active")}
		if want := [3]int64{tc.loops, tc.active, tc.flag}; got != want {
			t.Errorf("%q: event_loops, event_loops_active, io_threads_active = %v, want %v", tc.directives, got, want)
		}
		if moves := srvInfoInt(t, info, "event_loop_moves"); moves != 0 {
			t.Errorf("%q: event_loop_moves = %d on an idle node", tc.directives, moves)
		}
	}
}
