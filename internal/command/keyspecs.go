package command

import (
	"math"
	"slices"
	"strings"

	"github.com/shoal-cache/shoal/internal/resp"
)

// keySpec is one of Redis 7's key specifications: which arguments are
// keys (from Index, up to LastKey arguments further on, or up to the
// argument LastKey from the end when negative, every Step) and how the
// command uses them. COMMAND INFO lists them; COMMAND GETKEYSANDFLAGS and
// cluster clients read the flags.
type keySpec struct {
	Notes                string
	Flags                []string
	Index, LastKey, Step int
	// Keynum specs (LMPOP, ZUNION, EVAL) find their keys from a count
	// argument: KeynumIdx arguments after Index holds the number of keys,
	// which start FirstKey arguments after it, every Step.
	Keynum              bool
	KeynumIdx, FirstKey int
	// Unknown specs (SORT's BY, GET and STORE) have keys no position
	// rule finds; find, when set, finds them as Redis's getkeys function
	// does.
	Unknown bool
	find    func(args [][]byte) []int
}

// positions returns the arguments of args (args[0] is the command's name)
// that the spec names as keys, and false when its numkeys argument is not
// a count of keys that are there.
func (k keySpec) positions(args [][]byte) ([]int, bool) {
	if k.Unknown {
		if k.find == nil {
			return nil, true
		}
		return k.find(args), true
	}
	step := max(k.Step, 1)
	var pos []int
	if k.Keynum {
		at := k.Index + k.KeynumIdx
		if at >= len(args) {
			return nil, false
		}
		n, ok := parseInt(args[at])
		first := at + k.FirstKey
		if !ok || n < 1 || n > int64(len(args)) || first+(int(n)-1)*step >= len(args) {
			return nil, false
		}
		for i := range int(n) {
			pos = append(pos, first+i*step)
		}
		return pos, true
	}
	last := k.Index + k.LastKey
	if k.LastKey < 0 {
		last = len(args) + k.LastKey
	}
	for i := k.Index; i <= min(last, len(args)-1); i += step {
		pos = append(pos, i)
	}
	return pos, true
}

// covers reports whether argument pos of args is one of the spec's keys.
func (k keySpec) covers(pos int, args [][]byte) bool {
	p, _ := k.positions(args)
	return slices.Contains(p, pos)
}

// movableKeys reports whether where s's keys are depends on its arguments
// beyond first/last/step (COMMAND INFO's movablekeys flag).
func movableKeys(s *Spec) bool {
	return slices.ContainsFunc(keySpecsOf(s), func(k keySpec) bool { return k.Keynum || k.Unknown })
}

// keyPositions returns where the keys are among args by the command's key
// specs, in argument order, and false when the arguments do not say.
func keyPositions(s *Spec, args [][]byte) ([]int, bool) {
	var all []int
	for _, k := range keySpecsOf(s) {
		p, ok := k.positions(args)
		if !ok {
			return nil, false
		}
		all = append(all, p...)
	}
	slices.Sort(all)
	return slices.Compact(all), true
}

// numkeysFallback returns the keys of a command with a numkeys argument
// (ZUNION, ZUNIONSTORE, EVAL, LMPOP...) as Redis 7.0's getkeys function
// for it (genericGetKeys) finds them, and whether COMMAND GETKEYS falls
// back to it: Redis does when the key spec cannot be read because numkeys
// is not an integer that string2ll takes, or is negative. That function
// reads numkeys with atoi, so "1.5", "01", "+2", " 2" and "4294967297x"
// (1 as an int) count; it lists the counted keys first and the
// destination (ZUNIONSTORE's) after them, and none when the count is
// below 1 or more than the arguments that follow.
func numkeysFallback(s *Spec, args [][]byte) ([]int, bool) {
	var num keySpec
	store := 0
	for _, k := range keySpecsOf(s) {
		switch {
		case k.Keynum:
			num = k
		case !k.Unknown:
			store = k.Index
		}
	}
	at := num.Index + num.KeynumIdx
	if !num.Keynum || at >= len(args) {
		return nil, false
	}
	if n, ok := parseInt(args[at]); ok && n >= 0 {
		return nil, false
	}
	n := atoi(args[at])
	first, step := at+num.FirstKey, max(num.Step, 1)
	if n < 1 || int(n) > (len(args)-first)/step {
		return nil, true
	}
	var pos []int
	for i := range int(n) {
		pos = append(pos, first+i*step)
	}
	if store > 0 {
		pos = append(pos, store)
	}
	return pos, true
}

