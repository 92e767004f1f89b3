package command

import (
	"math"
	"strconv"

	"github.com/shoal-cache/shoal/internal/types/hash"
)

// HINCRBY and HINCRBYFLOAT: INCRBY and INCRBYFLOAT on a field, a missing
// field (or hash) counting from zero. Their errors differ from the string
// commands' in naming the hash value.

const (
	errHashNotInteger = "ERR hash value is not an integer"
	errHashNotFloat   = "ERR hash value is not a float"
)

func hincrby(c *Ctx) {
	incr, ok := parseInt(c.Args[3])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	key, field := c.Args[1], c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	h, ok := writeHash(c, v, key)
	if !ok {
		return
	}
	var cur int64
	if val, found := h.Get(field); found {
		if cur, ok = hashElemInt(val); !ok {
			c.Error(errHashNotInteger)
			return
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) ||
		(incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.Error(errOverflow)
		return
	}
	n := cur + incr
	var buf [20]byte
	h.Set(field, strconv.AppendInt(buf[:0], n, 10), hashLimits(c))
	h.store()
	c.notify(notifyHash, "hincrby", key)
	c.W.Int(n)
}

// hashElemInt reads a hash value as an integer, as Redis's string2ll does.
func hashElemInt(e hash.Elem) (int64, bool) {
	if n, ok := e.Int(); ok {
		return n, true
	}
	return parseInt(e.Bytes())
}

// hincrbyfloat adds in long double precision and stores the sum in
// Redis's human-friendly form, as INCRBYFLOAT does. Unlike INCRBYFLOAT it
// refuses an infinite increment up front.
func hincrbyfloat(c *Ctx) {
	incr, ok := parseLongDouble(c.Args[3])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	if incr.f.IsInf() {
		c.Error("ERR value is NaN or Infinity")
		return
	}
	key, field := c.Args[1], c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	h, ok := writeHash(c, v, key)
	if !ok {
		return
	}
	var cur longDouble
	if val, found := h.Get(field); found {
		var buf [20]byte
		if cur, ok = parseLongDouble(hashElemBytes(val, buf[:])); !ok {
			c.Error(errHashNotFloat)
			return
		}
	}
	sum, ok := cur.add(incr)
	if !ok {
		c.Error("ERR increment would produce NaN or Infinity")
		return
	}
	num := sum.human()
	h.Set(field, num, hashLimits(c))
	h.store()
	c.notify(notifyHash, "hincrbyfloat", key)
	if c.propagating() {
		c.propagateAs(wordHSET, key, field, num)
	}
	c.W.Bulk(num)
}
