package command

import (
	"strconv"

	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// sscan walks a set's members with a cursor. Redis's order of checks: the
// cursor, then the key (a missing key is an empty scan, whatever the
// options), its type, and only then the options. An intset comes back
// whole with cursor 0, as in Redis; a hashtable COUNT members at a time
// (see [settype.Set.Scan] for why every member present throughout is
// returned). MATCH filters what was walked, so a call may return fewer
// members than COUNT, or none, before the scan ends.
func sscan(c *Ctx) {
	cursor, ok := parseCursor(c.Args[2])
	if !ok {
		c.Error(errInvalidCursor)
		return
	}
	defer c.Txn.Unlock()
	s, ok := readSet(c, c.Args[1])
	switch {
	case !ok:
		return
	case s == nil:
		writeSScanReply(c, 0, nil)
		return
	}
	a, ok := parseElementScan(c, c.Args[3:])
	if !ok {
		return
	}
	var out []settype.Elem
	var buf []byte
	next := s.Scan(cursor, int(min(a.count, 1<<30)), func(e settype.Elem) {
		if a.pattern != nil {
			buf = e.AppendTo(buf[:0])
			if !matchGlob(a.pattern, buf, false) {
				return
			}
		}
		out = append(out, e)
	})
	writeSScanReply(c, next, out)
}

func writeSScanReply(c *Ctx, cursor uint64, members []settype.Elem) {
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	c.W.Array(len(members))
	for _, e := range members {
		writeMember(c.W, e)
	}
}

// parseElementScan reads the options of a scan over one value's elements
// (SSCAN, and HSCAN and ZSCAN alike): SCAN's COUNT and MATCH, and not
// TYPE, which Redis refuses there as a syntax error.
func parseElementScan(c *Ctx, opts [][]byte) (scanArgs, bool) {
	return parseScanOptions(c, scanArgs{count: 10}, opts, false)
}
