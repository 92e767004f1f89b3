package command

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/pubsub"
)

// INFO: the node's state in Redis's sections and field names, which
// monitoring tools (redis_exporter, redis-cli --stat, Datadog) parse. A
// field Shoal has no equivalent for is left out rather than invented;
// fields that describe machinery Shoal lacks (forks, AOF, replicas) say
// what is true of it: nothing running, nothing done.

// infoSection is one "# Title" block of INFO.
type infoSection struct {
	name, title string
	write       func(*infoWriter, *Ctx, *serverState)
}

// infoSections are in the order Redis 7.0 writes them.
var infoSections = []infoSection{
	{"server", "Server", infoServer},
	{"clients", "Clients", infoClients},
	{"memory", "Memory", infoMemory},
	{"persistence", "Persistence", infoPersistence},
	{"stats", "Stats", infoStats},
	{"replication", "Replication", infoReplication},
	{"cpu", "CPU", infoCPU},
	{"module_list", "Modules", func(*infoWriter, *Ctx, *serverState) {}},
	{"commandstats", "Commandstats", infoCommandStats},
	{"errorstats", "Errorstats", infoErrorStats},
	{"latencystats", "Latencystats", infoLatencyStats},
	{"cluster", "Cluster", infoCluster},
	{"keyspace", "Keyspace", infoKeyspace},
}

// defaultInfoSections are what INFO and INFO default show.
var defaultInfoSections = []string{"server", "clients", "memory", "persistence", "stats", "replication",
	"cpu", "module_list", "errorstats", "cluster", "keyspace"}

// infoSelection is INFO's parsed arguments: the sections asked for.
type infoSelection struct {
	all   bool
	names map[string]bool
}

func parseInfo(args [][]byte) infoSelection {
	sel := infoSelection{names: map[string]bool{}}
	if len(args) == 0 {
		args = [][]byte{[]byte("default")}
	}
	for _, a := range args {
		switch {
		case is(a, "default"):
			for _, n := range defaultInfoSections {
				sel.names[n] = true
			}
		case is(a, "all"), is(a, "everything"):
			sel.all = true
		default:
			sel.names[lowerString(string(a))] = true
		}
	}
	return sel
}

func (sel infoSelection) wants(name string) bool {
	return sel.all || sel.names[name] || name == "module_list" && sel.names["modules"]
}

func info(c *Ctx, st *serverState) {
	sel := parseInfo(c.Args[1:])
	w := &infoWriter{}
	for _, sec := range infoSections {
		if !sel.wants(sec.name) {
			continue
		}
		if w.b.Len() > 0 {
			w.b.WriteString("\r\n")
		}
		w.b.WriteString("# " + sec.title + "\r\n")
		sec.write(w, c, st)
	}
	c.W.Verbatim("txt", w.b.String())
}

// infoWriter accumulates "name:value" lines.
type infoWriter struct{ b strings.Builder }

func (w *infoWriter) str(name, value string) {
	w.b.WriteString(name)
	w.b.WriteByte(':')
	w.b.WriteString(value)
	w.b.WriteString("\r\n")
}

func (w *infoWriter) int(name string, v int64) { w.str(name, strconv.FormatInt(v, 10)) }

// float writes v with two decimals, as Redis's %.2f fields.
func (w *infoWriter) float(name string, v float64) { w.str(name, strconv.FormatFloat(v, 'f', 2, 64)) }

// bytes writes a size and, under name_human, its short form.
func (w *infoWriter) bytes(name string, v int64) {
	w.int(name, v)
	w.str(name+"_human", humanBytes(v))
}

// humanBytes formats n as Redis's bytesToHuman: 512B, 1.25K, 3.00M, ...
func humanBytes(n int64) string {
	const k = 1024
	units := []string{"K", "M", "G", "T", "P"}
	if n < k {
		return strconv.FormatInt(n, 10) + "B"
	}
	d := float64(n) / k
	for _, u := range units[:len(units)-1] {
		if d < k {
			return strconv.FormatFloat(d, 'f', 2, 64) + u
		}
		d /= k
	}
	return strconv.FormatFloat(d, 'f', 2, 64) + units[len(units)-1]
}

