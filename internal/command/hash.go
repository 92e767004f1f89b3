package command

import (
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/types/hash"
)

// The hash commands, as Redis's t_hash.c. A hash is created by the first
// write and deleted with its last field: an empty hash never exists.
// Values are stored in the encodings of package hash, which converts a
// hash to a hashtable exactly when Redis does, given the node's
// hash-max-listpack-entries and hash-max-listpack-value.

// hashValue is the Entry.Obj of a hash key: the hash, with what the
// command package adds to it (DUMP's encoding, hash_rdb.go). Its
// SizeBytes and Encoding are the hash's.
type hashValue struct{ *hash.Hash }

// Clone deep-copies the hash, for COPY.
func (h hashValue) Clone() any { return hashValue{h.Hash.Clone()} }

func newHashEntry(h *hash.Hash) *engine.Entry {
	return &engine.Entry{Kind: engine.KindHash, Obj: hashValue{h}}
}

// hashLimits are the node's listpack thresholds.
func hashLimits(c *Ctx) hash.Limits {
	return hash.Limits{
		MaxEntries: c.Node.hot().hashEntries.Int(),
		MaxValue:   c.Node.hot().hashValue.Int(),
	}
}

// readHash returns the hash at key for a command that reads it (a keyspace
// hit or miss), nil if there is none. It replies WRONGTYPE and returns
// false when the key holds another type.
func readHash(c *Ctx, v engine.View, key []byte) (*hash.Hash, bool) {
	_, h, ok := checkHash(c, v.Read(key))
	return h, ok
}

// hashWrite is a write command's hold on the hash at key.
type hashWrite struct {
	*hash.Hash
	v     engine.View
	key   []byte
	e     *engine.Entry
	isNew bool // the key did not exist: store creates it
}

// writeHash returns the hash at key for a command that changes it (no
// keyspace hit or miss), or a new one when there is none, which store
// creates. It replies WRONGTYPE and returns false when the key holds
// another type.
func writeHash(c *Ctx, v engine.View, key []byte) (hashWrite, bool) {
	e, h, ok := checkHash(c, v.Lookup(key))
	w := hashWrite{Hash: h, v: v, key: key, e: e}
	if ok && e == nil {
		w.Hash, w.isNew = hash.New(), true
		w.e = newHashEntry(w.Hash)
	}
	return w, ok
}

func checkHash(c *Ctx, e *engine.Entry) (*engine.Entry, *hash.Hash, bool) {
	switch {
	case e == nil:
		return nil, nil, true
	case e.Kind != engine.KindHash:
		c.Error(errWrongType)
		return nil, nil, false
	}
	return e, e.Obj.(hashValue).Hash, true
}

// store records a change to the hash: it creates a new key, deletes one
// left empty, or tells the engine the value changed. Call it once per
// command that changed the hash, never for one that did not.
func (w hashWrite) store() {
	switch {
	case w.Len() == 0:
		if !w.isNew {
			w.v.Delete(w.key)
		}
	case w.isNew:
		w.v.Put(w.key, w.e, 0)
	default:
		w.v.Modified(w.key, w.e)
	}
}

// writeHashElem replies with a field or value: an integer in a listpack is
// formatted straight into the reply.
func writeHashElem(w *resp.Writer, e hash.Elem) {
	if n, ok := e.Int(); ok {
		w.BulkInt(n)
		return
	}
	w.Bulk(e.Bytes())
}

// hashElemBytes returns e as bytes, formatting an integer into buf.
func hashElemBytes(e hash.Elem, buf []byte) []byte {
	if _, ok := e.Int(); ok {
		return e.Append(buf[:0])
	}
	return e.Bytes()
}

func hset(c *Ctx) { hsetGeneric(c, func(added int) { c.W.Int(int64(added)) }) }

// hmset is HSET with Redis 2's reply.
func hmset(c *Ctx) { hsetGeneric(c, func(int) { c.W.OK() }) }

// hsetGeneric sets every field-value pair and replies with the number of
// new fields. The pairs must come whole: Redis checks that in the command,
// with the arity error.
func hsetGeneric(c *Ctx, reply func(added int)) {
	if len(c.Args)%2 != 0 {
		c.Errorf("ERR wrong number of arguments for '%s' command", c.Spec().FullName())
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	h, ok := writeHash(c, v, key)
	if !ok {
		return
	}
	lim := hashLimits(c)
	added := 0
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(c.Args[i], c.Args[i+1], lim) {
			added++
		}
	}
	h.store()
	c.notify(notifyHash, "hset", key)
	reply(added)
}

