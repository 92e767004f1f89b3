package scripting

import (
	lua "github.com/yuin/gopher-lua"
)

// The sandbox: the libraries Redis 7.0 gives scripts (base without file
// or module access, table, string, math, coroutine, and cjson, bit,
// struct, cmsgpack) behind read-only views. A script can neither create a
// global nor change a library for the scripts after it, and reading a
// global that does not exist is an error, as in Redis.

const (
	errReadOnly      = "Attempt to modify a readonly table"
	errNoSuchGlobal  = "Script attempted to access nonexistent global variable '%s'"
	errBadGlobalName = "Second argument to luaProtectedTableError must be a string or number"
)

// removedGlobals are what gopher-lua's base library has and Redis's
// sandbox has not.
var removedGlobals = []string{"dofile", "loadfile", "require", "module", "print", "getfenv", "setfenv",
	"newproxy", "_printregs", "_GOPHER_LUA_VERSION", "package"}

func (vm *VM) sandbox() {
	L := vm.L
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := L.G.Global
	vm.globals = g
	for _, name := range removedGlobals {
		g.RawSetString(name, lua.LNil)
	}
	vm.patchBase(g)
	vm.patchMath(g.RawGetString("math").(*lua.LTable))
	vm.patchTable(g.RawGetString("table").(*lua.LTable))
	g.RawSetString("redis", vm.redisLib())
	g.RawSetString("bit", bitLib(L))
	g.RawSetString("cjson", cjsonLib(L))
	g.RawSetString("struct", structLib(L))
	g.RawSetString("cmsgpack", cmsgpackLib(L))
	vm.runFn = L.NewFunction(vm.runScript)
	vm.namingCall = L.NewFunction(vm.callNamingErrors)
	g.RawSetString("__redis__err__handler", L.NewFunction(vm.handleError))
	vm.protect(g)
}

// patchBase replaces the base functions whose behaviour Redis changed or
// that must see through the read-only views.
func (vm *VM) patchBase(g *lua.LTable) {
	L := vm.L
	fns := map[string]lua.LGFunction{
		"pcall":        vm.pcall,
		"error":        vm.luaError,
		"assert":       vm.luaAssert,
		"tostring":     luaToString,
		"next":         vm.next,
		"rawget":       vm.rawget,
		"rawset":       vm.rawset,
		"setmetatable": vm.setmetatable,
		"gcinfo":       gcinfo,
		"loadstring":   vm.loadString,
		"unpack":       luaUnpack,
	}
	for name, fn := range fns {
		g.RawSetString(name, L.NewFunction(fn))
	}
	vm.nextFn = g.RawGetString("next").(*lua.LFunction)
	g.RawSetString("pairs", L.NewFunction(vm.pairs))
}

// protect puts every library table, the string metatable and the globals
// behind read-only views.
func (vm *VM) protect(g *lua.LTable) {
	L := vm.L
	var libs []string
	g.ForEach(func(k, v lua.LValue) {
		if _, ok := v.(*lua.LTable); ok {
			libs = append(libs, k.String())
		}
	})
	for _, name := range libs {
		lib := g.RawGetString(name).(*lua.LTable)
		if name == "string" {
			lib.RawSetString("__index", lua.LNil) // gopher-lua's string table is its own metatable
		}
		g.RawSetString(name, vm.readOnlyView(lib))
	}
	stringMT := L.CreateTable(0, 2)
	stringMT.RawSetString("__index", g.RawGetString("string"))
	shownMT := L.CreateTable(0, 1)
	shownMT.RawSetString("__index", g.RawGetString("string"))
	stringMT.RawSetString("__metatable", vm.readOnlyView(shownMT))
	L.SetMetatable(lua.LString(""), stringMT)

	missing := L.CreateTable(0, 1)
	missing.RawSetString("__index", L.NewFunction(noSuchGlobal))
	g.Metatable = missing
	vm.env = vm.readOnlyView(g)
	g.RawSetString("_G", vm.env)
	// Chunks that loadstring and load compile take the state's
	// environment: the read-only view too.
	L.Env = vm.env
}

// readOnlyView returns an empty table that reads through to t and refuses
// writes. getmetatable of it gives a read-only table too, so that its
// metatable cannot be reached and changed.
func (vm *VM) readOnlyView(t *lua.LTable) *lua.LTable {
	if vm.shownMT == nil {
		vm.shownMT = vm.newView(vm.L.CreateTable(0, 0), lua.LFalse)
	}
	return vm.newView(t, vm.shownMT)
}

func (vm *VM) newView(t *lua.LTable, shownMT lua.LValue) *lua.LTable {
	L := vm.L
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(refuseWrite))
	mt.RawSetString("__metatable", shownMT)
	view := L.CreateTable(0, 0)
	view.Metatable = mt
	vm.readOnly[view] = t
	return view
}

// target returns the table a read-only view shows, or t itself.
func (vm *VM) target(t *lua.LTable) *lua.LTable {
	if real, ok := vm.readOnly[t]; ok {
		return real
	}
	return t
}

func refuseWrite(L *lua.LState) int {
	L.RaiseError(errReadOnly)
	return 0
}

