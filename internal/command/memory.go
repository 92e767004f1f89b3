package command

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// MEMORY: where the node's memory goes. Every figure comes from the
// engine's per-key accounting (the one maxmemory is enforced against), the
// process's resident set and the Go runtime; what Shoal cannot measure
// honestly (Lua caches) is reported as the nothing it is. The allocator
// figures Redis takes from jemalloc are the Go runtime's (goAllocator). docs/memory.md explains each figure.

// memoryOverhead is Shoal's counterpart of Redis's redisMemOverhead: the
// breakdown of used_memory that MEMORY STATS, MEMORY DOCTOR and INFO
// memory share. Ratios are float32 because Redis computes them as floats,
// which shows in the digits MEMORY STATS prints.
type memoryOverhead struct {
	peak, total, startup, rss int64
	// clients is the estimated memory of the normal clients' buffers.
	// used_memory does not count it (it is the engine's figure, which
	// maxmemory is enforced against), so neither does overheadTotal:
	// total = overheadTotal + dataset, as in Redis.
	clients    int64
	numClients int
	dbs        []dbOverhead
	// overheadTotal is startup plus the per-key bookkeeping.
	overheadTotal int64
	keys          int64
	bytesPerKey   int64
	// dataset is the keys' and values' own bytes.
	dataset               int64
	datasetPerc, peakPerc float32
	frag                  float32
	fragBytes             int64
	alloc                 allocatorUse
}

// allocatorUse is Redis's allocator_allocated, _active and _resident, from
// the Go runtime's heap: the bytes of heap objects, the bytes of the spans
// holding them, and what the runtime has mapped and not given back.
type allocatorUse struct{ allocated, active, resident int64 }

// goAllocator reads allocatorUse from runtime/metrics, which, unlike
// ReadMemStats, does not stop the world.
func goAllocator() allocatorUse {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	objects, unused := int64(metricUint(s[0])), int64(metricUint(s[1]))
	return allocatorUse{allocated: objects, active: objects + unused, resident: int64(metricUint(s[2]) - metricUint(s[3]))}
}

// allocatorRatios are Redis's allocator fragmentation (active over
// allocated), allocator RSS (resident over active) and RSS overhead (the
// process's RSS over resident), each as a ratio and a difference.
func (m memoryOverhead) allocatorRatios() (frag, rss, overhead float32, fragBytes, rssBytes, overheadBytes int64) {
	a := m.alloc
	ratio := func(x, y int64) float32 { return float32(x) / float32(max(y, 1)) }
	return ratio(a.active, a.allocated), ratio(a.resident, a.active), ratio(m.rss, a.resident),
		a.active - a.allocated, a.resident - a.active, m.rss - a.resident
}

// dbOverhead is the per-key bookkeeping of one non-empty database.
type dbOverhead struct {
	index         int
	main, expires int64
}

// memoryBreakdown reads the node's memory figures and updates the peak.
func memoryBreakdown(c *Ctx, st *serverState) memoryOverhead {
	use := st.memory(c.Node.Engine)
	m := memoryOverhead{peak: use.peak, total: use.used, rss: use.rss, startup: c.Node.Engine.BaselineMemory()}
	m.clients, m.numClients = clientsMemory(c)
	m.overheadTotal = m.startup
	var bookkeeping int64
	for i := range c.Node.Engine.NumDBs() {
		db := c.Node.Engine.DB(i)
		keys := int64(db.Size())
		if keys == 0 {
			continue
		}
		main, expires := db.Overhead()
		m.dbs = append(m.dbs, dbOverhead{index: i, main: main, expires: expires})
		m.keys += keys
		bookkeeping += main + expires
	}
	m.overheadTotal += bookkeeping
	m.dataset = max(c.Node.Engine.DatasetBytes()-bookkeeping, 0)
	net := int64(1)
	if m.total > m.startup {
		net = m.total - m.startup
	}
	if m.keys > 0 {
		m.bytesPerKey = net / m.keys
	}
	m.datasetPerc = float32(float64(m.dataset) * 100 / float64(net))
	m.peakPerc = float32(float64(m.total) * 100 / float64(max(m.peak, 1)))
	m.frag = float32(m.rss) / float32(max(m.total, 1))
	m.fragBytes = m.rss - m.total
	m.alloc = goAllocator()
	return m
}

// clientsMemory sums the memory estimates of the connected clients, the
// tot-mem field CLIENT LIST shows, and counts them.
func clientsMemory(c *Ctx) (int64, int) {
	if c.Node.Clients == nil {
		return 0, 0
	}
	var total int64
	conns := c.Node.Clients.List()
	for _, conn := range conns {
		n, _ := strconv.ParseInt(infoField(conn.Info(), "tot-mem"), 10, 64)
		total += n
	}
	return total, len(conns)
}

// memoryUsageArgs is MEMORY USAGE's parsed options. SAMPLES is accepted
// and checked as Redis does, but Shoal's sizes are exact sums kept as
// values change, so there is nothing to sample.
type memoryUsageArgs struct {
	samples int64
}

