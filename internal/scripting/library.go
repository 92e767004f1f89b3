package scripting

import (
	"context"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Redis 7 functions: a library is Lua code whose first line names it
// ("#!lua name=mylib") and whose body, run once by FUNCTION LOAD,
// registers functions with redis.register_function. The body runs with
// nothing but a small redis table (register_function, log, the LOG_*
// levels and the version); the functions it registers run later, under
// FCALL, with the whole sandbox but no KEYS or ARGV globals: their keys
// and arguments are their two parameters.
//
// As in Redis, the functions' globals are a table whose __index is
// switched: to the load API while a body runs, to the sandbox's globals
// otherwise. The closures a body creates take the body's environment, so
// a function sees the sandbox when it is called, and its upvalues (a
// library's locals) live on from call to call.

// EngineName is the one function engine, as FUNCTION LIST and FUNCTION
// STATS name it.
const EngineName = "LUA"

// functionChunk is the name library bodies are compiled under: errors
// read "user_function:3: ..." and end "on @user_function:3.".
const functionChunk = "user_function"

// The errors of FUNCTION LOAD, without their "ERR " code.
const (
	errBadName      = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
	errLoadTimeout  = "ERR FUNCTION LOAD timeout"
	errNoFunctions  = "No functions registered"
	errNotLoading   = "redis.register_function can only be called on FUNCTION LOAD command"
	errRegisterArgs = "wrong number of arguments to redis.register_function"
)

// Library is a loaded library: its code, which FUNCTION DUMP saves and
// FUNCTION LIST WITHCODE shows, and the functions its body registered.
type Library struct {
	Name string
	// Code is the whole code given to FUNCTION LOAD, first line included.
	Code      string
	Functions []*Function
}

// Function is a function a library registered.
type Function struct {
	Name string
	// Description is nil when none was given: FUNCTION LIST shows null.
	Description *string
	Flags       Flags
	Library     *Library

	fn *lua.LFunction
}

// LibraryHeader is what a library's first line declares.
type LibraryHeader struct {
	// Name is the library's name, Engine the engine as written.
	Name, Engine string
	code, body   string
}

// ParseLibrary reads code's first line, "#!<engine> name=<name>", as
// Redis 7.0 does, and checks the name and the engine. The error is the
// reply's text without its "ERR " code.
func ParseLibrary(code string) (*LibraryHeader, error) {
	if !strings.HasPrefix(code, "#!") {
		return nil, errors.New("Missing library metadata")
	}
	line, body, found := strings.Cut(code, "\n")
	if !found {
		return nil, errors.New("Invalid library metadata")
	}
	parts, ok := resp.SplitArgs([]byte(line), nil)
	if !ok || len(parts) == 0 {
		return nil, errors.New("Invalid library metadata")
	}
	h := &LibraryHeader{Engine: string(parts[0][min(2, len(parts[0])):]), code: code, body: "\n" + body}
	named := false
	for _, p := range parts[1:] {
		if len(p) < 5 || !strings.EqualFold(string(p[:5]), "name=") {
			return nil, fmt.Errorf("Invalid metadata value given: %s", p)
		}
		if named {
			return nil, errors.New("Invalid metadata value, name argument was given multiple times")
		}
		h.Name, named = string(p[5:]), true
	}
	switch {
	case !named:
		return nil, errors.New("Library name was not given")
	case !ValidName(h.Name):
		return nil, errors.New(errBadName)
	case !strings.EqualFold(h.Engine, EngineName):
		return nil, fmt.Errorf("Engine '%s' not found", h.Engine)
	}
	return h, nil
}

// ValidName reports whether name may name a library or a function:
// letters, digits and underscores, at least one.
func ValidName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return name != ""
}

// libraryEnv is what a VM keeps for functions: the globals table of
// library bodies and their functions (an empty table reading through
// meta), and the load API a body sees.
type libraryEnv struct {
	globals, meta *lua.LTable
	loadAPI       *lua.LTable
	// loading is the library whose body runs, nil otherwise.
	loading *Library
}

// libraries returns the VM's library environment, made at first use.
func (vm *VM) libraries() *libraryEnv {
	if vm.libs != nil {
		return vm.libs
	}
	L := vm.L
	missing := L.CreateTable(0, 1)
	missing.RawSetString("__index", L.NewFunction(noSuchGlobal))
	redis := L.CreateTable(0, 8)
	redis.RawSetString("register_function", L.NewFunction(vm.registerFunction))
	redis.RawSetString("log", L.NewFunction(vm.log))
	full := vm.target(vm.globals.RawGetString("redis").(*lua.LTable))
	for _, name := range []string{"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"} {
		redis.RawSetString(name, full.RawGetString(name))
	}
	redis.Metatable = missing
	api := L.CreateTable(0, 1)
	api.RawSetString("redis", vm.readOnlyView(redis))
	api.Metatable = missing

	meta := L.CreateTable(0, 3)
	meta.RawSetString("__index", vm.env)
	meta.RawSetString("__newindex", L.NewFunction(refuseWrite))
	meta.RawSetString("__metatable", vm.shownMT)
	globals := L.CreateTable(0, 0)
	globals.Metatable = meta
	vm.libs = &libraryEnv{globals: globals, meta: meta, loadAPI: vm.readOnlyView(api)}
	return vm.libs
}