// hsetnx sets a field only if it is absent; an existing field leaves the
// key untouched (no change is signalled).
func hsetnx(c *Ctx) {
	key, field := c.Args[1], c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	h, ok := writeHash(c, v, key)
	if !ok {
		return
	}
	if h.Exists(field) {
		c.W.Int(0)
		return
	}
	h.Set(field, c.Args[3], hashLimits(c))
	h.store()
	c.notify(notifyHash, "hset", key)
	c.W.Int(1)
}

func hget(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	writeHashField(c, h, c.Args[2])
}

// writeHashField replies with the value of field, null when the hash or the
// field is missing.
func writeHashField(c *Ctx, h *hash.Hash, field []byte) {
	if h == nil {
		c.W.Null()
		return
	}
	val, found := h.Get(field)
	if !found {
		c.W.Null()
		return
	}
	writeHashElem(c.W, val)
}

func hmget(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	fields := c.Args[2:]
	c.W.Array(len(fields))
	for _, f := range fields {
		writeHashField(c, h, f)
	}
}

func hgetall(c *Ctx) { hgetallGeneric(c, true, true) }
func hkeys(c *Ctx)   { hgetallGeneric(c, true, false) }
func hvals(c *Ctx)   { hgetallGeneric(c, false, true) }

// hgetallGeneric replies with the fields, the values or both: HGETALL is
// a map in RESP3, the others arrays.
func hgetallGeneric(c *Ctx, fields, values bool) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.W.Map(n)
	} else {
		c.W.Array(n)
	}
	if h == nil {
		return
	}
	for f, val := range h.All() {
		if fields {
			writeHashElem(c.W, f)
		}
		if values {
			writeHashElem(c.W, val)
		}
	}
}

// hdel deletes fields and the key with its last field (Redis stops there:
// later fields are not looked at).
func hdel(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, found, ok := checkHash(c, v.Lookup(key))
	if !ok {
		return
	}
	if found == nil {
		c.W.Int(0)
		return
	}
	h := hashWrite{Hash: found, v: v, key: key, e: e}
	deleted := 0
	for _, f := range c.Args[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		h.store()
		c.notifyLeft(notifyHash, "hdel", key, h.Len())
	}
	c.W.Int(int64(deleted))
}

func hlen(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	c.W.Int(int64(n))
}

func hexists(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	c.W.Int(int64(b2i(h != nil && h.Exists(c.Args[2]))))
}

func hstrlen(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	h, ok := readHash(c, v, c.Args[1])
	if !ok {
		return
	}
	n := 0
	if h != nil {
		if val, found := h.Get(c.Args[2]); found {
			n = val.Len()
		}
	}
	c.W.Int(int64(n))
}

func hashCommands() []*Spec {
	const rw, ro = Write | DenyOOM, ReadOnly
	return []*Spec{
		{Name: "hset", Arity: -4, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Set the string value of a hash field", Since: "2.0.0", Handler: hset},
		{Name: "hsetnx", Arity: 4, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Set the value of a hash field, only if the field does not exist", Since: "2.0.0", Handler: hsetnx},
		{Name: "hmset", Arity: -4, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Set multiple hash fields to multiple values", Since: "2.0.0", Handler: hmset},
		{Name: "hget", Arity: 3, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get the value of a hash field", Since: "2.0.0", Handler: hget},
		{Name: "hmget", Arity: -3, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get the values of all the given hash fields", Since: "2.0.0", Handler: hmget},
		{Name: "hgetall", Arity: 2, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get all the fields and values in a hash", Since: "2.0.0", Handler: hgetall},
		{Name: "hkeys", Arity: 2, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get all the fields in a hash", Since: "2.0.0", Handler: hkeys},
		{Name: "hvals", Arity: 2, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get all the values in a hash", Since: "2.0.0", Handler: hvals},
		{Name: "hdel", Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Delete one or more hash fields", Since: "2.0.0", Handler: hdel},
		{Name: "hlen", Arity: 2, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get the number of fields in a hash", Since: "2.0.0", Handler: hlen},
		{Name: "hexists", Arity: 3, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Determine if a hash field exists", Since: "2.0.0", Handler: hexists},
		{Name: "hstrlen", Arity: 3, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get the length of the value of a hash field", Since: "3.2.0", Handler: hstrlen},
		{Name: "hincrby", Arity: 4, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Increment the integer value of a hash field by the given number", Since: "2.0.0", Handler: hincrby},
		{Name: "hincrbyfloat", Arity: 4, Flags: rw | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Increment the float value of a hash field by the given amount", Since: "2.6.0", Handler: hincrbyfloat},
		{Name: "hscan", Arity: -3, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Incrementally iterate hash fields and associated values", Since: "2.8.0", Handler: hscan},
		{Name: "hrandfield", Arity: -2, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: "hash", Summary: "Get one or multiple random fields from a hash", Since: "6.2.0", Handler: hrandfield},
	}
}