func noSuchGlobal(L *lua.LState) int {
	if L.GetTop() != 2 {
		L.RaiseError("Wrong number of arguments to luaProtectedTableError")
	}
	name := L.Get(2)
	if name.Type() != lua.LTString && name.Type() != lua.LTNumber {
		L.RaiseError(errBadGlobalName)
	}
	L.RaiseError(errNoSuchGlobal, luaString(name))
	return 0
}

// pcall is Redis 7.0's: an error raised as a table with an err field
// (redis.call's) is caught as that field's string.
func (vm *VM) pcall(L *lua.LState) int {
	L.CheckAny(1)
	nargs := L.GetTop() - 1
	L.Insert(vm.namingCall, 1)
	if err := L.PCall(nargs+1, lua.MultRet, nil); err != nil {
		var obj lua.LValue = lua.LString(err.Error())
		if apiErr, ok := err.(*lua.ApiError); ok {
			obj = apiErr.Object
		}
		switch o := obj.(type) {
		case *lua.LTable:
			if msg, ok := o.RawGetString("err").(lua.LString); ok {
				obj = msg
			}
		case lua.LString:
			obj = lua.LString(luaMessage(string(o)))
		}
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// callNamingErrors calls its first argument with the others, and names
// the value a runtime error it raises is about (nameValue) while the
// failing frame is still there: pcall's own recovery comes after the
// frames are gone.
func (vm *VM) callNamingErrors(L *lua.LState) int {
	defer func() {
		if rcv := recover(); rcv != nil {
			if apiErr, ok := rcv.(*lua.ApiError); ok {
				if msg, ok := apiErr.Object.(lua.LString); ok {
					apiErr.Object = lua.LString(vm.nameValue(L, string(msg)))
				}
			}
			panic(rcv)
		}
	}()
	// Lua's pcall calls from C: calling what is not a function raises
	// an error with no position, and with the value's type.
	if fn := L.Get(1); fn.Type() != lua.LTFunction && L.GetMetaField(fn, "__call") == lua.LNil {
		L.Error(lua.LString("attempt to call a "+fn.Type().String()+" value"), 0)
	}
	L.Call(L.GetTop()-1, lua.MultRet)
	return L.GetTop()
}

// next, pairs and rawget see through read-only views; rawset and
// setmetatable refuse them, with Redis's error and no position (Lua
// raises it from C there).
func (vm *VM) next(L *lua.LState) int {
	t := vm.target(L.CheckTable(1))
	k, v := t.Next(L.Get(2))
	if k == lua.LNil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(k)
	L.Push(v)
	return 2
}

func (vm *VM) pairs(L *lua.LState) int {
	t := L.CheckTable(1)
	L.Push(vm.nextFn)
	L.Push(t)
	L.Push(lua.LNil)
	return 3
}

func (vm *VM) rawget(L *lua.LState) int {
	t := vm.target(L.CheckTable(1))
	L.Push(t.RawGet(L.CheckAny(2)))
	return 1
}

func (vm *VM) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if _, ro := vm.readOnly[t]; ro {
		L.Error(lua.LString(errReadOnly), 0)
	}
	L.CheckAny(2)
	L.CheckAny(3)
	L.RawSet(t, L.Get(2), L.Get(3))
	L.SetTop(1)
	return 1
}

func (vm *VM) setmetatable(L *lua.LState) int {
	if t, ok := L.Get(1).(*lua.LTable); ok {
		if _, ro := vm.readOnly[t]; ro {
			L.Error(lua.LString(errReadOnly), 0)
		}
	}
	L.CheckTypes(2, lua.LTNil, lua.LTTable)
	obj := L.CheckTable(1)
	if mt, ok := obj.Metatable.(*lua.LTable); ok && mt.RawGetString("__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(obj, L.Get(2))
	L.SetTop(1)
	return 1
}

// gcinfo is Lua 5.1's: the memory in use, in KB. The Go heap is shared
// with the node, so this is gopher-lua's estimate of the script's own.
func gcinfo(L *lua.LState) int {
	L.Push(lua.LNumber(0))
	return 1
}

// patchTable adds Lua 5.1's table functions gopher-lua lacks.
func (vm *VM) patchTable(t *lua.LTable) {
	L := vm.L
	t.RawSetString("foreach", L.NewFunction(tableForeach))
	t.RawSetString("foreachi", L.NewFunction(tableForeachi))
	t.RawSetString("setn", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("'setn' is obsolete")
		return 0
	}))
	// insert, remove and sort write their table raw: on a read-only
	// view they would fill the view itself, which every later script
	// reads through (table.insert(_G, x) then _G[1]). Redis refuses.
	for _, name := range []string{"insert", "remove", "sort"} {
		fn := t.RawGetString(name).(*lua.LFunction).GFunction
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			if tb, ok := L.Get(1).(*lua.LTable); ok {
				if _, ro := vm.readOnly[tb]; ro {
					L.Error(lua.LString(errReadOnly), 0)
				}
			}
			return fn(L)
		}))
	}
}

