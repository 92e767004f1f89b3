package command

import (
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
)

// lcsArgs are LCS's parsed options.
type lcsArgs struct {
	len, idx, withMatchLen bool
	minMatchLen            int64
}

// parseLCSArgs parses the options after the two keys.
func parseLCSArgs(c *Ctx, opts [][]byte) (lcsArgs, bool) {
	var a lcsArgs
	for i := 0; i < len(opts); i++ {
		switch opt := opts[i]; {
		case is(opt, "idx"):
			a.idx = true
		case is(opt, "len"):
			a.len = true
		case is(opt, "withmatchlen"):
			a.withMatchLen = true
		case is(opt, "minmatchlen") && i+1 < len(opts):
			n, ok := parseInt(opts[i+1])
			if !ok {
				c.Error(errNotInteger)
				return a, false
			}
			a.minMatchLen = max(n, 0)
			i++
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	if a.idx && a.len {
		c.Error("ERR If you want both the length and indexes, please just use IDX.")
		return a, false
	}
	return a, true
}

// lcs finds the longest common subsequence of two strings with the
// classic dynamic programming table, as Redis does, and replies with it,
// its length (LEN) or the matching ranges (IDX). Both values are copied
// under the locks and the table is built after releasing them: the work is
// O(N×M) and need not stall the shards.
func lcs(c *Ctx) {
	a, b, ok := lcsValues(c)
	if !ok {
		return
	}
	opts, ok := parseLCSArgs(c, c.Args[3:])
	if !ok {
		return
	}
	if len(a) >= math.MaxUint32-1 || len(b) >= math.MaxUint32-1 {
		c.Error("ERR String too long for LCS")
		return
	}
	cells := uint64(len(a)+1) * uint64(len(b)+1)
	if cells*4 > uint64(c.Node.Config.Int("proto-max-bulk-len")) {
		c.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
		return
	}
	t := newLCSTable(a, b)
	switch {
	case opts.idx:
		t.replyMatches(c, opts)
	case opts.len:
		c.W.Int(int64(t.at(len(a), len(b))))
	default:
		c.W.Bulk(t.subsequence())
	}
}

// lcsValues returns copies of the strings at LCS's two keys (empty for a
// missing key), or replies with LCS's own type error.
func lcsValues(c *Ctx) ([]byte, []byte, bool) {
	v := c.Txn.LockKeys(c.DB(), c.Args[1:3])
	defer c.Txn.Unlock()
	ea, eb := v.Read(c.Args[1]), v.Read(c.Args[2])
	if (ea != nil && ea.Kind != engine.KindString) || (eb != nil && eb.Kind != engine.KindString) {
		c.Error("ERR The specified keys must contain string values")
		return nil, nil, false
	}
	return copyValue(ea), copyValue(eb), true
}

func copyValue(e *engine.Entry) []byte {
	if e == nil {
		return nil
	}
	return append([]byte(nil), e.Str...)
}

// lcsTable holds at (i, j) the LCS length of a[:i] and b[:j].
type lcsTable struct {
	a, b  []byte
	cells []uint32
}

func newLCSTable(a, b []byte) *lcsTable {
	t := &lcsTable{a: a, b: b, cells: make([]uint32, (len(a)+1)*(len(b)+1))}
	w := len(b) + 1
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				t.cells[i*w+j] = t.cells[(i-1)*w+j-1] + 1
			} else {
				t.cells[i*w+j] = max(t.cells[(i-1)*w+j], t.cells[i*w+j-1])
			}
		}
	}
	return t
}

func (t *lcsTable) at(i, j int) uint32 { return t.cells[i*(len(t.b)+1)+j] }

// back steps from (i, j) towards the origin along the table as Redis's
// walk does: diagonally on a match, else towards the longer LCS.
func (t *lcsTable) back(i, j int) (int, int) {
	if t.at(i-1, j) > t.at(i, j-1) {
		return i - 1, j
	}
	return i, j - 1
}

// subsequence rebuilds the LCS itself, walking back from the end.
func (t *lcsTable) subsequence() []byte {
	n := t.at(len(t.a), len(t.b))
	out := make([]byte, n)
	for i, j := len(t.a), len(t.b); i > 0 && j > 0; {
		if t.a[i-1] == t.b[j-1] {
			n--
			out[n] = t.a[i-1]
			i, j = i-1, j-1
		} else {
			i, j = t.back(i, j)
		}
	}
	return out
}

// lcsRange is one run of matching bytes: a[aStart..aEnd] equals
// b[bStart..bEnd].
type lcsRange struct{ aStart, aEnd, bStart, bEnd int }

func (r lcsRange) len() int64 { return int64(r.aEnd - r.aStart + 1) }

// ranges returns the runs of the LCS from the end of the strings to
// their start, the order Redis reports them in.
func (t *lcsTable) ranges() []lcsRange {
	var out []lcsRange
	var cur lcsRange
	open := false
	for i, j := len(t.a), len(t.b); i > 0 && j > 0; {
		if t.a[i-1] == t.b[j-1] {
			if open && cur.aStart == i && cur.bStart == j {
				cur.aStart, cur.bStart = i-1, j-1
			} else {
				if open {
					out = append(out, cur)
				}
				cur, open = lcsRange{i - 1, i - 1, j - 1, j - 1}, true
			}
			i, j = i-1, j-1
			continue
		}
		i, j = t.back(i, j)
		if open {
			out = append(out, cur)
			open = false
		}
	}
	if open {
		out = append(out, cur)
	}
	return out
}

// replyMatches is LCS IDX's reply: a map of the ranges at least
// minMatchLen long and the LCS length.
func (t *lcsTable) replyMatches(c *Ctx, opts lcsArgs) {
	var keep []lcsRange
	for _, r := range t.ranges() {
		if opts.minMatchLen == 0 || r.len() >= opts.minMatchLen {
			keep = append(keep, r)
		}
	}
	c.W.Map(2)
	c.W.BulkString("matches")
	c.W.Array(len(keep))
	for _, r := range keep {
		if opts.withMatchLen {
			c.W.Array(3)
		} else {
			c.W.Array(2)
		}
		c.W.Array(2)
		c.W.Int(int64(r.aStart))
		c.W.Int(int64(r.aEnd))
		c.W.Array(2)
		c.W.Int(int64(r.bStart))
		c.W.Int(int64(r.bEnd))
		if opts.withMatchLen {
			c.W.Int(r.len())
		}
	}
	c.W.BulkString("len")
	c.W.Int(int64(t.at(len(t.a), len(t.b))))
}
