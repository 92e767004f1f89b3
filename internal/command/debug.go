package command

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
	settype "github.com/shoal-cache/shoal/internal/types/set"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's keyspace digest, computed
// from the values' contents as Redis computes it (debug.c), so it depends
// on neither encodings nor order and a node and its replicas, or Shoal and
// Redis holding the same data, give the same one. Unlike Redis, DEBUG is
// allowed without enable-debug-command (only these subcommands exist),
// with OBJECT, SET-ACTIVE-EXPIRE, SLEEP and HELP beside them.

type digest [20]byte

// mix folds SHA1(p) into d and replaces d with its SHA1 (mixDigest):
// order matters.
func (d *digest) mix(p []byte) {
	d.xor(p)
	*d = sha1.Sum(d[:])
}

// xor folds SHA1(p) into d: order does not matter.
func (d *digest) xor(p []byte) {
	s := sha1.Sum(p)
	for i := range d {
		d[i] ^= s[i]
	}
}

func (d *digest) String() string { return hex.EncodeToString(d[:]) }

// Redis's object type numbers, mixed into each value's digest.
var digestTypes = map[engine.Kind]uint32{engine.KindString: 0, engine.KindList: 1, engine.KindSet: 2,
	engine.KindZSet: 3, engine.KindHash: 4}

// valueDigest is xorObjectDigest: the value's type, its contents, and a
// mark when it has an expiry.
func valueDigest(d *digest, e *engine.Entry) {
	d.mix(binary.BigEndian.AppendUint32(nil, digestTypes[e.Kind]))
	var buf []byte
	switch obj := e.Obj.(type) {
	case nil:
		d.mix(e.Str)
	case *listValue:
		for _, v := range obj.List.All(0, false) {
			buf = v.Append(buf[:0])
			d.mix(buf)
		}
	case setValue:
		obj.Each(func(m settype.Elem) bool {
			buf = m.AppendTo(buf[:0])
			d.xor(buf)
			return true
		})
	case *zsetValue:
		obj.set().Ascend(0, func(member []byte, score float64) bool {
			var ed digest
			ed.mix(member)
			ed.mix(strconv.AppendFloat(buf[:0], score, 'g', 17, 64))
			d.xor(ed[:])
			return true
		})
	case hashValue:
		for f, v := range obj.All() {
			var ed digest
			buf = f.Append(buf[:0])
			ed.mix(buf)
			buf = v.Append(buf[:0])
			ed.mix(buf)
			d.xor(ed[:])
		}
	}
	if e.ExpireAt() != 0 {
		d.xor([]byte("!!expire!!"))
	}
}

// KeyspaceDigest is DEBUG DIGEST's value: for each non-empty database its
// number mixed in, then every key's digest (key and value) folded in.
func (n *Node) KeyspaceDigest() string {
	var final digest
	for i := range n.Engine.NumDBs() {
		db := n.Engine.DB(i)
		if db.Size() == 0 {
			continue
		}
		final.mix(binary.BigEndian.AppendUint32(nil, uint32(i)))
		for slot := range engine.SlotCount {
			db.WalkSlot(slot, func(key []byte, e *engine.Entry) {
				var kd digest
				kd.mix(key)
				valueDigest(&kd, e)
				final.xor(kd[:]) // xorDigest hashes the key's digest

			})
		}
	}
	return final.String()
}

func debugCmd(c *Ctx) {
	switch {
	case is(c.Args[1], "digest") && len(c.Args) == 2:
		c.W.Simple(c.Node.KeyspaceDigest())
	case is(c.Args[1], "digest-value"):
		c.W.Array(len(c.Args) - 2)
		for _, key := range c.Args[2:] {
			var d digest
			v := c.Txn.LockKey(c.DB(), key)
			if e := v.PeekRaw(key); e != nil {
				valueDigest(&d, e)
			}
			c.Txn.Unlock()
			c.W.Simple(d.String())
		}
	case is(c.Args[1], "sleep") && len(c.Args) == 3:
		// As Redis: the seconds read with a bare strtod (junk is 0), and
		// the whole event loop waits, as Redis's whole server does.
		secs, _, _ := zset.Strtod(c.Args[2])
		if d := time.Duration(secs * float64(time.Second)); d > 0 {
			time.Sleep(d)
		}
		c.W.OK()
	case is(c.Args[1], "object") && len(c.Args) == 3:
		debugObject(c)
	case is(c.Args[1], "set-active-expire") && len(c.Args) == 3:
		// As Redis: atoi, so anything but a non-zero number turns it off.
		c.Node.Engine.SetActiveExpiry(atoi(c.Args[2]) != 0)
		c.W.OK()
	case is(c.Args[1], "help") && len(c.Args) == 2:
		replyHelp(c, "DEBUG", debugHelp)
	default:
		c.Errorf("ERR unknown subcommand or wrong number of arguments for '%s'. Try DEBUG HELP.", c.Args[1])
	}
}

// debugObject replies Redis's one-line description of a value. The
// address is the Go entry's, serializedlength the value's RDB encoding
// (DUMP's payload without its type byte and footer), lru Redis's 24-bit
// field (the clock of the last access, or the minute of the last decay and
// the counter when that access was under an LFU policy) and the idle time
// read from it as an LRU clock, whatever the policy. A list adds
// its quicklist's figures; Shoal never compresses nodes.
func debugObject(c *Ctx) {
	key := c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.PeekRaw(key)
	if e == nil {
		c.Error("ERR no such key")
		return
	}
	refcount := 1
	if encodingOf(e) == "int" {
		if n, _ := parseInt(e.Str); n >= 0 && n < sharedIntegers {
			refcount = sharedRefcount
		}
	}
	serialized := 0
	if p, ok := dumpPayload(e); ok {
		serialized = len(p) - 1 - 2 - 8 // type byte, RDB version, CRC-64
	}
	line := fmt.Sprintf("Value at:%p refcount:%d encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d",
		e, refcount, encodingOf(e), serialized, e.LRUField(), v.IdleSeconds(e))
	if l, ok := e.Obj.(*listValue); ok {
		var size int
		for lp := range l.Listpacks() {
			size += len(lp)
		}
		nodes := l.Nodes()
		line += fmt.Sprintf(" ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:0 ql_uncompressed_size:%d",
			nodes, float64(l.Len())/float64(nodes), l.Fill(), size)
	}
	c.W.Simple(line)
}

// debugHelp is Redis's DEBUG HELP text for the subcommands Shoal has.
var debugHelp = []string{
	"DIGEST",
	"    Output a hex signature representing the current DB content.",
	"DIGEST-VALUE <key> [<key> ...]",
	"    Output a hex signature of the values of all the specified keys.",
	"OBJECT <key>",
	"    Show low level info about `key` and associated value.",
	"SET-ACTIVE-EXPIRE <0|1>",
	"    Setting it to 0 disables expiring keys in background when they are not",
	"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
	"    default.",
	"SLEEP <seconds>",
	"    Stop the server for <seconds>. Decimals allowed.",
}

func debugCommands() []*Spec {
	return []*Spec{
		{Name: "debug", Arity: -2, Flags: Admin | NoScript | Loading | Stale, Group: "server", Categories: []string{"dangerous"},
			Summary: "A container for debugging commands", Since: "1.0.0", Handler: debugCmd},
	}
}
