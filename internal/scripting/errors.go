package scripting

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Errors travel through Lua as Redis 7.0's error tables: {err="CODE
// message"}, plus source and line where the script failed, and
// ignore_error_stats_update when the error is the reply of a command the
// script called (which INFO errorstats counted already). The reply of a
// failed script is the err text followed by " script: <sha>, on
// @user_script:<line>.".

const errKilled = "ERR Script killed by user with SCRIPT KILL..."

// errorTable returns {err=text}.
func errorTable(L *lua.LState, text string) *lua.LTable {
	t := L.CreateTable(0, 2)
	t.RawSetString("err", lua.LString(text))
	return t
}

// commandErrorTable is an error reply of a command called by the script:
// counted already.
func commandErrorTable(L *lua.LState, text string) *lua.LTable {
	t := errorTable(L, text)
	t.RawSetString("ignore_error_stats_update", lua.LTrue)
	return t
}

// errorText gives an error its code as luaPushErrorBuff does: "-CODE
// msg" keeps its code, a text without one gets ERR.
func errorText(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "-"); ok {
		code, text, found := strings.Cut(rest, " ")
		if !found {
			code, text = "ERR", rest
		}
		return code + " " + strings.Trim(text, "\r\n")
	}
	return "ERR " + strings.Trim(msg, "\r\n")
}

// raise raises {err="ERR msg"} from a Go function, as luaPushError and
// luaError do.
func raise(L *lua.LState, msg string) {
	L.Error(errorTable(L, errorText(msg)), 0)
}

// runScript calls the script function it is given, with the arguments
// after it (a function's keys and args), and, when the script raises an
// error, turns it into Redis's error table while the script's frames are
// still there to tell where it failed, as Redis's message handler
// (__redis__err__handler) does. A message handler proper (PCall's
// errfunc) would need a frame of its own, and a script that overflowed
// the call stack leaves none.
func (vm *VM) runScript(L *lua.LState) int {
	defer func() {
		if rcv := recover(); rcv != nil {
			apiErr, ok := rcv.(*lua.ApiError)
			if !ok {
				apiErr = &lua.ApiError{Type: lua.ApiErrorPanic, Object: lua.LString(fmt.Sprint(rcv))}
			}
			apiErr.Object = vm.errorObject(L, apiErr.Object)
			// gopher-lua builds a traceback for an error that has none,
			// in time quadratic in the depth of the stack.
			apiErr.StackTrace = "(see the error table)"
			panic(apiErr)
		}
	}()
	L.Call(L.GetTop()-1, 1)
	return 1
}

// handleError is __redis__err__handler, for scripts that call it.
func (vm *VM) handleError(L *lua.LState) int {
	L.Push(vm.errorObject(L, L.Get(1)))
	return 1
}

// errorObject turns what a script raised into an error table with the
// place the script was at.
func (vm *VM) errorObject(L *lua.LState, obj lua.LValue) *lua.LTable {
	t, ok := obj.(*lua.LTable)
	if !ok {
		t = errorTable(L, "ERR "+luaMessage(vm.nameValue(L, luaString(obj))))
	}
	if vm.run != nil && vm.run.ctx != nil && vm.run.ctx.Err() != nil {
		t = errorTable(L, errKilled)
	}
	if source, line, found := vm.failedAt(L); found {
		t.RawSetString("source", lua.LString(source))
		t.RawSetString("line", lua.LNumber(line))
	}
	return t
}

// nameValue names the value a runtime error in the script's Lua code is
// about, as Lua 5.1 does (names.go).
func (vm *VM) nameValue(L *lua.LState, msg string) string {
	if !luaFrameAt(L, 0) {
		return msg // raised by a Go function: not an instruction's error
	}
	dbg, _ := L.GetStack(0)
	p, pc, ok := failedInstruction(L, dbg)
	if !ok {
		return msg
	}
	return namedMessage(p, pc, msg, func(reg int) string {
		name, v := L.GetLocal(dbg, reg+1)
		if name == "" {
			return ""
		}
		return v.Type().String()
	})
}

// failedAt finds the Lua function running when the error was raised,
// passing over Go functions (error, redis.call, a metamethod, the
// handler).
func (vm *VM) failedAt(L *lua.LState) (source string, line int, found bool) {
	for level := 0; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return "", 0, false
		}
		if _, err := L.GetInfo("Sl", dbg, nil); err != nil || dbg.What == "G" {
			continue
		}
		return vm.sourceOf(dbg.Source), dbg.CurrentLine, true
	}
}

