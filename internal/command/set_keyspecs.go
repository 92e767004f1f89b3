package command

import "strings"

// The set commands' key specs, as Redis 7.0's COMMAND INFO gives them,
// added to the shared tables of keyspecs.go (commands not listed get the
// defaults: RO access for read-only ones). SINTERCARD's is missing: its
// keys follow numkeys, which Redis describes with a "keynum" spec and the
// movablekeys flag, which keyspecs.go cannot express yet.
func init() {
	for _, g := range []struct{ flags, names string }{
		{"RO", "scard sismember"},
		{"RW insert", "sadd"},
		{"RW delete", "srem"},
		{"RW access delete", "spop"},
	} {
		for _, name := range strings.Fields(g.names) {
			keyFlagsByName[name] = strings.Fields(g.flags)
		}
	}
	multiKeySpecs["smove"] = []keySpec{
		{Flags: []string{"RW", "access", "delete"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: []string{"RW", "insert"}, Index: 2, LastKey: 0, Step: 1},
	}
	// The STORE forms write their first key and read the others.
	sources := keySpec{Flags: []string{"RO", "access"}, Index: 2, LastKey: -1, Step: 1}
	multiKeySpecs["sinterstore"] = []keySpec{{Flags: []string{"RW", "update"}, Index: 1, LastKey: 0, Step: 1}, sources}
	multiKeySpecs["sunionstore"] = []keySpec{{Flags: []string{"OW", "update"}, Index: 1, LastKey: 0, Step: 1}, sources}
	multiKeySpecs["sdiffstore"] = []keySpec{{Flags: []string{"OW", "update"}, Index: 1, LastKey: 0, Step: 1}, sources}
	multiKeySpecs["sintercard"] = []keySpec{{Flags: []string{"RO", "access"}, Index: 1, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
}
