package scripting

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// Host is what a script reaches of the node.
type Host interface {
	// Call runs args (args[0] is the command's name) for the script and
	// returns its reply in RESP of protocol proto. A command the script
	// may not run is refused instead: refused is the error text ("ERR
	// This Redis command is not allowed from script"), already counted in
	// INFO errorstats as Redis counts it, and there is no reply.
	Call(args [][]byte, proto int) (reply []byte, refused string)
	// CommandExists reports whether args name a command or subcommand
	// (redis.acl_check_cmd; every user may run every command).
	CommandExists(args [][]byte) bool
	// Log writes a redis.log line at level LogDebug ... LogWarning.
	Log(level int, msg string)
}

// The redis.log levels, as redis.LOG_DEBUG ... redis.LOG_WARNING number
// them.
const (
	LogDebug = iota
	LogVerbose
	LogNotice
	LogWarning
)

// VM is a Lua state set up as Redis's scripting environment. It runs one
// script at a time and is not safe for concurrent use.
type VM struct {
	L *lua.LState
	// globals holds every global; scripts see it only through env, a
	// read-only view that also refuses to read a global that is not
	// there.
	globals, env *lua.LTable
	// readOnly maps each read-only view to the table it shows.
	readOnly map[*lua.LTable]*lua.LTable
	// shownMT is what getmetatable returns for a read-only view.
	shownMT *lua.LTable
	// runFn calls a script and turns what it raises into Redis's error
	// table (errors.go).
	runFn  *lua.LFunction
	nextFn *lua.LFunction // next, which pairs returns
	// namingCall is what pcall calls its function through
	// (callNamingErrors).
	namingCall *lua.LFunction
	// sources maps the names of chunks loadstring compiled to their
	// source, which Redis's error texts show.
	sources map[string]string
	version string
	// rand is math.random's generator. Like Redis's, it is seeded once
	// and its sequence runs on from script to script.
	rand lrand48

	// run is the script running, nil between runs; it points to cur,
	// and the result of the last run is result (allocating either per
	// run would be a visible share of a short script's cost).
	run    *run
	cur    run
	result Result

	// args and argBuf are redis.call's arguments (commandArgs).
	args   [][]byte
	argBuf []byte

	// keys and argv are the tables of KEYS and ARGV.
	keys, argv argTable

	// libs is the environment of function libraries (library.go), made
	// when the VM loads its first library.
	libs *libraryEnv

	// slot tells the VM apart from others that run at the same time
	// (Script.fns).
	slot int
}

// run is one execution of a script.
type run struct {
	host Host
	ctx  context.Context
	// resp is the protocol of redis.call's replies, set by redis.setresp.
	resp int
}

// NewVM returns a VM whose redis.REDIS_VERSION is version ("7.0.15").
func NewVM(version string) *VM { return NewVMAt(version, 0) }

// NewVMAt returns a VM that runs scripts at the same time as the VMs of
// other slots (0 ≤ slot < MaxVMs).
func NewVMAt(version string, slot int) *VM {
	vm := &VM{
		// Lua 5.1 allows 20000 nested calls (LUAI_MAXCALLS). The call
		// stack is allocated whole (1.6 MB): gopher-lua's growing one
		// panics instead of raising "stack overflow" when it is full.
		L: lua.NewState(lua.Options{
			SkipOpenLibs:     true,
			CallStackSize:    20000,
			RegistrySize:     1024 * 16,
			RegistryMaxSize:  1024 * 1024,
			RegistryGrowStep: 1024 * 16,
		}),
		readOnly: map[*lua.LTable]*lua.LTable{},
		version:  version,
		rand:     newLrand48(),
		slot:     slot,
	}
	vm.sandbox()
	return vm
}

// Close frees the Lua state.
func (vm *VM) Close() { vm.L.Close() }

// Run runs s with KEYS and ARGV and returns its outcome, which stays valid
// until the VM runs another script. When ctx is cancelled (SCRIPT KILL)
// the script stops with Redis's "Script killed by user" error.
func (vm *VM) Run(ctx context.Context, s *Script, keys, argv [][]byte, host Host) *Result {
	L := vm.L
	vm.fill(&vm.keys, "KEYS", keys)
	vm.fill(&vm.argv, "ARGV", argv)
	made := &s.fns[vm.slot]
	if made.of != vm {
		made.fn, made.of = L.NewFunctionFromProto(s.proto), vm
		made.fn.Env = vm.env
		if !s.setsGlobals {
			made.fn.Env = vm.globals
		}
	}
	return vm.invoke(ctx, host, s.SHA, made.fn)
}

// invoke calls fn with args for a script or function named name (its
// SHA1, or a function's name, as error replies show it).
func (vm *VM) invoke(ctx context.Context, host Host, name string, fn *lua.LFunction, args ...lua.LValue) *Result {
	L := vm.L
	vm.cur = run{host: host, ctx: ctx, resp: 2}
	vm.run = &vm.cur
	defer func() { vm.run = nil }()
	if ctx != nil {
		L.SetContext(ctx)
		defer L.RemoveContext()
	}
	L.Push(vm.runFn)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(1+len(args), 1, nil)
	res := &vm.result
	*res = Result{sha: name, resp: vm.run.resp}
	if err != nil {
		res.err = err
		if apiErr, ok := err.(*lua.ApiError); ok {
			res.value = apiErr.Object
		}
	} else {
		res.value = L.Get(-1)
	}
	L.SetTop(0)
	return res
}

// argTable is the table of KEYS or of ARGV, kept from run to run:
// making two tables and setting two globals is a visible share of a short
// script's cost. No script can keep a table from one run to the next (the
// globals are read-only), so refilling it changes nothing a script sees,
// as long as the last script left it as a plain array.
type argTable struct {
	t *lua.LTable
	n int // the elements of the last run
}

// fill makes a's table hold args and global name point to it, reusing
// the table if the last script left nothing in it beyond its elements.
func (vm *VM) fill(a *argTable, name string, args [][]byte) {
	if a.t == nil || !a.plain() {
		a.t = vm.L.CreateTable(len(args), 0)
		a.n = 0
		vm.globals.RawSetString(name, a.t)
	}
	for i, v := range args {
		a.t.RawSetInt(i+1, lua.LString(v))
	}
	for i := len(args) + 1; i <= a.n; i++ {
		a.t.RawSetInt(i, lua.LNil)
	}
	a.n = len(args)
}

// plain reports whether a's table has no metatable and no key but its
// last run's elements 1 ... n (which may since be nil).
func (a *argTable) plain() bool {
	if a.t.Metatable != lua.LNil {
		return false
	}
	var after lua.LValue = lua.LNil // Next(0) would skip the array
	if a.n > 0 {
		after = lua.LNumber(a.n)
	}
	k, _ := a.t.Next(after)
	return k == lua.LNil
}

func stringArray(L *lua.LState, args [][]byte) *lua.LTable {
	t := L.CreateTable(len(args), 0)
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	return t
}

// Mark is a point a VM can be rewound to: what a script run again from
// its start must find as its first run found it (math.random's state).
type Mark struct{ rand lrand48 }

// Mark returns the VM's state now.
func (vm *VM) Mark() Mark { return Mark{rand: vm.rand} }

// Rewind returns the VM to m.
func (vm *VM) Rewind(m Mark) { vm.rand = m.rand }