func tableForeach(L *lua.LState) int {
	t := L.CheckTable(1)
	fn := L.CheckFunction(2)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		L.Push(fn)
		L.Push(k)
		L.Push(v)
		L.Call(2, 1)
		if ret := L.Get(-1); ret != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func tableForeachi(L *lua.LState) int {
	t := L.CheckTable(1)
	fn := L.CheckFunction(2)
	for i := 1; i <= t.Len(); i++ {
		L.Push(fn)
		L.Push(lua.LNumber(i))
		L.Push(t.RawGetInt(i))
		L.Call(2, 1)
		if ret := L.Get(-1); ret != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

// maxCStack is Lua 5.1's LUAI_MAXCSTACK: the most values a C function
// may have on its stack, its arguments included.
const maxCStack = 8000

// luaUnpack is unpack(t [, i [, j]]) as Lua 5.1's: it refuses to return
// more values than a C function's stack holds (7,999 of a table when
// called with one argument), and its bounds are C ints, so a range whose
// length overflows one is refused too. gopher-lua's grows its stack
// until it overflows, with another error.
func luaUnpack(L *lua.LState) int {
	if L.GetTop() == 0 {
		argError(L, 1, "unpack", "table expected, got no value")
	}
	t := L.CheckTable(1)
	// luaL_optint: the number truncated to a C long, then to an int.
	first := int32(L.OptInt(2, 1))
	last := int32(L.OptInt(3, t.Len()))
	if first > last {
		return 0
	}
	n := last - first + 1 // wraps as the C int does: n <= 0 is an overflow
	if n <= 0 || int(n)+L.GetTop() > maxCStack {
		L.RaiseError("too many results to unpack")
	}
	for i := first; ; i++ {
		L.Push(t.RawGetInt(int(i)))
		if i == last {
			return int(n)
		}
	}
}

// luaError is error([msg [, level]]) as Lua 5.1's: a number message
// gets a position like a string, the position is that of the function
// level names (1: the one that called error, 2: its caller, ...), and
// there is none when that is a Go function (pcall(error, "x"), level 2
// of the script's own chunk) or beyond the stack. gopher-lua counts
// levels one short and skips Go functions.
func (vm *VM) luaError(L *lua.LState) int {
	obj := L.Get(1)
	if n, ok := obj.(lua.LNumber); ok {
		obj = lua.LString(luaString(n))
	}
	if msg, ok := obj.(lua.LString); ok {
		obj = lua.LString(vm.withPosition(L, L.OptInt(2, 1), string(msg)))
	}
	L.Error(obj, 0)
	return 0
}

// luaAssert is assert(v [, message]) as Lua 5.1's: the message is
// positioned as error's at level 1.
func (vm *VM) luaAssert(L *lua.LState) int {
	L.CheckAny(1)
	if lua.LVAsBool(L.Get(1)) {
		return L.GetTop()
	}
	msg := "assertion failed!"
	if m := L.Get(2); m != lua.LNil {
		if n, ok := m.(lua.LNumber); ok {
			msg = luaString(n)
		} else {
			msg = L.CheckString(2)
		}
	}
	L.Error(lua.LString(vm.withPosition(L, 1, msg)), 0)
	return 0
}

// withPosition puts before msg the position of the function level
// names (luaL_where), if that is a Lua function. pcall's wrapper
// (callNamingErrors) is a level Lua does not have: it is not counted.
func (vm *VM) withPosition(L *lua.LState, level int, msg string) string {
	if level <= 0 {
		return msg
	}
	for at := 1; at <= level; at++ {
		if vm.isNamingCall(L, at) {
			level++
		}
	}
	if luaFrameAt(L, level) {
		return L.Where(level) + " " + msg
	}
	return msg
}

// isNamingCall reports whether the function level names is pcall's
// wrapper.
func (vm *VM) isNamingCall(L *lua.LState, level int) bool {
	dbg, ok := L.GetStack(level)
	if !ok {
		return false
	}
	fn, err := L.GetInfo("f", dbg, lua.LNil)
	return err == nil && fn == vm.namingCall
}

// luaFrameAt reports whether the function level names (0: the running
// one) is a Lua function. gopher-lua calls the outermost frame "main"
// whatever it is; a Go function has no source.
func luaFrameAt(L *lua.LState, level int) bool {
	dbg, ok := L.GetStack(level)
	if !ok {
		return false
	}
	_, err := L.GetInfo("S", dbg, nil)
	return err == nil && dbg.What != "G" && dbg.Source != ""
}

// loadString is loadstring(code [, chunkname]): the chunk is named as Lua
// 5.1 names it ([string "code"]) and runs with the scripts' read-only
// globals.
func (vm *VM) loadString(L *lua.LState) int {
	code := L.CheckString(1)
	source := L.OptString(2, code)
	name := chunkID(source)
	proto, err := compileChunk(code, name)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	vm.noteSource(name, source)
	L.Push(L.NewFunctionFromProto(proto))
	return 1
}

// noteSource remembers the source behind a chunk's name, for error texts;
// a few hundred are kept.
func (vm *VM) noteSource(name, source string) {
	if vm.sources == nil || len(vm.sources) >= 256 {
		vm.sources = map[string]string{}
	}
	vm.sources[name] = source
}
