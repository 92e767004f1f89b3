package command

import (
	"strconv"

	"github.com/shoal-cache/shoal/internal/engine"
)

// KEYS and SCAN walk the keyspace slot by slot (the engine keeps one table
// per cluster hash slot).
//
// A SCAN cursor is the number of the next slot to scan, 0 meaning the start
// (and, when returned, the end). Each call returns whole slots, scanning
// until it examined at least COUNT keys or ran out of slots. Because a slot
// is read under its shard's lock and the cursor only moves forward, every
// key present from the start to the end of a scan is returned at least
// once, whatever is added or deleted meanwhile, and a key is returned twice
// only if it was deleted and added again. The price: a slot holding very
// many keys (one big hash tag) comes back in one reply.

const errInvalidCursor = "ERR invalid cursor"

// keys replies with every key matching the pattern.
func keys(c *Ctx) {
	pattern := c.Args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	var out []string
	db := c.DB()
	for slot := range engine.SlotCount {
		db.ScanSlot(slot, func(k []byte, _ *engine.Entry) bool {
			if all || matchGlob(pattern, k, false) {
				out = append(out, string(k))
			}
			return true
		})
	}
	writeKeys(c, out)
}

func writeKeys(c *Ctx, keys []string) {
	c.W.Array(len(keys))
	for _, k := range keys {
		c.W.BulkString(k)
	}
}

// scanArgs is a parsed SCAN.
type scanArgs struct {
	cursor  uint64
	count   int64
	pattern []byte // nil: no MATCH, or MATCH *
	typ     []byte // nil: no TYPE filter
}

func parseScan(c *Ctx) (scanArgs, bool) {
	a := scanArgs{count: 10}
	cursor, ok := parseCursor(c.Args[1])
	if !ok {
		c.Error(errInvalidCursor)
		return a, false
	}
	a.cursor = cursor
	return parseScanOptions(c, a, c.Args[2:], true)
}

// parseScanOptions reads COUNT and MATCH into a, and TYPE when typ allows
// it (SCAN; the scans of one value's elements refuse it as a syntax
// error, as Redis does), replying the error when an option is wrong.
func parseScanOptions(c *Ctx, a scanArgs, opts [][]byte, typ bool) (scanArgs, bool) {
	for i := 0; i < len(opts); i += 2 {
		if i+1 >= len(opts) {
			c.Error(errSyntax)
			return a, false
		}
		val := opts[i+1]
		switch {
		case is(opts[i], "count"):
			n, ok := parseInt(val)
			if !ok {
				c.Error(errNotInteger)
				return a, false
			}
			if n < 1 {
				c.Error(errSyntax)
				return a, false
			}
			a.count = n
		case is(opts[i], "match"):
			a.pattern = val
			if len(val) == 1 && val[0] == '*' {
				a.pattern = nil
			}
		case typ && is(opts[i], "type"):
			a.typ = val
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	return a, true
}

// parseCursor reads a cursor as Redis does, with C's strtoul: an optional
// sign (a negative cursor wraps around), decimal digits, nothing else; no
// leading space; the empty string is 0; a value beyond 64 bits is invalid.
func parseCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && isSpace(b[0]) {
		return 0, false
	}
	neg := false
	digits := b
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg, digits = b[0] == '-', b[1:]
	}
	if len(digits) == 0 {
		// strtoul parsed nothing: valid only if there was nothing.
		return 0, len(b) == 0
	}
	var n uint64
	for _, ch := range digits {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

// filter reports whether a key passes SCAN's MATCH and TYPE filters, in
// Redis's order: the pattern, then the type. Redis reads the type with a
// key lookup, which counts as a keyspace hit: lookedUp says it happened.
func (a *scanArgs) filter(key []byte, e *engine.Entry) (keep, lookedUp bool) {
	if a.pattern != nil && !matchGlob(a.pattern, key, false) {
		return false, false
	}
	if a.typ == nil {
		return true, false
	}
	return is(a.typ, e.Kind.String()), true
}

// scan replies with the next batch of keys and the cursor to continue.
func scan(c *Ctx) {
	a, ok := parseScan(c)
	if !ok {
		return
	}
	var out []string
	slot := engine.SlotCount // a cursor past the last slot has nothing left
	if a.cursor < engine.SlotCount {
		slot = int(a.cursor)
	}
	db := c.DB()
	for examined := int64(0); slot < engine.SlotCount && examined < a.count; slot++ {
		var hits int64
		db.ScanSlot(slot, func(k []byte, e *engine.Entry) bool {
			examined++
			keep, lookedUp := a.filter(k, e)
			if lookedUp {
				hits++
			}
			if keep {
				out = append(out, string(k))
			}
			return true
		})
		db.AddHits(slot, hits)
	}
	if slot >= engine.SlotCount {
		slot = 0
	}
	c.W.Array(2)
	c.W.BulkString(strconv.Itoa(slot))
	writeKeys(c, out)
}

func scanCommands() []*Spec {
	return []*Spec{
		{Name: "keys", Arity: 2, Flags: ReadOnly, Group: "generic", Categories: []string{"dangerous"}, Summary: "Returns all key names that match a pattern.", Since: "1.0.0", Handler: keys},
		{Name: "scan", Arity: -2, Flags: ReadOnly, Group: "generic", Summary: "Iterates over the key names in the database.", Since: "2.8.0", Handler: scan},
	}
}