func infoServer(w *infoWriter, c *Ctx, st *serverState) {
	n, now := c.Node, time.Now()
	uptime := int64(now.Sub(n.Started).Seconds())
	exe, _ := os.Executable()
	w.str("redis_version", RedisVersion)
	w.str("redis_git_sha1", "00000000")
	w.str("redis_git_dirty", "0")
	w.str("redis_build_id", "0")
	w.str("redis_mode", "standalone")
	w.str("shoal_version", n.Version)
	w.str("go_version", runtime.Version())
	w.str("os", osName())
	w.int("arch_bits", strconv.IntSize)
	w.str("monotonic_clock", "POSIX clock_gettime")
	w.str("multiplexing_api", multiplexingAPI())
	w.int("process_id", int64(os.Getpid()))
	w.str("process_supervised", "no")
	w.str("run_id", n.RunID)
	w.int("tcp_port", int64(n.TCPPort))
	w.int("server_time_usec", now.UnixMicro())
	w.int("uptime_in_seconds", uptime)
	w.int("uptime_in_days", uptime/86400)
	w.int("hz", n.Config.Int("hz"))
	w.int("configured_hz", n.Config.Int("hz"))
	w.int("lru_clock", now.Unix()&(1<<24-1))
	w.str("executable", exe)
	w.str("config_file", "")
	// io_threads_active is Redis's flag for "more than the main thread
	// serves clients"; the event_loop fields are Shoal's own.
	cs := n.Clients.Stats()
	w.int("io_threads_active", int64(b2i(cs.ActiveLoops > 1)))
	w.int("event_loops", int64(cs.EventLoops))
	w.int("event_loops_active", int64(cs.ActiveLoops))
	w.int("event_loop_moves", cs.LoopMoves)
}

// osName is uname's "sysname release machine", as Redis reports it.
func osName() string {
	sys := runtime.GOOS
	if sys != "" {
		sys = strings.ToUpper(sys[:1]) + sys[1:]
	}
	machine := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[runtime.GOARCH]
	if machine == "" {
		machine = runtime.GOARCH
	}
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return sys + " " + machine
	}
	return sys + " " + strings.TrimSpace(string(release)) + " " + machine
}

// multiplexingAPI names the poller Go's runtime uses on this system.
func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux", "android":
		return "epoll"
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "solaris", "illumos":
		return "evport"
	}
	return "poll"
}

func infoClients(w *infoWriter, c *Ctx, _ *serverState) {
	cs := clientStats(c)
	w.int("connected_clients", int64(cs.Connected))
	w.int("cluster_connections", 0)
	w.int("maxclients", c.Node.Config.Int("maxclients"))
	w.int("client_recent_max_input_buffer", cs.MaxInputBuffer)
	w.int("client_recent_max_output_buffer", cs.MaxOutputBuffer)
	w.int("blocked_clients", int64(cs.Blocked))
	w.int("tracking_clients", 0)
	w.int("clients_in_timeout_table", 0)
}

func clientStats(c *Ctx) ClientStats {
	if c.Node.Clients == nil {
		return ClientStats{}
	}
	return c.Node.Clients.Stats()
}

func infoMemory(w *infoWriter, c *Ctx, st *serverState) {
	m := memoryBreakdown(c, st)
	w.bytes("used_memory", m.total)
	w.bytes("used_memory_rss", m.rss)
	w.bytes("used_memory_peak", m.peak)
	w.str("used_memory_peak_perc", formatPercent(m.peakPerc))
	w.int("used_memory_overhead", m.overheadTotal)
	w.int("used_memory_startup", m.startup)
	w.int("used_memory_dataset", m.dataset)
	w.str("used_memory_dataset_perc", formatPercent(m.datasetPerc))
	w.int("allocator_allocated", m.alloc.allocated)
	w.int("allocator_active", m.alloc.active)
	w.int("allocator_resident", m.alloc.resident)
	if total := totalSystemMemory(); total > 0 {
		w.bytes("total_system_memory", total)
	}
	infoScriptMemory(w, c)
	w.bytes("maxmemory", configInt(c, "maxmemory", 0))
	w.str("maxmemory_policy", configString(c, "maxmemory-policy", "noeviction"))
	frag, rss, overhead, fragBytes, rssBytes, overheadBytes := m.allocatorRatios()
	w.float("allocator_frag_ratio", float64(frag))
	w.int("allocator_frag_bytes", fragBytes)
	w.float("allocator_rss_ratio", float64(rss))
	w.int("allocator_rss_bytes", rssBytes)
	w.float("rss_overhead_ratio", float64(overhead))
	w.int("rss_overhead_bytes", overheadBytes)
	w.float("mem_fragmentation_ratio", float64(m.frag))
	w.int("mem_fragmentation_bytes", m.fragBytes)
	for _, f := range []string{"mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves"} {
		w.int(f, 0)
	}
	w.int("mem_clients_normal", m.clients)
	w.int("mem_cluster_links", 0)
	w.int("mem_aof_buffer", 0)
	w.str("mem_allocator", memAllocator())
	w.int("active_defrag_running", 0)
	w.int("lazyfree_pending_objects", 0)
	w.int("lazyfreed_objects", 0)
}

