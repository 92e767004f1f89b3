package command

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/shoal-cache/shoal/internal/hdrhist"
	"github.com/shoal-cache/shoal/internal/stripe"
)

// Flags are a command's properties, as Redis's command table names them.
type Flags uint32

// The flags COMMAND INFO reports. Write/ReadOnly/Admin/Fast/... also decide
// the ACL categories a command belongs to.
const (
	Write Flags = 1 << iota
	ReadOnly
	DenyOOM
	Admin
	PubSub
	NoScript
	Blocking
	Loading
	Stale
	SkipMonitor
	SkipSlowlog
	Fast
	NoAuth
	MayReplicate
	NoMandatoryKeys
	NoAsyncLoading
	NoMulti
	AllowBusy
)

var flagNames = []string{"write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking",
	"loading", "stale", "skip_monitor", "skip_slowlog", "fast", "no_auth", "may_replicate", "no_mandatory_keys", "no_async_loading", "no_multi", "allow_busy"}

// Names returns the flag names in Redis's spelling, but may_replicate,
// which Redis keeps out of COMMAND INFO.
func (f Flags) Names() []string {
	var out []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 && Flags(1<<i) != MayReplicate {
			out = append(out, n)
		}
	}
	return out
}

// Spec is one command or subcommand.
type Spec struct {
	// Name is lower case ("get"; "list" for CLIENT LIST, whose full name
	// is "client|list").
	Name string
	// Arity is the argument count including the name; negative means at
	// least -Arity.
	Arity int
	Flags Flags
	// FirstKey, LastKey and Step are the key positions (LastKey -1 is the
	// last argument), 0 when the command takes no key.
	FirstKey, LastKey, Step int
	// Group is the command's documentation group ("string", "generic",
	// "connection", "server", "bitmap", ...); it also gives the ACL
	// category @string, @keyspace, ...
	Group string
	// Summary and Since feed COMMAND DOCS.
	Summary, Since string
	// Categories are ACL categories beyond those derived from Flags and
	// Group, without the @.
	Categories []string
	// OwnCategories means Categories replace the one the group gives: a
	// few commands sit in a group without its category (WAIT is "generic"
	// but @connection, the OBJECT container has none), as in Redis's table.
	OwnCategories bool
	Handler       func(*Ctx)
	// exclusive commands (EXEC) run with no other command alongside.
	exclusive bool
	// ownsGate commands (EVAL and its kin) take the node's gate
	// themselves, exclusively, and may hand it to another goroutine
	// (scripting.go).
	ownsGate bool
	// Subcommands make this a container command (CLIENT, CONFIG, ...).
	Subcommands []*Spec

	fullName string
	// multiKeys says its keys are described by multiKeySpecs, not only
	// by FirstKey/LastKey/Step.
	multiKeys bool
	parent    *Spec
	subs      map[string]*Spec
	stats     *cmdStats       // alone, so that its stripes start on a cache line
	latency   LatencyObserver // nil unless metrics are on
}

// FullName is the name COMMAND and INFO commandstats use: "get", or
// "client|list" for a subcommand.
func (s *Spec) FullName() string { return s.fullName }

// Parent returns the container of a subcommand, nil for a command.
func (s *Spec) Parent() *Spec { return s.parent }

// cmdStats are a command's INFO commandstats counters, a stripe per
// event loop (package stripe): every call adds to them. Allocated alone it
// starts on a cache line (stripe.Counter says why), so no two stripes
// share one.
type cmdStats struct {
	cells [stripe.Count]cmdCell
}

type cmdCell struct {
	calls, usec, rejected, failed atomic.Int64
	// latency is the stripe's share of the command's latency histogram
	// (latency_tracking.go), nil until the command first runs on the
	// stripe with latency-tracking on.
	latency atomic.Pointer[hdrhist.Counts]
	_       [24]byte // to a cache line
}

// on returns the counters of stripe s.
func (st *cmdStats) on(s int) *cmdCell { return &st.cells[stripe.Of(s)] }

// sum returns the counters over every stripe.
func (st *cmdStats) sum() (calls, usec, rejected, failed int64) {
	for i := range st.cells {
		x := &st.cells[i]
		calls, usec = calls+x.calls.Load(), usec+x.usec.Load()
		rejected, failed = rejected+x.rejected.Load(), failed+x.failed.Load()
	}
	return
}