// sourceOf turns a chunk's name back into its source, as Redis's error
// texts show it ("on @user_script:1."): the script is "@user_script", a
// chunk that loadstring compiled is its code or the name it was given.
func (vm *VM) sourceOf(name string) string {
	if name == chunkName || name == functionChunk {
		return "@" + name
	}
	if source, ok := vm.sources[name]; ok {
		return source
	}
	return name
}

// Result is a script's outcome: its return value, or the error it failed
// with. It is valid until its VM runs another script.
type Result struct {
	sha   string
	value lua.LValue
	err   error
	// resp is the protocol the script chose last (redis.setresp): it
	// decides how booleans are replied.
	resp int
}

// Failed reports whether the script raised an error.
func (r *Result) Failed() bool { return r.err != nil }

// failure returns the reply of a failed script and whether INFO
// errorstats counted it already.
func (r *Result) failure() (msg string, counted bool) {
	t, ok := r.value.(*lua.LTable)
	if !ok {
		// The message handler could not run (the call stack was full):
		// the position is in the message.
		text := r.err.Error()
		if r.value != nil {
			text = luaString(r.value)
		}
		if m := positioned.FindStringSubmatch(text); m != nil {
			return fmt.Sprintf("ERR %s script: %s, on @%s:%s.", text, r.sha, m[1], m[2]), false
		}
		return fmt.Sprintf("ERR Error running script %s, %.100s", "f_"+r.sha, text), false
	}
	msg = tableString(t, "err")
	source, line := t.RawGetString("source"), t.RawGetString("line")
	if source != lua.LNil && line != lua.LNil {
		msg += fmt.Sprintf(" script: %s, on %s:%s.", r.sha, luaString(source), luaString(line))
	}
	return msg, lua.LVAsBool(t.RawGetString("ignore_error_stats_update"))
}

func tableString(t *lua.LTable, field string) string {
	if s, ok := t.RawGetString(field).(lua.LString); ok {
		return string(s)
	}
	return ""
}

// luaString converts v to a string as Lua's tostring does, numbers in
// Lua 5.1's %.14g.
func luaString(v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return formatNumber(float64(n), 14)
	}
	return v.String()
}

// luaToString is tostring, with Lua 5.1's number format.
func luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(formatNumber(float64(n), 14)))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// formatNumber formats f as C's %.<prec>g does, with C's spellings of
// the infinities and NaN (which carries its sign: 0/0 is -nan on x86).
func formatNumber(f float64, prec int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f) && math.Signbit(f):
		return "-nan"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', prec, 64)
}

// positioned matches a message raised in the script's own chunk, or a
// function library's.
var positioned = regexp.MustCompile(`^(` + chunkName + `|` + functionChunk + `):(\d+): `)

// luaMessages rewrite gopher-lua's runtime error texts into Lua 5.1's,
// as far as the text tells; names.go has already named the value where
// the failing instruction tells it, and these cover the rest.
var luaMessages = []struct {
	re   *regexp.Regexp
	repl func(m []string) string
}{
	{regexp.MustCompile(`cannot perform (?:add|sub|mul|div|mod|pow) operation between (\w+) and (\w+)`), func(m []string) string {
		return "attempt to perform arithmetic on a " + firstNot(m[1], m[2], "number") + " value"
	}},
	{regexp.MustCompile(`cannot perform concat operation between (\w+) and (\w+)`), func(m []string) string {
		typ := m[1]
		if typ == "string" || typ == "number" {
			typ = m[2]
		}
		return "attempt to concatenate a " + typ + " value"
	}},
	{regexp.MustCompile(`attempt to index a non-table object\((\w+)\) with key '.*'`), func(m []string) string {
		return "attempt to index a " + m[1] + " value"
	}},
	{regexp.MustCompile(`attempt to call a non-function object`), func([]string) string { return "attempt to call a nil value" }},
	{regexp.MustCompile(`__len undefined`), func([]string) string { return "attempt to get length of a nil value" }},
	{regexp.MustCompile(`__unm undefined`), func([]string) string { return "attempt to perform arithmetic on a nil value" }},
	{regexp.MustCompile(`attempt to compare (\w+) with (\w+)`), func(m []string) string {
		if m[1] == m[2] {
			return "attempt to compare two " + m[1] + " values"
		}
		return m[0]
	}},
	{regexp.MustCompile(`bad argument #(\d+) to (\w+) \(`), func(m []string) string {
		return "bad argument #" + m[1] + " to '" + m[2] + "' ("
	}},
}

func firstNot(a, b, typ string) string {
	if a != typ {
		return a
	}
	return b
}

// luaMessage translates one error text (see luaMessages).
func luaMessage(msg string) string {
	for _, fix := range luaMessages {
		msg = fix.re.ReplaceAllStringFunc(msg, func(s string) string {
			return fix.repl(fix.re.FindStringSubmatch(s))
		})
	}
	return msg
}
