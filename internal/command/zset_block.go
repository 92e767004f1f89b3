package command

// The blocking sorted set pops: BZPOPMIN, BZPOPMAX and BZMPOP. Like the
// blocking list commands (list_block.go) they pop at once when a key holds
// a sorted set, and otherwise park the client until one is created under
// a key it waits on, or its timeout answers a null array.

func bzpopmin(c *Ctx) { bzpopGeneric(c, false) }
func bzpopmax(c *Ctx) { bzpopGeneric(c, true) }

// bzpopGeneric pops the lowest (or highest) member of the first key that
// holds a sorted set and replies with the key, the member and its score.
func bzpopGeneric(c *Ctx, max bool) {
	timeout, ok := parseTimeout(c, c.Args[len(c.Args)-1])
	if !ok {
		return
	}
	keys := c.Args[1 : len(c.Args)-1]
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	for _, key := range keys {
		e := v.Lookup(key)
		if e == nil {
			continue
		}
		z, ok := checkZSet(c, e)
		if !ok {
			return
		}
		c.W.Array(3)
		c.W.Bulk(key)
		popNotifying(c, v, key, e, z, 1, max, false)
		c.propagatePop(zsetPopWord(max), key, 0)
		return
	}
	if c.inExec {
		c.W.NullArray()
		return
	}
	c.block(keys, timeout, nullArrayReply)
}

// bzmpop is ZMPOP with a timeout first, read last as Redis reads it.
func bzmpop(c *Ctx) {
	a, ok := parseZMPop(c, c.Args[2:])
	if !ok {
		return
	}
	timeout, ok := parseTimeout(c, c.Args[1])
	if !ok {
		return
	}
	v := c.Txn.LockKeys(c.DB(), a.keys)
	defer c.Txn.Unlock()
	for _, key := range a.keys {
		e := v.Lookup(key)
		if e == nil {
			continue
		}
		z, ok := checkZSet(c, e)
		if !ok {
			return
		}
		n := int(min(a.count, int64(z.Len())))
		writePopHeader(c, key, n, true, true)
		popNotifying(c, v, key, e, z, n, a.max, true)
		c.propagatePop(zsetPopWord(a.max), key, n)
		return
	}
	if c.inExec {
		c.W.NullArray()
		return
	}
	c.block(a.keys, timeout, nullArrayReply)
}
