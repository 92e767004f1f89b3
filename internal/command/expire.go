package command

import "math"

// TTL commands. Expiry times are absolute Unix milliseconds in the engine;
// EXPIRE and PEXPIRE turn their relative time into one with the command's
// clock, so that what is stored (and later replicated) is a fixed instant.

// expireCond is the NX/XX/GT/LT condition of EXPIRE and its siblings.
type expireCond uint8

const (
	expireNX expireCond = 1 << iota // only if the key has no TTL
	expireXX                        // only if it has one
	expireGT                        // only if the new TTL is greater
	expireLT                        // only if the new TTL is less
)

// expireArgs is a parsed EXPIRE, PEXPIRE, EXPIREAT or PEXPIREAT.
type expireArgs struct {
	key  []byte
	when int64 // in ms: relative, or absolute when abs is set
	abs  bool
	cond expireCond
}

// parseExpire reads key, time and conditions. Redis checks the options
// before the time, and we keep its order so that the same bad command gets
// the same error.
func parseExpire(c *Ctx, seconds, abs bool) (expireArgs, bool) {
	a := expireArgs{key: c.Args[1], abs: abs}
	for _, opt := range c.Args[3:] {
		switch {
		case is(opt, "nx"):
			a.cond |= expireNX
		case is(opt, "xx"):
			a.cond |= expireXX
		case is(opt, "gt"):
			a.cond |= expireGT
		case is(opt, "lt"):
			a.cond |= expireLT
		default:
			c.Errorf("ERR Unsupported option %s", cString(opt))
			return a, false
		}
	}
	if a.cond&expireNX != 0 && a.cond&(expireXX|expireGT|expireLT) != 0 {
		c.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return a, false
	}
	if a.cond&expireGT != 0 && a.cond&expireLT != 0 {
		c.Error("ERR GT and LT options at the same time are not compatible")
		return a, false
	}
	n, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return a, false
	}
	if seconds {
		if n > math.MaxInt64/1000 || n < math.MinInt64/1000 {
			errInvalidExpire(c)
			return a, false
		}
		n *= 1000
	}
	a.when = n
	return a, true
}

// errInvalidExpire is Redis's reply to an expiry time beyond 64 bits of ms.
func errInvalidExpire(c *Ctx) {
	c.Errorf("ERR invalid expire time in '%s' command", c.Spec().Name)
}

// deadline turns the parsed time into an absolute one at now, reporting
// false when it does not fit in 64 bits.
func (a expireArgs) deadline(now int64) (int64, bool) {
	base := int64(0)
	if !a.abs {
		base = now
	}
	if a.when > math.MaxInt64-base {
		return 0, false
	}
	return a.when + base, true
}

// allows reports whether the condition lets a key whose current expiry is
// cur (0: none) take the expiry when. No TTL counts as an infinite one.
func (cond expireCond) allows(cur, when int64) bool {
	switch {
	case cond&expireNX != 0 && cur != 0:
		return false
	case cond&expireXX != 0 && cur == 0:
		return false
	case cond&expireGT != 0 && (cur == 0 || when <= cur):
		return false
	case cond&expireLT != 0 && cur != 0 && when >= cur:
		return false
	}
	return true
}

func expire(c *Ctx)    { expireGeneric(c, true, false) }
func pexpire(c *Ctx)   { expireGeneric(c, false, false) }
func expireAt(c *Ctx)  { expireGeneric(c, true, true) }
func pexpireAt(c *Ctx) { expireGeneric(c, false, true) }

// expireGeneric sets a key's expiry. A time already past deletes the key,
// as Redis does (and replicates the deletion, not the expiry).
func expireGeneric(c *Ctx, seconds, abs bool) {
	a, ok := parseExpire(c, seconds, abs)
	if !ok {
		return
	}
	v := c.Txn.LockKey(c.DB(), a.key)
	defer c.Txn.Unlock()
	when, ok := a.deadline(v.Now())
	if !ok {
		errInvalidExpire(c)
		return
	}
	e := v.Lookup(a.key)
	if e == nil || !a.cond.allows(e.ExpireAt(), when) {
		c.W.Int(0)
		return
	}
	// Redis notifies a deletion before its reply, and "expire" after it:
	// a client subscribed to its own events sees them in that order.
	if when <= v.Now() {
		v.Delete(a.key)
		c.propagateDel(a.key)
		c.notifyDel(a.key)
		c.W.Int(1)
		return
	}
	v.SetExpire(a.key, when)
	c.propagateExpireAt(a.key, when)
	c.W.Int(1)
	c.notify(notifyGeneric, "expire", a.key)
}

func ttl(c *Ctx)         { ttlGeneric(c, false, false) }
func pttl(c *Ctx)        { ttlGeneric(c, true, false) }
func expireTime(c *Ctx)  { ttlGeneric(c, false, true) }
func pexpireTime(c *Ctx) { ttlGeneric(c, true, true) }

// ttlGeneric replies with a key's remaining time to live (or its expiry
// time when abs), in seconds or ms: -2 when the key does not exist, -1
// when it has no expiry.
func ttlGeneric(c *Ctx, ms, abs bool) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	e := v.ReadNoTouch(c.Args[1])
	switch {
	case e == nil:
		c.W.Int(-2)
	case e.ExpireAt() == 0:
		c.W.Int(-1)
	default:
		c.W.Int(ttlValue(e.ExpireAt(), v.Now(), ms, abs))
	}
}

// ttlValue is what TTL and friends report for an expiry at exp: seconds
// are rounded to the nearest, as Redis's (ttl+500)/1000, computed so that
// it cannot overflow for an expiry near the end of time.
func ttlValue(exp, now int64, ms, abs bool) int64 {
	t := exp
	if !abs {
		t = max(exp-now, 0)
	}
	if ms {
		return t
	}
	q, r := t/1000, t%1000
	if r >= 500 {
		q++
	}
	return q
}

// persist removes a key's expiry, replying 1 if it had one.
func persist(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	e := v.Lookup(c.Args[1])
	if e == nil || e.ExpireAt() == 0 {
		c.W.Int(0)
		return
	}
	v.SetExpire(c.Args[1], 0)
	c.notify(notifyGeneric, "persist", c.Args[1])
	c.W.Int(1)
}

// expireSpec is the spec shared by the four commands that set an expiry.
func expireSpec(name, since, summary string, h func(*Ctx)) *Spec {
	return &Spec{Name: name, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: summary, Since: since, Handler: h}
}

// ttlSpec is the spec shared by the four commands that read one.
func ttlSpec(name, since, summary string, h func(*Ctx)) *Spec {
	return &Spec{Name: name, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: summary, Since: since, Handler: h}
}

func expireCommands() []*Spec {
	return []*Spec{
		expireSpec("expire", "1.0.0", "Sets the expiration time of a key in seconds.", expire),
		expireSpec("pexpire", "2.6.0", "Sets the expiration time of a key in milliseconds.", pexpire),
		expireSpec("expireat", "1.2.0", "Sets the expiration time of a key to a Unix timestamp.", expireAt),
		expireSpec("pexpireat", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp.", pexpireAt),
		ttlSpec("ttl", "1.0.0", "Returns the expiration time in seconds of a key.", ttl),
		ttlSpec("pttl", "2.6.0", "Returns the expiration time in milliseconds of a key.", pttl),
		ttlSpec("expiretime", "7.0.0", "Returns the expiration time of a key as a Unix timestamp.", expireTime),
		ttlSpec("pexpiretime", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp.", pexpireTime),
		{Name: "persist", Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Removes the expiration time of a key.", Since: "2.2.0", Handler: persist},
	}
}
