package command

import "github.com/shoal-cache/shoal/internal/engine"

// String commands: GET and SET with their variants, the multi-key MGET,
// MSET and MSETNX, and the read-and-change GETSET, GETDEL and GETEX. The
// numeric, range and LCS commands live in the string_*.go files beside
// this one; the bitmap commands in bits.go.
//
// A key holding another type is WRONGTYPE; a missing key is a miss.
// Commands that read a value count a keyspace hit or miss (View.Read);
// commands that write look the key up without counting (View.Lookup).

// readString returns the string at key for a command that reads it,
// counting a hit or miss; nil when the key does not exist. When the key
// holds another type it replies WRONGTYPE and reports false.
func readString(c *Ctx, v engine.View, key []byte) (*engine.Entry, bool) {
	return checkString(c, v.Read(key))
}

// writeString is readString for a command that changes the key: it counts
// no hit or miss.
func writeString(c *Ctx, v engine.View, key []byte) (*engine.Entry, bool) {
	return checkString(c, v.Lookup(key))
}

func checkString(c *Ctx, e *engine.Entry) (*engine.Entry, bool) {
	if e != nil && e.Kind != engine.KindString {
		c.Error(errWrongType)
		return nil, false
	}
	return e, true
}

// replyValue replies with the value of e, or null when there is none.
func replyValue(c *Ctx, e *engine.Entry) {
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Bulk(e.Str)
}

// storeString sets key to a copy of val, as Redis's setKey does: cur is
// the entry at key (nil if none), expireAt the new expiry time, or, with
// keepTTL, the key keeps the expiry it had. The engine reuses the old
// value's chunk when the new one fits the same size class.
func storeString(v engine.View, key []byte, cur *engine.Entry, val []byte, expireAt int64, keepTTL bool) {
	if cur != nil && keepTTL {
		expireAt = cur.ExpireAt()
	}
	v.PutString(key, val, expireAt)
}

func get(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	if e, ok := readString(c, v, key); ok {
		replyValue(c, e)
	}
}

// setReply says how a SET variant answers: SET replies +OK, or null when
// NX/XX stopped it; SETNX replies 1 or 0.
type setReply uint8

const (
	replyOKOrNull setReply = iota
	replyOneOrZero
)

func set(c *Ctx) {
	a, ok := parseSetArgs(c, c.Args[3:], true)
	if !ok {
		return
	}
	setGeneric(c, c.Args[1], c.Args[2], a, replyOKOrNull)
}

func setnx(c *Ctx) {
	setGeneric(c, c.Args[1], c.Args[2], setArgs{flags: setNX}, replyOneOrZero)
}

func setex(c *Ctx) {
	setGeneric(c, c.Args[1], c.Args[3], setArgs{flags: setEX, expire: c.Args[2]}, replyOKOrNull)
}

func psetex(c *Ctx) {
	setGeneric(c, c.Args[1], c.Args[3], setArgs{flags: setPX, expire: c.Args[2]}, replyOKOrNull)
}

// setGeneric is SET and its variants, in Redis's order: validate the
// expiry, reply with the old value (GET), check NX/XX, store.
func setGeneric(c *Ctx, key, val []byte, a setArgs, reply setReply) {
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	expireAt, ok := a.expireAt(c, v.Now())
	if !ok {
		return
	}
	withGet := a.flags&setGet != 0
	if withGet {
		old, ok := readString(c, v, key)
		if !ok {
			return
		}
		replyValue(c, old)
	}
	// A plain SET replaces whatever is there without looking at it first:
	// only NX, XX and KEEPTTL need the current entry. PutString counts
	// the access that Redis's lookup of the key makes.
	var cur *engine.Entry
	if a.flags&(setNX|setXX|setKeepTTL) != 0 {
		cur = v.Peek(key)
	}
	if (a.flags&setNX != 0 && cur != nil) || (a.flags&setXX != 0 && cur == nil) {
		if cur != nil {
			v.Lookup(key) // Redis's lookup of the key counts an access all the same
		}
		switch {
		case withGet:
		case reply == replyOneOrZero:
			c.W.Int(0)
		default:
			c.W.Null()
		}
		return
	}
	storeString(v, key, cur, val, expireAt, a.flags&setKeepTTL != 0)
	c.notify(notifyString, "set", key)
	if expireAt != 0 {
		c.notify(notifyGeneric, "expire", key)
	}
	if expireAt != 0 || withGet {
		c.propagateSet(key, val, expireAt, a.flags&setKeepTTL != 0)
	}
	switch {
	case withGet:
	case reply == replyOneOrZero:
		c.W.Int(1)
	default:
		c.W.OK()
	}
}

func getset(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	old, ok := readString(c, v, key)
	if !ok {
		return
	}
	replyValue(c, old)
	storeString(v, key, old, c.Args[2], 0, false)
	c.notify(notifyString, "set", key)
}

func getdel(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	replyValue(c, e)
	if e != nil {
		v.Delete(key)
		c.notifyDel(key)
	}
}

