package command

import (
	"math"
	"strconv"

	"github.com/shoal-cache/shoal/internal/engine"
)

// The counters: INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. They change the
// value in place under the shard lock, so the key keeps its TTL, and a
// missing key counts from zero.

func incr(c *Ctx) { incrDecr(c, 1) }

func decr(c *Ctx) { incrDecr(c, -1) }

func incrby(c *Ctx) {
	n, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	incrDecr(c, n)
}

func decrby(c *Ctx) {
	n, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if n == math.MinInt64 {
		c.Error("ERR decrement would overflow")
		return
	}
	incrDecr(c, -n)
}

// incrDecr adds delta to the integer at key.
func incrDecr(c *Ctx, delta int64) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := writeString(c, v, key)
	if !ok {
		return
	}
	var cur int64
	if e != nil {
		if cur, ok = parseInt(e.Str); !ok {
			c.Error(errNotInteger)
			return
		}
	}
	if (delta < 0 && cur < 0 && delta < math.MinInt64-cur) ||
		(delta > 0 && cur > 0 && delta > math.MaxInt64-cur) {
		c.Error(errOverflow)
		return
	}
	n := cur + delta
	var buf [20]byte
	storeNumber(v, key, e, strconv.AppendInt(buf[:0], n, 10))
	c.notify(notifyString, "incrby", key)
	c.W.Int(n)
}

// storeNumber stores the result of a counter at key: in place when the key
// exists, keeping its TTL, as a new key otherwise. The value is numeric,
// so its encoding is no longer raw.
func storeNumber(v engine.View, key []byte, e *engine.Entry, num []byte) {
	if e == nil {
		v.PutString(key, num, 0)
		return
	}
	if len(num) <= cap(e.Str) {
		// Written over the old value in its chunk (Lookup saved it for a
		// snapshot running): the engine only sets the new length.
		e.Str = append(e.Str[:0], num...)
	} else {
		// A copy, so that num may live on the caller's stack.
		e.Str = append([]byte(nil), num...)
	}
	e.Raw = false
	v.Modified(key, e)
}

// incrbyfloat adds in long double precision, as Redis does, and stores the
// sum in Redis's human-friendly form: 17 decimals, trailing zeros dropped.
func incrbyfloat(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := writeString(c, v, key)
	if !ok {
		return
	}
	var cur longDouble
	if e != nil {
		if cur, ok = parseLongDouble(e.Str); !ok {
			c.Error(errNotFloat)
			return
		}
	}
	inc, ok := parseLongDouble(c.Args[2])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	sum, ok := cur.add(inc)
	if !ok {
		c.Error("ERR increment would produce NaN or Infinity")
		return
	}
	num := sum.human()
	storeNumber(v, key, e, num)
	c.notify(notifyString, "incrbyfloat", key)
	// Replayed elsewhere the sum could round otherwise: the result is
	// the effect, as Redis propagates it.
	c.propagateSet(key, num, 0, true)
	c.W.Bulk(num)
}
