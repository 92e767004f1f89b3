package scripting

import (
	"reflect"
	"regexp"

	lua "github.com/yuin/gopher-lua"
)

// Lua 5.1 names the value a runtime error is about: "attempt to index
// local 't' (a nil value)", "attempt to call method 'bad' (a nil
// value)". It finds the name from the instruction that failed and the
// code before it (ldebug.c's getobjname): a register that is an active
// local variable is that local; otherwise the last instruction before
// the failing one that set the register says where the value came from
// (a global, a field of a table, an upvalue, a method). gopher-lua's
// errors name nothing, so the same search runs here over gopher-lua's
// bytecode, whose instructions are Lua 5.1's with two shortcuts
// (GETTABLEKS and SETTABLEKS for constant string keys, and MOVEN for a
// run of moves).

// Instruction fields, as gopher-lua encodes them (opcode.go): opcode 6
// bits, A 8, C 9, B 9, from the top; Bx is B and C together.
func opOf(i uint32) int  { return int(i >> 26) }
func argA(i uint32) int  { return int(i>>18) & 0xff }
func argB(i uint32) int  { return int(i & 0x1ff) }
func argC(i uint32) int  { return int(i>>9) & 0x1ff }
func argBx(i uint32) int { return int(i & 0x3ffff) }
func argSBx(i uint32) int {
	const maxSBx = (1<<18 - 1) >> 1
	return argBx(i) - maxSBx
}

// constantBit marks an RK operand that is a constant's index.
const constantBit = 1 << 8

// failedInstruction returns the function and the index of the
// instruction that was running in the Lua frame dbg. gopher-lua keeps the
// frame's program counter unexported, one past the instruction it runs
// (an error is raised before it moves on), so it is read by reflection.
// It reports false when the frame cannot be read (another gopher-lua than
// the one this was written for).
func failedInstruction(L *lua.LState, dbg *lua.Debug) (*lua.FunctionProto, int, bool) {
	frame := reflect.ValueOf(dbg).Elem().FieldByName("frame")
	if !frame.IsValid() || frame.Kind() != reflect.Pointer || frame.IsNil() {
		return nil, 0, false
	}
	pc := frame.Elem().FieldByName("Pc")
	if !pc.IsValid() || !pc.CanInt() {
		return nil, 0, false
	}
	fnv, err := L.GetInfo("f", dbg, lua.LNil)
	f, ok := fnv.(*lua.LFunction)
	if err != nil || !ok || f.IsG || f.Proto == nil {
		return nil, 0, false
	}
	at := int(pc.Int()) - 1
	if at < 0 || at >= len(f.Proto.Code) {
		return nil, 0, false
	}
	return f.Proto, at, true
}

// objectName is getobjname: what register reg holds at instruction pc of
// p, as the kind ("local", "global", "field", "upvalue", "method") and
// the name; no kind when the code does not tell.
func objectName(p *lua.FunctionProto, pc, reg int) (kind, name string) {
	if name := localName(p, reg, pc); name != "" {
		return "local", name
	}
	setter, ok := lastSetter(p, pc, reg)
	if !ok {
		return "", ""
	}
	switch i := p.Code[setter]; opOf(i) {
	case lua.OP_GETGLOBAL:
		if s, ok := constantString(p, argBx(i)); ok {
			return "global", s
		}
	case lua.OP_MOVE, lua.OP_MOVEN: // MOVEN's own move is a MOVE
		if b := argB(i); b < argA(i) {
			return objectName(p, pc, b)
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		return "field", keyName(p, argC(i))
	case lua.OP_GETUPVAL:
		if b := argB(i); b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[b]
		}
		return "upvalue", "?"
	case lua.OP_SELF:
		return "method", keyName(p, argC(i))
	}
	return "", ""
}

// localName is the local variable in register reg at pc, if one is
// active there: the reg-th active one, counting from 0. gopher-lua's
// EndPc is the last instruction of the variable's scope, where Lua's
// endpc is one past it.
func localName(p *lua.FunctionProto, reg, pc int) string {
	n := reg
	for _, l := range p.DbgLocals {
		if l.StartPc > pc {
			break
		}
		if pc <= l.EndPc {
			if n == 0 {
				return l.Name
			}
			n--
		}
	}
	return ""
}

// keyName is an RK operand used as a key: a constant string's text, "?"
// for anything else.
func keyName(p *lua.FunctionProto, rk int) string {
	if rk&constantBit != 0 {
		if s, ok := constantString(p, rk&^constantBit); ok {
			return s
		}
	}
	return "?"
}

func constantString(p *lua.FunctionProto, k int) (string, bool) {
	if k < 0 || k >= len(p.Constants) {
		return "", false
	}
	s, ok := p.Constants[k].(lua.LString)
	return string(s), ok
}