// infoScriptMemory writes Redis's scripting memory fields: the counts of
// cached scripts, functions and libraries. The Lua VMs' memory is part
// of the Go heap, not told apart: those fields are zero.
func infoScriptMemory(w *infoWriter, c *Ctx) {
	w.int("used_memory_lua", 0)
	w.int("used_memory_vm_eval", 0)
	w.str("used_memory_lua_human", humanBytes(0))
	w.int("used_memory_scripts_eval", 0)
	libs, funcs := c.Node.scripts.functions.counts()
	w.int("number_of_cached_scripts", int64(c.Node.scripts.cached()))
	w.int("number_of_functions", int64(funcs))
	w.int("number_of_libraries", int64(libs))
	w.int("used_memory_vm_functions", 0)
	w.bytes("used_memory_vm_total", 0)
	w.int("used_memory_functions", 0)
	w.bytes("used_memory_scripts", 0)
}

// formatPercent writes a percentage as Redis's "%.2f%%".
func formatPercent(p float32) string { return strconv.FormatFloat(float64(p), 'f', 2, 64) + "%" }

// configInt and configString read a directive that may not exist yet
// (maxmemory arrives with eviction), falling back to what Redis reports
// for its default.
func configInt(c *Ctx, name string, def int64) int64 {
	if !c.Node.Config.Has(name) {
		return def
	}
	return c.Node.Config.Int(name)
}

func configString(c *Ctx, name, def string) string {
	if !c.Node.Config.Has(name) {
		return def
	}
	return c.Node.Config.String(name)
}

// residentMemory is the process's resident set size, from
// /proc/self/statm; 0 where that file does not exist.
func residentMemory() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// totalSystemMemory is MemTotal from /proc/meminfo, 0 when unknown.
func totalSystemMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("MemTotal:")); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// infoPersistence is Redis 7.0's persistence section: the snapshot
// fields from the node's state (save.go), the AOF ones as Redis prints
// them with AOF off, and the loading_* fields while a load runs.
func infoPersistence(w *infoWriter, c *Ctx, _ *serverState) {
	n := c.Node
	p := &n.persist
	p.mu.Lock()
	run := p.running
	lastBgsaveSecs, saves, lastCow, lastTryFailed := p.lastBgsaveSecs, p.saves, p.lastCow, p.bgsaveErr.Load()
	hadBgsave := !p.lastTry.IsZero()
	p.mu.Unlock()
	var cowNow, cowPeak, processed, total int64
	var curSecs int64 = -1
	if run != nil {
		cowNow, cowPeak, processed = run.snap.SideBytes(), run.snap.PeakSideBytes(), run.snap.Keys()
		for _, sz := range run.snap.Sizes() {
			total += int64(sz.Keys)
		}
		curSecs = int64(time.Since(run.started).Seconds())
	}
	w.int("loading", int64(b2i(n.Loading())))
	w.int("async_loading", 0)
	w.int("current_cow_peak", cowPeak)
	w.int("current_cow_size", cowNow)
	w.int("current_cow_size_age", 0)
	perc := 0.0
	if total > 0 {
		perc = float64(processed) * 100 / float64(total)
	}
	w.float("current_fork_perc", perc)
	w.int("current_save_keys_processed", processed)
	w.int("current_save_keys_total", total)
	w.int("rdb_changes_since_last_save", n.changesSinceSave())
	w.int("rdb_bgsave_in_progress", int64(b2i(run != nil && run.background)))
	w.int("rdb_last_save_time", n.lastSaveTime())
	w.str("rdb_last_bgsave_status", map[bool]string{false: "ok", true: "err"}[lastTryFailed])
	if !hadBgsave {
		lastBgsaveSecs = -1
	}
	w.int("rdb_last_bgsave_time_sec", lastBgsaveSecs)
	if run == nil || !run.background {
		curSecs = -1
	}
	w.int("rdb_current_bgsave_time_sec", curSecs)
	w.int("rdb_saves", saves)
	w.int("rdb_last_cow_size", lastCow)
	lp := &p.load
	lp.mu.Lock()
	w.int("rdb_last_load_keys_expired", lp.lastExpir)
	w.int("rdb_last_load_keys_loaded", lp.lastKeys)
	lp.mu.Unlock()
	writeAOFInfo(w, c)
	if n.Loading() {
		infoLoading(w, n)
	}
}