// getex replies with the value and then changes its expiry. Like Redis it
// answers null for a missing key before looking at the expiry's value, and
// deletes the key when EXAT/PXAT name a time already past.
func getex(c *Ctx) {
	a, ok := parseSetArgs(c, c.Args[2:], false)
	if !ok {
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		c.W.Null()
		return
	}
	expireAt, ok := a.expireAt(c, v.Now())
	if !ok {
		return
	}
	c.W.Bulk(e.Str)
	switch {
	case a.flags&(setEXAT|setPXAT) != 0 && expireAt <= v.Now():
		v.Delete(key)
		c.propagateDel(key)
		c.notifyDel(key)
	case a.expire != nil:
		v.SetExpire(key, expireAt)
		c.propagateExpireAt(key, expireAt)
		c.notify(notifyGeneric, "expire", key)
	case a.flags&setPersist != 0 && e.ExpireAt() != 0:
		v.SetExpire(key, 0)
		c.notify(notifyGeneric, "persist", key)
		if c.propagating() {
			c.propagateAs(wordPERSIST, key)
		}
	}
}

func mget(c *Ctx) {
	keys := c.Args[1:]
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	c.W.Array(len(keys))
	for _, k := range keys {
		e := v.Read(k)
		if e == nil || e.Kind != engine.KindString {
			c.W.Null()
			continue
		}
		c.W.Bulk(e.Str)
	}
}

func mset(c *Ctx) { msetGeneric(c, false) }

func msetnx(c *Ctx) { msetGeneric(c, true) }

// msetGeneric sets every pair under the locks of all their shards at once,
// so no reader sees part of it. With nx it sets nothing if any key exists.
func msetGeneric(c *Ctx, nx bool) {
	if len(c.Args)%2 == 0 {
		c.Error("ERR wrong number of arguments for '" + c.Spec().FullName() + "' command")
		return
	}
	db := c.DB()
	for i := 1; i < len(c.Args); i += 2 {
		c.Txn.Key(db, c.Args[i])
	}
	c.Txn.Acquire()
	defer c.Txn.Unlock()
	v := c.Txn.View(db)
	if nx {
		for i := 1; i < len(c.Args); i += 2 {
			if v.Lookup(c.Args[i]) != nil {
				c.W.Int(0)
				return
			}
		}
	}
	for i := 1; i < len(c.Args); i += 2 {
		// No lookup first: the value is replaced whatever it was (an
		// expired one included), and finding a key costs a cache miss.
		v.PutString(c.Args[i], c.Args[i+1], 0)
		c.notify(notifyString, "set", c.Args[i])
	}
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

func stringCommands() []*Spec {
	const rw, ro = Write | DenyOOM, ReadOnly
	return []*Spec{
		{Name: "get", Arity: 2, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get the value of a key", Since: "1.0.0", Handler: get},
		{Name: "set", Arity: -3, Flags: rw, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Set the string value of a key", Since: "1.0.0", Handler: set},
		{Name: "setnx", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Set the value of a key, only if the key does not exist", Since: "1.0.0", Handler: setnx},
		{Name: "setex", Arity: 4, Flags: rw, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Set the value and expiration of a key", Since: "2.0.0", Handler: setex},
		{Name: "psetex", Arity: 4, Flags: rw, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Set the value and expiration in milliseconds of a key", Since: "2.6.0", Handler: psetex},
		{Name: "getset", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Set the string value of a key and return its old value", Since: "1.0.0", Handler: getset},
		{Name: "getdel", Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get the value of a key and delete the key", Since: "6.2.0", Handler: getdel},
		{Name: "getex", Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get the value of a key and optionally set its expiration", Since: "6.2.0", Handler: getex},
		{Name: "mget", Arity: -2, Flags: ro | Fast, FirstKey: 1, LastKey: -1, Step: 1, Group: "string", Summary: "Get the values of all the given keys", Since: "1.0.0", Handler: mget},
		{Name: "mset", Arity: -3, Flags: rw, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", Summary: "Set multiple keys to multiple values", Since: "1.0.1", Handler: mset},
		{Name: "msetnx", Arity: -3, Flags: rw, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", Summary: "Set multiple keys to multiple values, only if none of the keys exist", Since: "1.0.1", Handler: msetnx},
		{Name: "append", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Append a value to a key", Since: "2.0.0", Handler: appendCmd},
		{Name: "strlen", Arity: 2, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get the length of the value stored in a key", Since: "2.2.0", Handler: strlen},
		{Name: "incr", Arity: 2, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increment the integer value of a key by one", Since: "1.0.0", Handler: incr},
		{Name: "decr", Arity: 2, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Decrement the integer value of a key by one", Since: "1.0.0", Handler: decr},
		{Name: "incrby", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increment the integer value of a key by the given amount", Since: "1.0.0", Handler: incrby},
		{Name: "decrby", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Decrement the integer value of a key by the given number", Since: "1.0.0", Handler: decrby},
		{Name: "incrbyfloat", Arity: 3, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Increment the float value of a key by the given amount", Since: "2.6.0", Handler: incrbyfloat},
		{Name: "getrange", Arity: 4, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get a substring of the string stored at a key", Since: "2.4.0", Handler: getrange},
		{Name: "substr", Arity: 4, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Get a substring of the string stored at a key", Since: "1.0.0", Handler: getrange},
		{Name: "setrange", Arity: 4, Flags: rw, FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Summary: "Overwrite part of a string at key starting at the specified offset", Since: "2.2.0", Handler: setrange},
		{Name: "lcs", Arity: -3, Flags: ro, FirstKey: 1, LastKey: 2, Step: 1, Group: "string", Summary: "Find longest common substring", Since: "7.0.0", Handler: lcs},
	}
}