// lastSetter is symbexec: the last instruction before pc that set
// register reg, following forward jumps that stay before pc as Lua does.
func lastSetter(p *lua.FunctionProto, pc, reg int) (int, bool) {
	last := -1
	for at := 0; at < pc; at++ {
		i := p.Code[at]
		a := argA(i)
		switch op := opOf(i); op {
		case lua.OP_LOADNIL:
			if a <= reg && reg <= argB(i) {
				last = at
			}
		case lua.OP_CALL, lua.OP_TAILCALL, lua.OP_VARARG:
			if reg >= a {
				last = at
			}
		case lua.OP_TFORLOOP:
			if reg >= a+2 {
				last = at
			}
		case lua.OP_SELF:
			if reg == a || reg == a+1 {
				last = at
			}
		case lua.OP_JMP, lua.OP_FORPREP:
			if op == lua.OP_FORPREP && reg == a {
				last = at
			}
			if dest := at + 1 + argSBx(i); at < dest && dest <= pc {
				at = dest - 1
			}
		case lua.OP_CLOSURE:
			if reg == a {
				last = at
			}
			// The closure's upvalues follow as pseudo-instructions.
			if bx := argBx(i); bx < len(p.FunctionPrototypes) {
				at += int(p.FunctionPrototypes[bx].NumUpvalues)
			}
		case lua.OP_LOADBOOL:
			if reg == a {
				last = at
			}
			if argC(i) != 0 && at+1 < pc {
				at++ // skips the next instruction
			}
		case lua.OP_MOVE, lua.OP_MOVEN, lua.OP_LOADK, lua.OP_GETUPVAL, lua.OP_GETGLOBAL,
			lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_NEWTABLE, lua.OP_ADD, lua.OP_SUB,
			lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW, lua.OP_UNM, lua.OP_NOT, lua.OP_LEN,
			lua.OP_CONCAT, lua.OP_TESTSET, lua.OP_FORLOOP:
			if reg == a {
				last = at
			}
		}
	}
	return last, last >= 0
}

// The gopher-lua messages whose value Lua would name, with what Lua says
// it attempted.
var (
	indexError  = regexp.MustCompile(`attempt to index a non-table object\((\w+)\) with key '.*'`)
	callError   = regexp.MustCompile(`attempt to call a non-function object`)
	arithError  = regexp.MustCompile(`cannot perform (?:add|sub|mul|div|mod|pow) operation between (\w+) and (\w+)`)
	lenError    = regexp.MustCompile(`__len undefined`)
	unmError    = regexp.MustCompile(`__unm undefined`)
	concatError = regexp.MustCompile(`cannot perform concat operation between (\w+) and (\w+)`)
)

// namedMessage rewrites msg, a gopher-lua runtime error raised by the
// instruction at pc of p, into Lua 5.1's text with the value named, as
// "attempt to index local 't' (a nil value)", or as "attempt to call a
// table value" when the code does not tell where the value came from.
// typeOf gives the type of the value in a register (Lua's type names;
// "" when it cannot be read). Other messages are returned unchanged.
func namedMessage(p *lua.FunctionProto, pc int, msg string, typeOf func(reg int) string) string {
	i := p.Code[pc]
	op := opOf(i)
	named := func(re *regexp.Regexp, doing, typ string, reg int) string {
		what := "a " + typ + " value"
		if reg&constantBit == 0 { // Lua names only what is in a register
			if kind, name := objectName(p, pc, reg); kind != "" {
				what = kind + " '" + name + "' (a " + typ + " value)"
			}
		}
		loc := re.FindStringIndex(msg)
		return msg[:loc[0]] + "attempt to " + doing + " " + what + msg[loc[1]:]
	}
	typeOr := func(reg int, fallback string) string {
		if t := typeOf(reg); t != "" {
			return t
		}
		return fallback
	}
	if m := indexError.FindStringSubmatch(msg); m != nil {
		switch op {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			return named(indexError, "index", m[1], argB(i))
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			return named(indexError, "index", m[1], argA(i))
		}
		return msg
	}
	if callError.MatchString(msg) && (op == lua.OP_CALL || op == lua.OP_TAILCALL) {
		return named(callError, "call", typeOr(argA(i), "nil"), argA(i))
	}
	if m := arithError.FindStringSubmatch(msg); m != nil {
		switch op {
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW:
			// Lua blames the first operand unless it is a number.
			if m[1] != "number" {
				return named(arithError, "perform arithmetic on", m[1], argB(i))
			}
			return named(arithError, "perform arithmetic on", m[2], argC(i))
		}
		return msg
	}
	if lenError.MatchString(msg) && op == lua.OP_LEN {
		return named(lenError, "get length of", typeOr(argB(i), "nil"), argB(i))
	}
	if unmError.MatchString(msg) && op == lua.OP_UNM {
		return named(unmError, "perform arithmetic on", typeOr(argB(i), "nil"), argB(i))
	}
	if concatError.MatchString(msg) && op == lua.OP_CONCAT {
		if reg, ok := concatBlamed(argB(i), argC(i), typeOf); ok {
			return named(concatError, "concatenate", typeOf(reg), reg)
		}
	}
	return msg
}

// concatBlamed is the operand of CONCAT over registers first ... last
// that Lua's error is about. Lua joins from the right, the strings and
// numbers at the top at once, so the first pair that fails is the
// rightmost value that is neither with the one after it (a string by
// then); the first of a pair is blamed unless it is a string or a
// number.
func concatBlamed(first, last int, typeOf func(reg int) string) (int, bool) {
	joins := func(reg int) bool { t := typeOf(reg); return t == "string" || t == "number" }
	for reg := last; reg >= first; reg-- {
		if typeOf(reg) == "" {
			return 0, false
		}
		if joins(reg) {
			continue
		}
		if reg == last && reg > first && !joins(reg-1) {
			if typeOf(reg-1) == "" {
				return 0, false
			}
			return reg - 1, true
		}
		return reg, true
	}
	return 0, false
}