// infoLoading is the loading_* fields, with Redis's estimate of the time
// left: the rate so far applied to the bytes left.
func infoLoading(w *infoWriter, n *Node) {
	lp := &n.persist.load
	lp.mu.Lock()
	start, total, loaded := lp.start, lp.total, lp.loaded
	lp.mu.Unlock()
	perc, eta := 0.0, int64(1)
	if total > 0 {
		perc = float64(loaded) * 100 / float64(total)
	}
	if elapsed := time.Since(start).Seconds(); loaded > 0 && elapsed > 0 {
		eta = int64(float64(total-loaded) / (float64(loaded) / elapsed))
	}
	w.int("loading_start_time", start.Unix())
	w.int("loading_total_bytes", total)
	w.int("loading_rdb_used_mem", 0)
	w.int("loading_loaded_bytes", loaded)
	w.float("loading_loaded_perc", perc)
	w.int("loading_eta_seconds", eta)
}

func infoStats(w *infoWriter, c *Ctx, st *serverState) {
	cs := clientStats(c)
	es := c.Node.Engine.Stats()
	cmds := totalCommands(c.Node.Table)
	r := st.rates(rateSample{at: time.Now(), ops: cmds, in: cs.NetInputBytes, out: cs.NetOutputBytes})
	w.int("total_connections_received", cs.TotalConnections)
	w.int("total_commands_processed", cmds)
	w.int("instantaneous_ops_per_sec", int64(r.ops+0.5))
	w.int("total_net_input_bytes", cs.NetInputBytes)
	w.int("total_net_output_bytes", cs.NetOutputBytes)
	w.int("total_net_repl_input_bytes", replInputBytes(c))
	w.int("total_net_repl_output_bytes", cs.NetReplOutputBytes)
	w.float("instantaneous_input_kbps", r.in/1024)
	w.float("instantaneous_output_kbps", r.out/1024)
	w.float("instantaneous_input_repl_kbps", 0)
	w.float("instantaneous_output_repl_kbps", 0)
	w.int("rejected_connections", cs.Rejected)
	full, ok, bad := c.Node.replSyncStats()
	w.int("sync_full", full)
	w.int("sync_partial_ok", ok)
	w.int("sync_partial_err", bad)
	w.int("expired_keys", es.ExpiredKeys)
	w.float("expired_stale_perc", 0)
	w.int("expired_time_cap_reached_count", 0)
	w.int("expire_cycle_cpu_milliseconds", es.ExpireCycleTime.Milliseconds())
	w.int("evicted_keys", es.EvictedKeys)
	w.int("evicted_clients", 0)
	exceeded, exceeding := c.Node.Engine.EvictionExceeded()
	w.int("total_eviction_exceeded_time", exceeded.Milliseconds())
	w.int("current_eviction_exceeded_time", exceeding.Milliseconds())
	w.int("keyspace_hits", es.Hits)
	w.int("keyspace_misses", es.Misses)
	w.int("pubsub_channels", int64(c.Node.PubSub.Len(pubsub.Channel)))
	w.int("pubsub_patterns", int64(c.Node.PubSub.Len(pubsub.Pattern)))
	w.int("pubsubshard_channels", int64(c.Node.PubSub.Len(pubsub.Shard)))
	for _, f := range []string{"latest_fork_usec",
		"total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits",
		"active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
		"current_active_defrag_time", "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes",
		"unexpected_error_replies"} {
		w.int(f, 0)
	}
	w.int("total_error_replies", totalErrors(c.Node.Table))
	w.int("dump_payload_sanitizations", 0)
	w.int("total_reads_processed", cs.Reads)
	w.int("total_writes_processed", cs.Writes)
	w.int("io_threaded_reads_processed", 0)
	w.int("io_threaded_writes_processed", 0)
}

// totalCommands is the number of commands executed, as Redis's
// stat_numcommands: rejected ones (arity, auth) are not counted.
func totalCommands(t *Table) int64 {
	var n int64
	for _, s := range t.Stats() {
		n += s.Calls
	}
	return n
}

func totalErrors(t *Table) int64 {
	var n int64
	for _, v := range t.ErrorCounts() {
		n += v
	}
	return n
}

func infoReplication(w *infoWriter, c *Ctx, st *serverState) {
	if c.Node.Repl != nil {
		infoReplicationFields(w, c.Node.Repl.InfoFields())
		return
	}
	w.str("role", "master")
	w.int("connected_slaves", 0)
	w.str("master_failover_state", "no-failover")
	w.str("master_replid", st.replID)
	w.str("master_replid2", strings.Repeat("0", 40))
	w.int("master_repl_offset", 0)
	w.int("second_repl_offset", -1)
	w.int("repl_backlog_active", 0)
	w.int("repl_backlog_size", 1048576)
	w.int("repl_backlog_first_byte_offset", 0)
	w.int("repl_backlog_histlen", 0)
}