// atoi is C's atoi as glibc has it, (int)strtol(b, NULL, 10): leading
// space, a sign and the digits up to the first other byte, clamped to
// 64 bits and then cut to 32.
func atoi(b []byte) int32 {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var v uint64
	over := false
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			over = true
			continue
		}
		v = v*10 + d
	}
	var n int64
	switch {
	case !neg && (over || v > math.MaxInt64):
		n = math.MaxInt64
	case neg && (over || v > 1<<63):
		n = math.MinInt64
	case neg:
		n = int64(-v)
	default:
		n = int64(v)
	}
	return int32(n)
}

// keySpecsOf returns the command's key specs: its own list when its keys
// are used in more than one way (BITOP writes one key and reads the
// others), else one spec over its first/last/step positions with Redis
// 7.0's flags for it.
func keySpecsOf(s *Spec) []keySpec {
	if specs, ok := multiKeySpecs[s.FullName()]; ok {
		return specs
	}
	if s.FirstKey <= 0 {
		return nil
	}
	lastKey := s.LastKey
	if lastKey >= 0 {
		lastKey -= s.FirstKey
	}
	flags, ok := keyFlagsByName[s.FullName()]
	if !ok {
		flags = defaultKeyFlags(s)
	}
	return []keySpec{{Notes: keySpecNotes[s.FullName()], Flags: flags, Index: s.FirstKey, LastKey: lastKey, Step: max(s.Step, 1)}}
}

// hasKeys reports whether the command takes keys, as Redis's
// doesCommandHaveKeys: a spec flagged not_key (SPUBLISH's shard channel)
// does not count.
func hasKeys(s *Spec) bool {
	for _, k := range keySpecsOf(s) {
		if !slices.Contains(k.Flags, "not_key") {
			return true
		}
	}
	return false
}

// defaultKeyFlags are the flags of a command missing from keyFlagsByName:
// RO for read-only commands, RW otherwise.
func defaultKeyFlags(s *Spec) []string {
	switch {
	case s.Flags&ReadOnly != 0:
		return []string{"RO", "access"}
	case s.Flags&Write != 0:
		return []string{"RW", "update"}
	}
	return []string{"RW"}
}

// keyFlagsAt returns the flags of the key at args[pos] (args[0] is the
// command's name), as COMMAND GETKEYSANDFLAGS reports them: a spec marked
// variable_flags is resolved from the arguments, as Redis's getkeys
// functions do.
func keyFlagsAt(s *Spec, args [][]byte, pos int) []string {
	for _, k := range keySpecsOf(s) {
		if !k.covers(pos, args) {
			continue
		}
		if resolve, ok := variableKeyFlags[s.FullName()]; ok {
			return resolve(args)
		}
		return k.Flags
	}
	return nil
}

// variableKeyFlags resolve the flags of commands whose use of their key
// depends on their options.
var variableKeyFlags = map[string]func(args [][]byte) []string{
	// SET reads the old value only with GET, wherever it is among the
	// options.
	"set": func(args [][]byte) []string {
		if len(args) > 3 && slices.ContainsFunc(args[3:], func(a []byte) bool { return is(a, "get") }) {
			return []string{"RW", "access", "update"}
		}
		return []string{"OW", "update"}
	},
	// BITFIELD only reads when every operation is a complete GET or
	// OVERFLOW; anything else (a write, or a syntax error) counts as a
	// write.
	"bitfield": func(args [][]byte) []string {
		for i := 2; i < len(args); i++ {
			rest := len(args) - i - 1
			switch {
			case is(args[i], "get") && rest >= 2:
				i += 2
			case is(args[i], "overflow") && rest >= 1:
				i++
			default:
				return []string{"RW", "access", "update"}
			}
		}
		return []string{"RO", "access"}
	},
}

