package scripting

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Script is a compiled script body. It runs in any VM.
type Script struct {
	// SHA is the lower-case hex SHA1 of Body, the script's name in the
	// cache and in error texts.
	SHA  string
	Body string
	// Flags come from a "#!lua flags=..." first line; Shebang says there
	// was one (a script without declares nothing and is run as Redis runs
	// scripts from before 7.0).
	Flags   Flags
	Shebang bool

	proto *lua.FunctionProto
	// setsGlobals says the code assigns a global somewhere (a SETGLOBAL
	// in any of its functions): such a script runs with the read-only
	// view of the globals as its environment, which refuses the write as
	// Redis does. Any other runs with the globals table itself, which it
	// can only read: each global it reads is then one table lookup, not
	// a miss on the view and a metatable's __index. No function in the
	// sandbox hands out a function's environment (getfenv, setfenv and
	// debug are gone), and loadstring's chunks take the view (LState.Env).
	setsGlobals bool
	// fns holds the script's function in each VM, by the VM's slot, made
	// at its first run there: a chunk has no upvalues, and nothing of a
	// run stays in it. VMs that run at the same time have different
	// slots, so each writes only its own.
	fns [MaxVMs]struct {
		fn *lua.LFunction
		of *VM
	}
}

// MaxVMs is how many VMs may run scripts at the same time.
const MaxVMs = 8

// Flags are the script flags a shebang line declares.
type Flags uint8

// The flags Redis 7.0 knows.
const (
	NoWrites Flags = 1 << iota
	AllowOOM
	AllowStale
	NoCluster
	AllowCrossSlotKeys
)

var flagNames = map[string]Flags{
	"no-writes": NoWrites, "allow-oom": AllowOOM, "allow-stale": AllowStale,
	"no-cluster": NoCluster, "allow-cross-slot-keys": AllowCrossSlotKeys,
}

// chunkName is the name Redis compiles scripts under: runtime errors read
// "user_script:3: ...".
const chunkName = "user_script"

// SHA1Hex returns the lower-case hex SHA1 of s, as redis.sha1hex and the
// script cache name scripts.
func SHA1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Compile parses and compiles body as EVAL and SCRIPT LOAD do. The error
// is Redis's reply text, without the "ERR " code.
func Compile(body string) (*Script, error) {
	s := &Script{SHA: SHA1Hex(body), Body: body}
	code, err := s.parseShebang()
	if err != nil {
		return nil, err
	}
	s.proto, err = compileChunk(code, chunkName)
	if err != nil {
		return nil, errors.New("Error compiling script (new function): " + err.Error())
	}
	// A script's chunk has no Lua 5.0 "arg" table in Redis (reading arg
	// is a nonexistent global), and building one costs three maps a run.
	s.proto.IsVarArg &^= lua.VarArgNeedsArg
	s.setsGlobals = setsGlobals(s.proto)
	return s, nil
}

// setsGlobals reports whether p or a function defined in it assigns a
// global.
func setsGlobals(p *lua.FunctionProto) bool {
	for _, inst := range p.Code {
		if int(inst>>26) == lua.OP_SETGLOBAL { // gopher-lua's opGetOpCode
			return true
		}
	}
	return slices.ContainsFunc(p.FunctionPrototypes, setsGlobals)
}

// parseShebang reads a "#!lua flags=a,b" first line as Redis 7.0 does and
// returns the code to compile: the body with that line blanked, so that
// line numbers stay the body's.
// ShebangFlags returns the flags body's shebang declares and whether it
// has one, without compiling it (what a pause needs to know of an EVAL).
func ShebangFlags(body string) (Flags, bool, error) {
	s := &Script{Body: body}
	_, err := s.parseShebang()
	return s.Flags, s.Shebang, err
}

func (s *Script) parseShebang() (string, error) {
	if !strings.HasPrefix(s.Body, "#!") {
		return s.Body, nil
	}
	line, rest, found := strings.Cut(s.Body, "\n")
	if !found {
		return "", errors.New("Invalid script shebang")
	}
	parts, ok := resp.SplitArgs([]byte(line), nil)
	if !ok || len(parts) == 0 {
		return "", errors.New("Invalid engine in script shebang")
	}
	if string(parts[0]) != "#!lua" {
		return "", fmt.Errorf("Unexpected engine in script shebang: %s", parts[0])
	}
	s.Shebang = true
	for _, p := range parts[1:] {
		list, ok := strings.CutPrefix(string(p), "flags=")
		if !ok {
			return "", fmt.Errorf("Unknown lua shebang option: %s", p)
		}
		if list == "" {
			continue
		}
		for _, name := range strings.Split(list, ",") {
			f, known := flagNames[name]
			if !known {
				return "", fmt.Errorf("Unexpected flag in script shebang: %s", name)
			}
			s.Flags |= f
		}
	}
	return "\n" + rest, nil
}

// compileChunk compiles code under name; its error reads as Lua's.
func compileChunk(code, name string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(code), name)
	if err != nil {
		return nil, errors.New(compileErrorText(err, code, name))
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, errors.New(compileErrorText(err, code, name))
	}
	return proto, nil
}

// compileErrorText renders gopher-lua's parse error in Lua's shape,
// "user_script:1: unexpected symbol near '<eof>'". gopher-lua's parser
// says only "syntax error" where Lua names what it expected.
func compileErrorText(err error, code, name string) string {
	var pe *parse.Error
	if errors.As(err, &pe) {
		msg := pe.Message
		if strings.TrimSpace(msg) == "syntax error" {
			msg = "unexpected symbol"
		}
		line, near := pe.Pos.Line, pe.Token
		if line == parse.EOF {
			line, near = strings.Count(code, "\n")+1, "<eof>"
		}
		return fmt.Sprintf("%s:%d: %s near '%s'", name, line, msg, near)
	}
	var ce *lua.CompileError
	if errors.As(err, &ce) {
		return fmt.Sprintf("%s:%d: %s", name, ce.Line, ce.Message)
	}
	return err.Error()
}

// chunkID is how Lua 5.1 names a chunk in messages (luaO_chunkid): "=name"
// as name, "@file" as file, code as [string "its first line"], cut to
// fit 60 bytes.
func chunkID(source string) string {
	const idSize = 60
	switch {
	case strings.HasPrefix(source, "="):
		return source[1:min(len(source), idSize)]
	case strings.HasPrefix(source, "@"):
		name := source[1:]
		if room := idSize - len(" '...' ") - 1; len(name) > room {
			name = "..." + name[len(name)-room:]
		}
		return name
	}
	room := idSize - len(` [string "..."] `) - 1
	line := source
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) > room {
		line = line[:room]
	}
	if len(line) < len(source) {
		return `[string "` + line + `..."]`
	}
	return `[string "` + line + `"]`
}
