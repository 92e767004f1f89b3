package command

import "strings"

// The list commands' key specs, as Redis 7.0's COMMAND INFO gives them,
// added to the shared tables of keyspecs.go. LMPOP's is missing: its keys
// follow numkeys, which Redis describes with a "keynum" spec that
// keyspecs.go cannot yet express.
func init() {
	for _, g := range []struct{ flags, names string }{
		{"RO", "llen"},
		{"RO access", "lindex lpos lrange"},
		{"RW insert", "linsert lpush lpushx rpush rpushx"},
		{"RW update", "lset"},
		{"RW delete", "lrem ltrim"},
		{"RW access delete", "lpop rpop"},
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
}