// LoadLibrary compiles the library h read and runs its body, which
// registers the library's functions, stopping it when ctx ends (Redis
// gives a body 500 ms). host receives its redis.log lines. The error is
// the reply's text without its "ERR " code.
func (vm *VM) LoadLibrary(ctx context.Context, h *LibraryHeader, host Host) (*Library, error) {
	proto, err := compileChunk(h.body, functionChunk)
	if err != nil {
		return nil, errors.New("Error compiling function: " + err.Error())
	}
	proto.IsVarArg &^= lua.VarArgNeedsArg
	env := vm.libraries()
	lib := &Library{Name: h.Name, Code: h.code}
	env.loading = lib
	env.meta.RawSetString("__index", env.loadAPI)
	defer func() {
		env.loading = nil
		env.meta.RawSetString("__index", vm.env)
	}()
	body := vm.L.NewFunctionFromProto(proto)
	body.Env = env.globals
	res := vm.invoke(ctx, host, h.Name, body)
	if res.err != nil {
		msg := res.errorText()
		if ctx.Err() != nil {
			msg = errLoadTimeout
		}
		return nil, errors.New("Error registering functions: " + msg)
	}
	if len(lib.Functions) == 0 {
		return nil, errors.New(errNoFunctions)
	}
	return lib, nil
}

// errorText is the err field of a failed run's error table.
func (r *Result) errorText() string {
	if t, ok := r.value.(*lua.LTable); ok {
		return tableString(t, "err")
	}
	return "ERR " + r.err.Error()
}

// Call runs f with keys and args as its two arguments. Like Run, it
// stops with "Script killed by user" when ctx is cancelled.
func (vm *VM) Call(ctx context.Context, f *Function, keys, args [][]byte, host Host) *Result {
	return vm.invoke(ctx, host, f.Name, f.fn, stringArray(vm.L, keys), stringArray(vm.L, args))
}

// registerFunction is redis.register_function, positional (name,
// callback) or named ({function_name=..., callback=..., flags={...},
// description=...}).
func (vm *VM) registerFunction(L *lua.LState) int {
	lib := vm.libraries().loading
	if lib == nil {
		raise(L, errNotLoading)
	}
	var f *Function
	var msg string
	switch n := L.GetTop(); {
	case n < 1 || n > 2:
		msg = errRegisterArgs
	case n == 1:
		f, msg = namedRegisterArgs(L)
	default:
		f, msg = positionalRegisterArgs(L)
	}
	switch {
	case msg != "":
	case !ValidName(f.Name):
		msg = errBadName
	case lib.function(f.Name) != nil:
		msg = "Function already exists in the library"
	}
	if msg != "" {
		raise(L, msg)
	}
	f.Library = lib
	lib.Functions = append(lib.Functions, f)
	return 0
}

func (lib *Library) function(name string) *Function {
	for _, f := range lib.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func positionalRegisterArgs(L *lua.LState) (*Function, string) {
	name, ok := luaStringArg(L.Get(1))
	if !ok {
		return nil, "first argument to redis.register_function must be a string"
	}
	fn, ok := L.Get(2).(*lua.LFunction)
	if !ok {
		return nil, "second argument to redis.register_function must be a function"
	}
	return &Function{Name: name, fn: fn}, ""
}

func namedRegisterArgs(L *lua.LState) (*Function, string) {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		return nil, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
	}
	f := &Function{}
	named := false
	var msg string
	t.ForEach(func(k, v lua.LValue) {
		if msg != "" {
			return
		}
		key, ok := luaStringArg(k)
		if !ok {
			msg = "named argument key given to redis.register_function is not a string"
			return
		}
		named = named || strings.EqualFold(key, "function_name")
		msg = f.setNamedArg(key, v)
	})
	switch {
	case msg != "":
		return nil, msg
	case !named:
		return nil, "redis.register_function must get a function name argument"
	case f.fn == nil:
		return nil, "redis.register_function must get a callback argument"
	}
	return f, ""
}

// setNamedArg reads one named argument of redis.register_function.
func (f *Function) setNamedArg(key string, v lua.LValue) string {
	switch strings.ToLower(key) {
	case "function_name":
		name, ok := luaStringArg(v)
		if !ok {
			return "function_name argument given to redis.register_function must be a string"
		}
		f.Name = name
	case "description":
		desc, ok := luaStringArg(v)
		if !ok {
			return "description argument given to redis.register_function must be a string"
		}
		f.Description = &desc
	case "callback":
		fn, ok := v.(*lua.LFunction)
		if !ok {
			return "callback argument given to redis.register_function must be a function"
		}
		f.fn = fn
	case "flags":
		t, ok := v.(*lua.LTable)
		if !ok {
			return "flags argument to redis.register_function must be a table representing function flags"
		}
		flags, ok := readFlags(t)
		if !ok {
			return "unknown flag given"
		}
		f.Flags = flags
	default:
		return "unknown argument given to redis.register_function"
	}
	return ""
}

// readFlags reads a flags table, t[1], t[2], ... up to the first nil.
func readFlags(t *lua.LTable) (Flags, bool) {
	var flags Flags
	for i := 1; ; i++ {
		v := t.RawGetInt(i)
		if v == lua.LNil {
			return flags, true
		}
		name, ok := luaStringArg(v)
		if !ok {
			return 0, false
		}
		f, known := flagNames[strings.ToLower(name)]
		if !known {
			return 0, false
		}
		flags |= f
	}
}

// luaStringArg is lua_isstring and lua_tostring: strings, and numbers in
// Lua's format.
func luaStringArg(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return luaString(v), true
	}
	return "", false
}

// flagOrder is the order Redis lists a function's flags in.
var flagOrder = []struct {
	flag Flags
	name string
}{
	{NoWrites, "no-writes"}, {AllowOOM, "allow-oom"}, {AllowStale, "allow-stale"},
	{NoCluster, "no-cluster"}, {AllowCrossSlotKeys, "allow-cross-slot-keys"},
}

// Names returns the flags' names in the order FUNCTION LIST shows them.
func (f Flags) Names() []string {
	names := []string{}
	for _, o := range flagOrder {
		if f&o.flag != 0 {
			names = append(names, o.name)
		}
	}
	return names
}
