package command

import "strings"

// The list commands' key specs, as Redis 7.0's COMMAND INFO gives them,
// added to the shared tables of keyspecs.go.
func init() {
	for _, g := range []struct{ flags, names string }{
		{"RO", "llen"},
		{"RO access", "lindex lpos lrange"},
		{"RW insert", "linsert lpush lpushx rpush rpushx"},
		{"RW update", "lset"},
		{"RW delete", "lrem ltrim"},
		{"RW access delete", "lpop rpop blpop brpop"},
	} {
		for _, name := range strings.Fields(g.names) {
			keyFlagsByName[name] = strings.Fields(g.flags)
		}
	}
	move := []keySpec{
		{Flags: []string{"RW", "access", "delete"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: []string{"RW", "insert"}, Index: 2, LastKey: 0, Step: 1},
	}
	multiKeySpecs["lmove"] = move
	multiKeySpecs["rpoplpush"] = move
	multiKeySpecs["lmpop"] = []keySpec{{Flags: []string{"RW", "access", "delete"}, Index: 1, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
	multiKeySpecs["blmpop"] = []keySpec{{Flags: []string{"RW", "access", "delete"}, Index: 2, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
	multiKeySpecs["blmove"] = move
	multiKeySpecs["brpoplpush"] = move
}