// parseMemoryUsage reads the options after the key, returning Redis's
// error text when they are wrong.
func parseMemoryUsage(opts [][]byte) (memoryUsageArgs, string) {
	a := memoryUsageArgs{samples: 5}
	for i := 0; i < len(opts); i++ {
		if !is(opts[i], "samples") || i+1 == len(opts) {
			return a, errSyntax
		}
		n, ok := parseInt(opts[i+1])
		if !ok {
			return a, errNotInteger
		}
		if n < 0 {
			return a, errSyntax
		}
		a.samples = n
		i++
	}
	return a, ""
}

// memoryUsage replies with the bytes the key and its value take, as the
// engine accounts them, or a null for a missing key. Like Redis it looks
// the key up without counting a keyspace hit or miss.
func memoryUsage(c *Ctx) {
	if _, msg := parseMemoryUsage(c.Args[3:]); msg != "" {
		c.Error(msg)
		return
	}
	key := c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Peek(key)
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Int(e.MemoryUsage(len(key)))
}

// memoryStats replies with Redis's map of memory figures, in its order.
// The allocator.* and allocator-*/rss-overhead.* entries are the Go
// runtime's heap where Redis's are jemalloc's arenas.
func memoryStats(c *Ctx, st *serverState) {
	m := memoryBreakdown(c, st)
	w := c.W
	w.Map(27 + len(m.dbs))
	field := func(name string, v int64) {
		w.BulkString(name)
		w.Int(v)
	}
	field("peak.allocated", m.peak)
	field("total.allocated", m.total)
	field("startup.allocated", m.startup)
	for _, name := range []string{"replication.backlog", "clients.slaves"} {
		field(name, 0)
	}
	field("clients.normal", m.clients)
	for _, name := range []string{"cluster.links", "aof.buffer", "lua.caches", "functions.caches"} {
		field(name, 0)
	}
	for _, db := range m.dbs {
		w.BulkString("db." + strconv.Itoa(db.index))
		w.Map(3)
		field("overhead.hashtable.main", db.main)
		field("overhead.hashtable.expires", db.expires)
		// Shoal's slot tables are part of the per-key overhead above.
		field("overhead.hashtable.slot-to-keys", 0)
	}
	field("overhead.total", m.overheadTotal)
	field("keys.count", m.keys)
	field("keys.bytes-per-key", m.bytesPerKey)
	field("dataset.bytes", m.dataset)
	w.BulkString("dataset.percentage")
	w.Double(float64(m.datasetPerc))
	w.BulkString("peak.percentage")
	w.Double(float64(m.peakPerc))
	field("allocator.allocated", m.alloc.allocated)
	field("allocator.active", m.alloc.active)
	field("allocator.resident", m.alloc.resident)
	frag, rss, overhead, fragBytes, rssBytes, overheadBytes := m.allocatorRatios()
	for _, f := range []struct {
		name  string
		ratio float32
		bytes int64
	}{{"allocator-fragmentation", frag, fragBytes}, {"allocator-rss", rss, rssBytes}, {"rss-overhead", overhead, overheadBytes}} {
		w.BulkString(f.name + ".ratio")
		w.Double(float64(f.ratio))
		field(f.name+".bytes", f.bytes)
	}
	w.BulkString("fragmentation")
	w.Double(float64(m.frag))
	field("fragmentation.bytes", m.fragBytes)
}

// The thresholds of Redis's memory doctor.
const (
	doctorMinMemory     = 5 << 20   // below this the instance is "empty"
	doctorPeakRatio     = 1.5       // peak / used
	doctorFragRatio     = 1.4       // rss / used
	doctorFragBytes     = 10 << 20  // rss - used
	doctorClientBuffers = 200 << 10 // per normal client
)

// Redis 7.0's memory doctor texts, verbatim.
const (
	doctorEmpty = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
		"Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	doctorFine   = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	doctorIssues = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
	doctorPeak   = " * Peak memory: In the past this instance used more than 150% the memory that is currently using. " +
		"The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, " +
		"however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) " +
		"is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. " +
		"If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, " +
		"otherwise the only other option is to shutdown and restart the instance.\n\n"
	doctorFrag = " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 " +
		"(this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). " +
		"This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) " +
		"or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, " +
		"then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. " +
		"Note: The currently used allocator is \"%s\".\n\n"
	doctorClients = " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). " +
		"This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, " +
		"so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large " +
		"sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it " +
		"causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n"
	doctorSignOff = "I'm here to keep you safe, Sam. I want to help you.\n"
)

// memoryDoctorReport runs Redis's checks that Shoal has figures for: a
// peak far above current use, a resident set far above used_memory, big
// client buffers. Redis's allocator checks need jemalloc's figures, and
// its replica and script checks machinery Shoal does not have.
func memoryDoctorReport(m memoryOverhead) string {
	if m.total < doctorMinMemory {
		return doctorEmpty
	}
	var issues []string
	if float32(m.peak)/float32(m.total) > doctorPeakRatio {
		issues = append(issues, doctorPeak)
	}
	if m.frag > doctorFragRatio && m.fragBytes > doctorFragBytes {
		issues = append(issues, fmt.Sprintf(doctorFrag, memAllocator()))
	}
	if m.numClients > 0 && m.clients/int64(m.numClients) > doctorClientBuffers {
		issues = append(issues, doctorClients)
	}
	if len(issues) == 0 {
		return doctorFine
	}
	return doctorIssues + strings.Join(issues, "") + doctorSignOff
}

