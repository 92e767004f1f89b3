package command

import (
	"math"
	"strconv"

	"github.com/shoal-cache/shoal/internal/types/hash"
)

// HSCAN and HRANDFIELD: the commands that return part of a hash.

// hscan replies with the next fields and values and the cursor to go on
// from. A listpack comes whole with cursor 0. A hashtable is walked bucket
// by bucket until COUNT fields were gathered (redis-server 7.0 counts a
// field and its value as one) or ten times COUNT buckets were seen; MATCH
// filters what was gathered. Redis checks the cursor, then the key,
// then the options: a missing key answers an empty scan even to bad
// options.
func hscan(c *Ctx) {
	cursor, ok := parseCursor(c.Args[2])
	if !ok {
		c.Error(errInvalidCursor)
		return
	}
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		writeHScanReply(c, 0, nil)
		return
	}
	a, ok := parseElementScan(c, c.Args[3:])
	if !ok {
		return
	}
	var out []hash.Elem
	gathered := int64(0)
	var buf [20]byte
	for budget := a.count * 10; ; budget-- {
		cursor = h.Scan(cursor, func(f, val hash.Elem) {
			gathered++
			if a.pattern == nil || matchGlob(a.pattern, hashElemBytes(f, buf[:]), false) {
				out = append(out, f, val)
			}
		})
		if cursor == 0 || budget == 0 || gathered >= a.count {
			break
		}
	}
	writeHScanReply(c, cursor, out)
}

func writeHScanReply(c *Ctx, cursor uint64, elems []hash.Elem) {
	c.W.Array(2)
	var buf [20]byte
	c.W.Bulk(strconv.AppendUint(buf[:0], cursor, 10))
	c.W.Array(len(elems))
	for _, e := range elems {
		writeHashElem(c.W, e)
	}
}

// hrandfieldMaxRepeats bounds a negative count. Redis 7.0 tries to build
// any reply, and a count near -2^63 exhausts its memory; Shoal refuses
// counts whose reply could not be held (over a gigabyte).
const hrandfieldMaxRepeats = 1 << 27

// hrandfieldArgs is a parsed HRANDFIELD with a count.
type hrandfieldArgs struct {
	count      int64
	withValues bool
}

// parseHRandField checks the count and WITHVALUES as Redis 7.0 does,
// before looking at the key: the count must lie in ±(2^63-1), and with
// values in ±2^62 (so that twice it fits).
func parseHRandField(c *Ctx) (hrandfieldArgs, bool) {
	var a hrandfieldArgs
	n, ok := parseInt(c.Args[2])
	switch {
	case !ok:
		c.Error(errNotInteger)
		return a, false
	case n == math.MinInt64:
		c.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return a, false
	case len(c.Args) > 4 || len(c.Args) == 4 && !is(c.Args[3], "withvalues"):
		c.Error(errSyntax)
		return a, false
	}
	a.count, a.withValues = n, len(c.Args) == 4
	if a.withValues && (n < -math.MaxInt64/2 || n > math.MaxInt64/2) || n < -hrandfieldMaxRepeats {
		c.Error("ERR value is out of range")
		return a, false
	}
	return a, true
}

// hrandfield replies with a random field or, given a count, with up to
// count different fields (the whole hash, in its order, when count is at
// least its size), or -count fields picked independently when count is
// negative. WITHVALUES adds the values: flat in RESP2, pairs in RESP3.
func hrandfield(c *Ctx) {
	if len(c.Args) == 2 {
		hrandfieldOne(c)
		return
	}
	a, ok := parseHRandField(c)
	if !ok {
		return
	}
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	if h == nil || a.count == 0 {
		c.W.Array(0)
		return
	}
	size := int64(h.Len())
	write := func(f, val hash.Elem) {
		if a.withValues && c.W.Proto >= 3 {
			c.W.Array(2)
		}
		writeHashElem(c.W, f)
		if a.withValues {
			writeHashElem(c.W, val)
		}
	}
	switch {
	case a.count < 0:
		writeHRandHeader(c, -a.count, a.withValues)
		h.Sample(int(-a.count), false, write)
	case a.count >= size:
		writeHRandHeader(c, size, a.withValues)
		for f, val := range h.All() {
			write(f, val)
		}
	default:
		writeHRandHeader(c, a.count, a.withValues)
		h.Sample(int(a.count), true, write)
	}
}

// writeHRandHeader opens HRANDFIELD's array of n fields: flat with values
// in RESP2, one pair per field in RESP3.
func writeHRandHeader(c *Ctx, n int64, withValues bool) {
	if withValues && c.W.Proto < 3 {
		n *= 2
	}
	c.W.Array(int(n))
}

func hrandfieldOne(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Null()
		return
	}
	f, _ := h.Random()
	writeHashElem(c.W, f)
}