func infoCPU(w *infoWriter, _ *Ctx, _ *serverState) {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	w.str("used_cpu_sys", cpuTime(self.Stime))
	w.str("used_cpu_user", cpuTime(self.Utime))
	w.str("used_cpu_sys_children", cpuTime(children.Stime))
	w.str("used_cpu_user_children", cpuTime(children.Utime))
}

// cpuTime formats a duration as Redis's "%ld.%06ld" seconds.
func cpuTime(tv syscall.Timeval) string {
	return fmt.Sprintf("%d.%06d", int64(tv.Sec), int64(tv.Usec))
}

func infoCommandStats(w *infoWriter, c *Ctx, _ *serverState) {
	for _, s := range c.Node.Table.Stats() {
		perCall := 0.0
		if s.Calls > 0 {
			perCall = float64(s.Usec) / float64(s.Calls)
		}
		fmt.Fprintf(&w.b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
			s.Name, s.Calls, s.Usec, perCall, s.Rejected, s.Failed)
	}
}

func infoErrorStats(w *infoWriter, c *Ctx, _ *serverState) {
	counts := c.Node.Table.ErrorCounts()
	codes := make([]string, 0, len(counts))
	for code := range counts {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		fmt.Fprintf(&w.b, "errorstat_%s:count=%d\r\n", code, counts[code])
	}
}

func infoCluster(w *infoWriter, c *Ctx, _ *serverState) {
	enabled := int64(0)
	if c.Node.Config.Has("cluster-enabled") && c.Node.Config.Bool("cluster-enabled") {
		enabled = 1
	}
	w.int("cluster_enabled", enabled)
}

func infoKeyspace(w *infoWriter, c *Ctx, _ *serverState) {
	eng := c.Node.Engine
	for i := range eng.NumDBs() {
		db := eng.DB(i)
		if keys := db.Size(); keys > 0 {
			fmt.Fprintf(&w.b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", i, keys, db.Expires(), db.AvgTTL())
		}
	}
}

// serverState is what INFO keeps between calls for one node: the memory
// peak and the samples behind the instantaneous rates. Redis samples in
// its cron; Shoal samples when INFO is asked, so a rate covers the time
// since the previous INFO (at least rateInterval).
type serverState struct {
	replID string

	mu   sync.Mutex
	peak int64
	last rateSample
	rate rates
}

type rateSample struct {
	at           time.Time
	ops, in, out int64
}

type rates struct{ ops, in, out float64 }

// rateInterval is the shortest period a rate is measured over, so that
// two INFO calls in a row do not divide by almost nothing.
const rateInterval = 100 * time.Millisecond

func newServerState() *serverState {
	b := make([]byte, 20)
	rand.Read(b)
	st := &serverState{replID: hex.EncodeToString(b)}
	st.last.at = time.Now()
	return st
}

// rates returns the per-second rates of commands and network bytes,
// measured from the previous sample to cur.
func (st *serverState) rates(cur rateSample) rates {
	st.mu.Lock()
	defer st.mu.Unlock()
	if d := cur.at.Sub(st.last.at); d >= rateInterval {
		sec := d.Seconds()
		st.rate = rates{
			ops: float64(cur.ops-st.last.ops) / sec,
			in:  float64(cur.in-st.last.in) / sec,
			out: float64(cur.out-st.last.out) / sec,
		}
		st.last = cur
	}
	return st.rate
}

type memoryUse struct{ used, rss, peak int64 }

// memory reads used_memory (the engine's accounting, the figure maxmemory
// is compared with) and the resident set, and updates the peak.
func (st *serverState) memory(eng *engine.Engine) memoryUse {
	m := memoryUse{used: eng.UsedMemory(), rss: residentMemory()}
	if m.rss == 0 {
		// No /proc: what the runtime holds from the OS is the nearest
		// figure. ReadMemStats stops the world, so only then.
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		m.rss = int64(ms.Sys - ms.HeapReleased)
	}
	st.mu.Lock()
	st.peak = max(st.peak, m.used)
	m.peak = st.peak
	st.mu.Unlock()
	return m
}

// reset forgets the peak and the rate samples (CONFIG RESETSTAT).
func (st *serverState) reset() {
	st.mu.Lock()
	st.peak = 0
	st.last = rateSample{at: time.Now()}
	st.rate = rates{}
	st.mu.Unlock()
}