func (st *cmdStats) reset() {
	for i := range st.cells {
		x := &st.cells[i]
		x.calls.Store(0)
		x.usec.Store(0)
		x.rejected.Store(0)
		x.failed.Store(0)
		x.latency.Store(nil)
	}
}

// Table is the set of commands a node serves, keyed by lower-case name.
type Table struct {
	cmds map[string]*Spec

	errMu     sync.Mutex
	errCounts map[string]int64 // error code → count, for INFO errorstats
}

// NewTable builds the node's command table from every family's specs. It
// panics on a duplicate name: that is a programming error.
func NewTable() *Table {
	t := &Table{cmds: map[string]*Spec{}, errCounts: map[string]int64{}}
	families := [][]*Spec{
		connectionCommands(), serverCommands(), introspectionCommands(),
		stringCommands(), bitCommands(), keyCommands(), transactionCommands(),
		listCommands(), setCommands(), sortCommands(), hashCommands(), pubsubCommands(), zsetCommands(),
		scriptingCommands(), functionCommands(), aofCommands(), saveCommands(), replicationCommands(), debugCommands(), monitorCommands(), clusterConnCommands(),
	}
	for _, family := range families {
		for _, s := range family {
			t.add(s)
		}
	}
	return t
}

func (t *Table) add(s *Spec) {
	if _, dup := t.cmds[s.Name]; dup {
		panic("command: duplicate command " + s.Name)
	}
	s.fullName = s.Name
	s.stats = new(cmdStats)
	_, s.multiKeys = multiKeySpecs[s.fullName]
	if len(s.Subcommands) > 0 {
		s.subs = map[string]*Spec{}
		for _, sub := range s.Subcommands {
			if _, dup := s.subs[sub.Name]; dup {
				panic("command: duplicate subcommand " + s.Name + "|" + sub.Name)
			}
			sub.parent = s
			sub.fullName = s.Name + "|" + sub.Name
			sub.stats = new(cmdStats)
			_, sub.multiKeys = multiKeySpecs[sub.fullName]
			if sub.Group == "" {
				sub.Group = s.Group
			}
			s.subs[sub.Name] = sub
		}
	}
	t.cmds[s.Name] = s
}

// Lookup returns the command named name (any case), or nil.
func (t *Table) Lookup(name []byte) *Spec {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.cmds[strings.ToLower(string(name))]
	}
	return t.cmds[string(lower(buf[:0], name))]
}

// Sub returns a container's subcommand named name (any case), or nil.
func (s *Spec) Sub(name []byte) *Spec {
	return s.subs[strings.ToLower(string(name))]
}

// All returns every command, sorted by name.
func (t *Table) All() []*Spec {
	out := make([]*Spec, 0, len(t.cmds))
	for _, s := range t.cmds {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Count returns the number of top-level commands.
func (t *Table) Count() int { return len(t.cmds) }

// ACLCategories returns the command's ACL categories with the @ dropped,
// derived as Redis derives them from flags and group, plus its own.
func (s *Spec) ACLCategories() []string {
	var cats []string
	add := func(c string) {
		for _, have := range cats {
			if have == c {
				return
			}
		}
		cats = append(cats, c)
	}
	f := s.Flags
	if f&Write != 0 {
		add("write")
	}
	if f&ReadOnly != 0 && s.Group != "scripting" {
		add("read")
	}
	if f&Admin != 0 {
		add("admin")
		add("dangerous")
	}
	if f&PubSub != 0 {
		add("pubsub")
	}
	if f&Fast != 0 {
		add("fast")
	}
	if f&Blocking != 0 {
		add("blocking")
	}
	if f&Fast == 0 {
		add("slow")
	}
	if !s.OwnCategories {
		switch s.Group {
		case "generic":
			add("keyspace")
		case "string", "bitmap", "hash", "list", "set", "connection", "scripting", "geo", "stream", "hyperloglog":
			add(s.Group)
		case "sorted-set":
			add("sortedset")
		case "transactions":
			add("transaction")
		}
	}
	for _, c := range s.Categories {
		add(c)
	}
	return cats
}

func lower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