func memoryDoctor(c *Ctx, st *serverState) {
	c.W.Verbatim("txt", memoryDoctorReport(memoryBreakdown(c, st)))
}

// memAllocator names the allocator as INFO's mem_allocator does.
func memAllocator() string { return "go-" + strings.TrimPrefix(runtime.Version(), "go") }

// memoryPurge returns freed memory to the operating system, Go's
// counterpart of asking jemalloc to purge its dirty pages. It runs a full
// garbage collection first, so it costs what a collection of the heap
// costs.
func memoryPurge(c *Ctx) {
	debug.FreeOSMemory()
	c.W.OK()
}

// memoryMallocStats replies with the Go runtime's view of the heap, where
// Redis prints jemalloc's statistics.
func memoryMallocStats(c *Ctx) {
	c.W.Verbatim("txt", goMemoryReport())
}

func goMemoryReport() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}, {Name: "/gc/heap/goal:bytes"}}
	metrics.Read(gc)
	var b strings.Builder
	line := func(name string, v uint64, what string) { fmt.Fprintf(&b, "%-16s %20d  %s\n", name+":", v, what) }
	b.WriteString("___ Begin Go runtime memory statistics ___\n")
	fmt.Fprintf(&b, "Version: %s\n", runtime.Version())
	line("heap_alloc", ms.HeapAlloc, "bytes of allocated heap objects, live and not yet collected")
	line("heap_sys", ms.HeapSys, "bytes of heap obtained from the OS")
	line("heap_inuse", ms.HeapInuse, "bytes in spans holding objects")
	line("heap_idle", ms.HeapIdle, "bytes in spans holding no object")
	line("heap_released", ms.HeapReleased, "bytes of idle spans returned to the OS")
	line("heap_objects", ms.HeapObjects, "allocated heap objects")
	line("stack_inuse", ms.StackInuse, "bytes of goroutine stacks")
	line("sys", ms.Sys, "bytes obtained from the OS in all")
	line("num_gc", uint64(ms.NumGC), "completed GC cycles")
	line("num_forced_gc", uint64(ms.NumForcedGC), "GC cycles forced by the application (MEMORY PURGE)")
	line("next_gc", ms.NextGC, "heap size goal of the next GC cycle")
	line("heap_goal", metricUint(gc[2]), "current heap goal")
	line("pause_total_ns", ms.PauseTotalNs, "total stop-the-world pause")
	fmt.Fprintf(&b, "%-16s %20.6f  %s\n", "gc_cpu_fraction:", ms.GCCPUFraction, "share of CPU time used by the GC since start")
	line("gogc", metricUint(gc[0]), "GOGC percent (0: off)")
	line("gomemlimit", metricUint(gc[1]), "GOMEMLIMIT bytes, derived from maxmemory unless set in the environment")
	b.WriteString("--- End Go runtime memory statistics ---\n")
	return b.String()
}

func metricUint(s metrics.Sample) uint64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s.Value.Uint64()
}

var memoryHelp = []string{
	"DOCTOR",
	"    Return memory problems reports.",
	"MALLOC-STATS",
	"    Return internal statistics report from the memory allocator.",
	"PURGE",
	"    Attempt to purge dirty pages for reclamation by the allocator.",
	"STATS",
	"    Return information about the memory usage of the server.",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
}

func memoryHelpCmd(c *Ctx) { replyHelp(c, "MEMORY", memoryHelp) }

// memoryCommand is MEMORY with Redis 7.0's subcommands, arities, flags and
// key positions. It shares the INFO state, whose peak it reads and updates.
func memoryCommand(st *serverState) *Spec {
	sub := func(name, summary string, h func(*Ctx)) *Spec {
		return &Spec{Name: name, Arity: 2, Summary: summary, Since: "4.0.0", Handler: h}
	}
	help := sub("help", "Show helpful text about the different subcommands", memoryHelpCmd)
	help.Flags = Loading | Stale
	return &Spec{
		Name: "memory", Arity: -2, Group: "server", Summary: "A container for memory diagnostics commands", Since: "4.0.0",
		// In the order Redis 7.0's COMMAND lists them.
		Subcommands: []*Spec{
			sub("stats", "Show memory usage details", func(c *Ctx) { memoryStats(c, st) }),
			help,
			sub("purge", "Ask the allocator to release memory", memoryPurge),
			sub("malloc-stats", "Show allocator internal stats", memoryMallocStats),
			sub("doctor", "Outputs memory problems report", func(c *Ctx) { memoryDoctor(c, st) }),
			{Name: "usage", Arity: -3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
				Summary: "Estimate the memory usage of a key", Since: "4.0.0", Handler: memoryUsage},
		},
	}
}