// keyFlagsByName are Redis 7.0's key flags of the commands with one key
// spec.
var keyFlagsByName = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range []struct{ flags, names string }{
		{"RO", "exists memory|usage object|encoding object|freq object|idletime object|refcount strlen touch type watch"},
		{"RO access", "bitcount bitfield_ro bitpos dump expiretime get getbit getrange lcs mget pexpiretime pttl substr ttl"},
		{"RW insert", "append"},
		{"RW update", "expire expireat persist pexpire pexpireat setrange"},
		{"RW access update", "decr decrby getex getset incr incrby incrbyfloat move setbit"},
		{"RW access update variable_flags", "bitfield set"},
		{"RW access delete", "getdel"},
		{"RM delete", "del unlink"},
		{"OW update", "mset psetex restore setex"},
		{"OW insert", "msetnx setnx"},
		{"not_key", "spublish ssubscribe sunsubscribe"},
	} {
		for _, name := range strings.Fields(g.names) {
			m[name] = strings.Fields(g.flags)
		}
	}
	return m
}()

// keySpecNotes are the notes Redis 7.0 attaches to some key specs.
var keySpecNotes = map[string]string{
	"eval":     "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
	"eval_ro":  "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
	"bitfield": "This command allows both access and modification of the key",
	"getex":    "RW and UPDATE because it changes the TTL",
	"set":      "RW and ACCESS due to the optional `GET` argument",
}

// multiKeySpecs are the commands that use one key one way and others
// another, and those whose keys follow a count (keynum specs).
var multiKeySpecs = map[string][]keySpec{
	// A script's keys follow its numkeys; how it uses them nobody knows.
	"eval":       {{Notes: keySpecNotes["eval"], Flags: []string{"RW", "access", "update"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	"evalsha":    {{Flags: []string{"RW", "access", "update"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	"eval_ro":    {{Notes: keySpecNotes["eval_ro"], Flags: []string{"RO", "access"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	"evalsha_ro": {{Flags: []string{"RO", "access"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	// A function's too, and Redis gives FCALL EVAL's notes.
	"fcall":    {{Notes: keySpecNotes["eval"], Flags: []string{"RW", "access", "update"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	"fcall_ro": {{Notes: keySpecNotes["eval_ro"], Flags: []string{"RO", "access"}, Index: 2, Keynum: true, FirstKey: 1, Step: 1}},
	"bitop": {
		{Flags: []string{"OW", "update"}, Index: 2, LastKey: 0, Step: 1},
		{Flags: []string{"RO", "access"}, Index: 3, LastKey: -1, Step: 1},
	},
	"copy": {
		{Flags: []string{"RO", "access"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: []string{"OW", "update"}, Index: 2, LastKey: 0, Step: 1},
	},
	"rename": {
		{Flags: []string{"RW", "access", "delete"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: []string{"OW", "update"}, Index: 2, LastKey: 0, Step: 1},
	},
	"renamenx": {
		{Flags: []string{"RW", "access", "delete"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: []string{"OW", "insert"}, Index: 2, LastKey: 0, Step: 1},
	},
}

// writeKeySpecs writes the command's key specs as COMMAND INFO does.
func writeKeySpecs(w *resp.Writer, s *Spec) {
	specs := keySpecsOf(s)
	w.Set(len(specs))
	for _, k := range specs {
		writeKeySpec(w, k)
	}
}

func writeKeySpec(w *resp.Writer, k keySpec) {
	if k.Notes != "" {
		w.Map(4)
		w.BulkString("notes")
		w.BulkString(k.Notes)
	} else {
		w.Map(3)
	}
	w.BulkString("flags")
	writeFlagSet(w, k.Flags)
	if k.Unknown {
		for _, part := range []string{"begin_search", "find_keys"} {
			w.BulkString(part)
			w.Map(2)
			w.BulkString("type")
			w.BulkString("unknown")
			w.BulkString("spec")
			w.Map(0)
		}
		return
	}
	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	w.BulkString("index")
	w.BulkString("spec")
	w.Map(1)
	w.BulkString("index")
	w.Int(int64(k.Index))
	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	if k.Keynum {
		w.BulkString("keynum")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("keynumidx")
		w.Int(int64(k.KeynumIdx))
		w.BulkString("firstkey")
		w.Int(int64(k.FirstKey))
		w.BulkString("keystep")
		w.Int(int64(k.Step))
		return
	}
	w.BulkString("range")
	w.BulkString("spec")
	w.Map(3)
	w.BulkString("lastkey")
	w.Int(int64(k.LastKey))
	w.BulkString("keystep")
	w.Int(int64(k.Step))
	w.BulkString("limit")
	w.Int(0)
}

func writeFlagSet(w *resp.Writer, flags []string) {
	w.Set(len(flags))
	for _, f := range flags {
		w.Simple(f)
	}
}
