package command

import (
	"bytes"
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
)

// Generic key commands: the ones that work on a key whatever its type
// (Redis's "generic" group, ACL category @keyspace). TTL commands live in
// expire.go, KEYS and SCAN in scan.go, OBJECT in object.go, DUMP and
// RESTORE in dump.go.

// del deletes the named keys (DEL, and UNLINK, which has nothing to free
// lazily here) and counts those that existed. All keys are locked at once,
// so the command is atomic.
func del(c *Ctx) {
	keys := c.Args[1:]
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	n := 0
	for _, k := range keys {
		if v.Delete(k) {
			c.notifyDel(k)
			n++
		}
	}
	c.W.Int(int64(n))
}

// exists counts the named keys that exist; a key named twice counts twice.
func exists(c *Ctx) { countKeys(c, engine.View.ReadNoTouch) }

// touch counts the named keys that exist and marks them accessed.
func touch(c *Ctx) { countKeys(c, engine.View.Read) }

func countKeys(c *Ctx, lookup func(engine.View, []byte) *engine.Entry) {
	keys := c.Args[1:]
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	n := 0
	for _, k := range keys {
		if lookup(v, k) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
}

func typeCmd(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	e := v.ReadNoTouch(c.Args[1])
	if e == nil {
		c.W.Simple("none")
		return
	}
	c.W.Simple(e.Kind.String())
}

func randomKey(c *Ctx) {
	key, ok := c.DB().RandomKey()
	if !ok {
		c.W.Null()
		return
	}
	c.W.BulkString(key)
}

func rename(c *Ctx)   { renameGeneric(c, false) }
func renameNX(c *Ctx) { renameGeneric(c, true) }

// renameGeneric moves the value and TTL of key to newkey, replacing what
// newkey held (RENAME) or only if newkey does not exist (RENAMENX).
func renameGeneric(c *Ctx, nx bool) {
	src, dst := c.Args[1], c.Args[2]
	db := c.DB()
	c.Txn.Key(db, src).Key(db, dst).Acquire()
	defer c.Txn.Unlock()
	v := c.Txn.View(db)
	e := v.Lookup(src)
	switch {
	case e == nil:
		c.Error(errNoSuchKey)
		return
	case bytes.Equal(src, dst):
		// Renaming a key to itself changes nothing, but still needs the
		// key to exist (checked above).
		renameReply(c, nx, false)
		return
	case nx && v.Lookup(dst) != nil:
		renameReply(c, nx, false)
		return
	}
	// Delete first: an entry is stored (and indexed by its TTL) under one
	// key at a time.
	at := e.ExpireAt()
	v.Delete(src)
	c.notifyReplaced(v, dst)
	v.Put(dst, e, at)
	c.notify(notifyGeneric, "rename_from", src)
	c.notify(notifyGeneric, "rename_to", dst)
	renameReply(c, nx, true)
}

func renameReply(c *Ctx, nx, renamed bool) {
	switch {
	case !nx:
		c.W.OK()
	case renamed:
		c.W.Int(1)
	default:
		c.W.Int(0)
	}
}

// copyArgs are COPY's options.
type copyArgs struct {
	dstDB   int
	replace bool
}

func parseCopy(c *Ctx) (copyArgs, bool) {
	a := copyArgs{dstDB: c.Conn.DB()}
	opts := c.Args[3:]
	for i := 0; i < len(opts); i++ {
		switch {
		case is(opts[i], "replace"):
			a.replace = true
		case is(opts[i], "db") && i+1 < len(opts):
			db, ok := dbIndexArg(c, opts[i+1])
			if !ok {
				return a, false
			}
			a.dstDB = db
			i++
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	return a, true
}

// copyCmd copies the value and TTL of key to newkey, possibly in another
// database. The copy is deep: changing one never changes the other.
func copyCmd(c *Ctx) {
	a, ok := parseCopy(c)
	if !ok {
		return
	}
	src, dst := c.Args[1], c.Args[2]
	if a.dstDB == c.Conn.DB() && bytes.Equal(src, dst) {
		c.Error(errSameObject)
		return
	}
	srcDB, dstDB := c.DB(), c.Node.Engine.DB(a.dstDB)
	c.Txn.Key(srcDB, src).Key(dstDB, dst).Acquire()
	defer c.Txn.Unlock()
	vs, vd := c.Txn.View(srcDB), c.Txn.View(dstDB)
	e := vs.Read(src)
	if e == nil || (vd.Lookup(dst) != nil && !a.replace) {
		c.W.Int(0)
		return
	}
	c.notifyReplaced(vd, dst)
	vd.Put(dst, e.Clone(), e.ExpireAt())
	c.notifyIn(a.dstDB, notifyGeneric, "copy_to", dst)
	c.W.Int(1)
}

// move moves key, with its TTL, to another database, unless a key of that
// name exists there.
func move(c *Ctx) {
	to, ok := dbIndexArg(c, c.Args[2])
	if !ok {
		return
	}
	if to == c.Conn.DB() {
		c.Error(errSameObject)
		return
	}
	key := c.Args[1]
	srcDB, dstDB := c.DB(), c.Node.Engine.DB(to)
	c.Txn.Key(srcDB, key).Key(dstDB, key).Acquire()
	defer c.Txn.Unlock()
	vs, vd := c.Txn.View(srcDB), c.Txn.View(dstDB)
	e := vs.Lookup(key)
	if e == nil || vd.Lookup(key) != nil {
		c.W.Int(0)
		return
	}
	at := e.ExpireAt()
	vs.Delete(key) // first: an entry is stored under one key at a time
	vd.Put(key, e, at)
	c.notify(notifyGeneric, "move_from", key)
	c.notifyIn(to, notifyGeneric, "move_to", key)
	c.W.Int(1)
}

const errSameObject = "ERR source and destination objects are the same"

// dbIndexArg parses a database number as MOVE and COPY ... DB do, with
// Redis's errors for a non-number, a number beyond 32 bits and a database
// that does not exist.
func dbIndexArg(c *Ctx, arg []byte) (int, bool) {
	n, ok := parseInt(arg)
	switch {
	case !ok:
		c.Error(errNotInteger)
	case n < math.MinInt32 || n > math.MaxInt32:
		c.Error("ERR value is out of range, value must between -2147483648 and 2147483647")
	case n < 0 || n >= int64(c.Node.Engine.NumDBs()):
		c.Error(errDBIndex)
	default:
		return int(n), true
	}
	return 0, false
}

func keyCommands() []*Spec {
	specs := []*Spec{
		{Name: "del", Arity: -2, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Deletes one or more keys.", Since: "1.0.0", Handler: del},
		{Name: "unlink", Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Asynchronously deletes one or more keys.", Since: "4.0.0", Handler: del},
		{Name: "exists", Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Determines whether one or more keys exist.", Since: "1.0.0", Handler: exists},
		{Name: "touch", Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, Group: "generic", Summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.", Since: "3.2.1", Handler: touch},
		{Name: "type", Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Determines the type of value stored at a key.", Since: "1.0.0", Handler: typeCmd},
		{Name: "randomkey", Arity: 1, Flags: ReadOnly, Group: "generic", Summary: "Returns a random key name from the database.", Since: "1.0.0", Handler: randomKey},
		{Name: "rename", Arity: 3, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Group: "generic", Summary: "Renames a key and overwrites the destination.", Since: "1.0.0", Handler: rename},
		{Name: "renamenx", Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 2, Step: 1, Group: "generic", Summary: "Renames a key only when the target key name doesn't exist.", Since: "1.0.0", Handler: renameNX},
		{Name: "copy", Arity: -3, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 2, Step: 1, Group: "generic", Summary: "Copies the value of a key to a new key.", Since: "6.2.0", Handler: copyCmd},
		{Name: "move", Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Summary: "Moves a key to another database.", Since: "1.0.0", Handler: move},
	}
	specs = append(specs, expireCommands()...)
	specs = append(specs, scanCommands()...)
	specs = append(specs, objectCommands()...)
	return append(specs, dumpCommands()...)
}
