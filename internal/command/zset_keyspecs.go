package command

import "strings"

// The sorted set commands' key specs where Redis 7.0's differ from the
// defaults (RO access for read-only commands, RW update for writes),
// added to the shared tables of keyspecs.go.
func init() {
	for flags, names := range map[string][]string{
		"RO":               {"zcard"},
		"RW delete":        {"zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore"},
		"RW access update": {"zincrby"},
		"RW access delete": {"zpopmin", "zpopmax", "bzpopmin", "bzpopmax"},
	} {
		for _, n := range names {
			keyFlagsByName[n] = strings.Fields(flags)
		}
	}
	read := []string{"RO", "access"}
	for _, n := range []string{"zunion", "zinter", "zdiff", "zintercard"} {
		multiKeySpecs[n] = []keySpec{{Flags: read, Index: 1, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
	}
	for _, n := range []string{"zunionstore", "zinterstore", "zdiffstore"} {
		multiKeySpecs[n] = []keySpec{
			{Flags: []string{"OW", "update"}, Index: 1, LastKey: 0, Step: 1},
			{Flags: read, Index: 2, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1},
		}
	}
	multiKeySpecs["zmpop"] = []keySpec{{Flags: []string{"RW", "access", "delete"}, Index: 1, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
	multiKeySpecs["bzmpop"] = []keySpec{{Flags: []string{"RW", "access", "delete"}, Index: 2, Keynum: true, KeynumIdx: 0, FirstKey: 1, Step: 1}}
	multiKeySpecs["zrangestore"] = []keySpec{
		{Flags: []string{"OW", "update"}, Index: 1, LastKey: 0, Step: 1},
		{Flags: read, Index: 2, LastKey: 0, Step: 1},
	}
}
