package scripting

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The redis table: redis.call and friends, as Redis 7.0 has them.

// The replication flags of redis.set_repl. Shoal does not replicate yet;
// the flags are accepted and checked as Redis checks them.
const (
	replNone = 0
	replAOF  = 1
	replRepl = 2
	replAll  = replAOF | replRepl
)

func (vm *VM) redisLib() *lua.LTable {
	L := vm.L
	t := L.CreateTable(0, 32)
	for name, fn := range map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return vm.call(L, true) },
		"pcall":              func(L *lua.LState) int { return vm.call(L, false) },
		"error_reply":        errorReply,
		"status_reply":       statusReply,
		"sha1hex":            sha1hex,
		"log":                vm.log,
		"setresp":            vm.setresp,
		"set_repl":           setRepl,
		"replicate_commands": replicateCommands,
		"breakpoint":         breakpoint,
		"debug":              func(L *lua.LState) int { return 0 },
		"acl_check_cmd":      vm.aclCheckCmd,
	} {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for name, n := range map[string]int{
		"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning,
		"REPL_NONE": replNone, "REPL_AOF": replAOF, "REPL_SLAVE": replRepl, "REPL_REPLICA": replRepl, "REPL_ALL": replAll,
	} {
		t.RawSetString(name, lua.LNumber(n))
	}
	t.RawSetString("REDIS_VERSION", lua.LString(vm.version))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(versionNum(vm.version)))
	return t
}

// versionNum is REDIS_VERSION_NUM: 0x00MMmmpp.
func versionNum(v string) int {
	n := 0
	for _, part := range strings.SplitN(v, ".", 3) {
		p, _ := strconv.Atoi(part)
		n = n<<8 | p&0xff
	}
	return n
}

// call is redis.call (raise true) and redis.pcall: run a command, and
// turn its reply into a Lua value. A failed command raises its error
// table under redis.call and returns it under redis.pcall.
func (vm *VM) call(L *lua.LState, raiseErr bool) int {
	fail := func(t *lua.LTable) int {
		if raiseErr {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	if vm.run == nil {
		return fail(errorTable(L, "ERR redis.call/pcall can only be called inside a script invocation"))
	}
	args, msg := vm.commandArgs(L)
	if msg != "" {
		return fail(errorTable(L, errorText(msg)))
	}
	L.SetTop(0)
	reply, refused := vm.run.host.Call(args, vm.run.resp)
	if refused != "" {
		return fail(commandErrorTable(L, errorText("-"+refused)))
	}
	v := parseReply(L, reply)
	if t, ok := v.(*lua.LTable); ok && len(reply) > 0 && reply[0] == '-' {
		return fail(t)
	}
	L.Push(v)
	return 1
}

// commandArgs converts redis.call's arguments: strings as they are,
// numbers in %.17g (Lua's own conversion would lose precision), anything
// else refused. The arguments are copied into buffers of the VM, reused
// from call to call: a command does not keep its arguments (they alias
// a connection's read buffer when a client sends them).
func (vm *VM) commandArgs(L *lua.LState) ([][]byte, string) {
	n := L.GetTop()
	if n == 0 {
		return nil, "Please specify at least one argument for this redis lib call"
	}
	if cap(vm.argBuf) > maxArgBuf {
		vm.argBuf = nil
	}
	args, buf := vm.args[:0], vm.argBuf[:0]
	for i := range n {
		start := len(buf)
		switch v := L.Get(i + 1).(type) {
		case lua.LString:
			buf = append(buf, v...)
		case lua.LNumber:
			buf = append(buf, formatNumber(float64(v), 17)...)
		default:
			return nil, "Lua redis lib command arguments must be strings or integers"
		}
		// A full slice: a command appending to its argument gets a copy.
		args = append(args, buf[start:len(buf):len(buf)])
	}
	vm.args, vm.argBuf = args, buf
	return args, ""
}

// maxArgBuf is the most the VM keeps of its argument buffer between
// calls: a script that once set a large value does not hold its size.
const maxArgBuf = 64 << 10

// errorReply is redis.error_reply: {err=msg}, with ERR added when msg
// has no code. A bad argument returns (not raises) an error table.
func errorReply(L *lua.LState) int {
	msg, ok := singleString(L)
	if !ok {
		return 1
	}
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, errorText(msg)))
	return 1
}

// statusReply is redis.status_reply: {ok=msg}.
func statusReply(L *lua.LState) int {
	msg, ok := singleString(L)
	if !ok {
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", lua.LString(msg))
	L.Push(t)
	return 1
}

// singleString checks that the one argument is a string; if not, it
// pushes Redis's error table.
func singleString(L *lua.LState) (string, bool) {
	if s, ok := L.Get(1).(lua.LString); ok && L.GetTop() == 1 {
		return string(s), true
	}
	L.Push(errorTable(L, "ERR wrong number or type of arguments"))
	return "", false
}

func sha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		raise(L, "wrong number of arguments")
	}
	var s string
	switch v := L.Get(1).(type) {
	case lua.LString:
		s = string(v)
	case lua.LNumber:
		s = luaString(v)
	}
	L.Push(lua.LString(SHA1Hex(s)))
	return 1
}

// log is redis.log(level, msg, ...): the messages joined by spaces.
func (vm *VM) log(L *lua.LState) int {
	n := L.GetTop()
	if n < 2 {
		raise(L, "redis.log() requires two arguments or more.")
	}
	level, ok := toNumber(L.Get(1))
	if !ok {
		raise(L, "First argument must be a number (log level).")
	}
	if level < LogDebug || level > LogWarning {
		raise(L, "Invalid debug level.")
	}
	var parts []string
	for i := 2; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			parts = append(parts, string(v))
		case lua.LNumber:
			parts = append(parts, luaString(v))
		}
	}
	if vm.run != nil {
		vm.run.host.Log(int(level), strings.Join(parts, " "))
	}
	return 0
}

// toNumber is lua_tonumber: numbers, and strings that read as numbers.
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
		return f, err == nil
	}
	return 0, false
}

func (vm *VM) setresp(L *lua.LState) int {
	if vm.run == nil {
		raise(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		raise(L, "redis.setresp() requires one argument.")
	}
	n, _ := toNumber(L.Get(1))
	if proto := int(n); proto != 2 && proto != 3 {
		raise(L, "RESP version must be 2 or 3.")
	}
	vm.run.resp = int(n)
	return 0
}

// setRepl accepts the flags Redis accepts; with effects replication
// always on since 7.0 they only choose where effects go, and Shoal has no
// replicas or AOF yet.
func setRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		raise(L, "redis.set_repl() requires two arguments.") // sic: Redis 7.0's text
	}
	n, _ := toNumber(L.Get(1))
	if int(n)&^replAll != 0 {
		raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	return 0
}

// replicateCommands is a no-op since Redis 7.0, which always replicates a
// script's effects; it returns true.
func replicateCommands(L *lua.LState) int {
	L.Push(lua.LTrue)
	return 1
}

// breakpoint returns false: no debugging session runs (SCRIPT DEBUG is
// not supported).
func breakpoint(L *lua.LState) int {
	L.Push(lua.LFalse)
	return 1
}

// aclCheckCmd is redis.acl_check_cmd: every user may run every command,
// so it only checks that the command exists.
func (vm *VM) aclCheckCmd(L *lua.LState) int {
	if vm.run == nil {
		raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	args, msg := vm.commandArgs(L)
	if msg != "" {
		raise(L, msg)
	}
	if !vm.run.host.CommandExists(args) {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LTrue)
	return 1
}
