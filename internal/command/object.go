package command

import (
	"strings"

	"github.com/shoal-cache/shoal/internal/engine"
)

// OBJECT: introspection of how a value is stored. Looking a key up here
// counts as a keyspace hit or miss but does not count as an access.

// encodingNamer is implemented by aggregate values (Entry.Obj) to name their
// current encoding as OBJECT ENCODING reports it ("listpack",
// "hashtable", ...).
type encodingNamer interface {
	Encoding() string
}

// sharedIntegers is Redis's OBJ_SHARED_INTEGERS: values 0..9999 stored as
// integers share one object, whose refcount OBJECT REFCOUNT reports as
// OBJ_SHARED_REFCOUNT.
const (
	sharedIntegers = 10000
	sharedRefcount = 2147483647
)

// objectLookup returns the key named by OBJECT's argument, replying with a
// null when it does not exist.
func objectLookup(c *Ctx, fn func(*engine.Entry, engine.View)) {
	v := c.Txn.LockKey(c.DB(), c.Args[2])
	defer c.Txn.Unlock()
	e := v.ReadNoNotify(c.Args[2])
	if e == nil {
		c.W.Null()
		return
	}
	fn(e, v)
}

func objectEncoding(c *Ctx) {
	objectLookup(c, func(e *engine.Entry, _ engine.View) { c.W.BulkString(encodingOf(e)) })
}

// encodingOf names how Redis would store e. A string is "int" when it is a
// canonical 64-bit integer (Redis stores it as a number), "embstr" when it
// is short enough to sit in the object header, "raw" otherwise or once it
// was changed in place.
func encodingOf(e *engine.Entry) string {
	if enc, ok := e.Obj.(encodingNamer); ok {
		return enc.Encoding()
	}
	if e.Kind != engine.KindString {
		return "unknown"
	}
	switch {
	case e.Raw:
		return "raw"
	case isIntEncodable(e.Str):
		return "int"
	case len(e.Str) <= 44:
		return "embstr"
	}
	return "raw"
}

// isIntEncodable reports whether Redis would store s as an integer: at most
// 20 bytes, parsed strictly (no sign but '-', no leading zero, no space).
func isIntEncodable(s []byte) bool {
	if len(s) > 20 {
		return false
	}
	_, ok := parseInt(s)
	return ok
}

func objectRefcount(c *Ctx) {
	objectLookup(c, func(e *engine.Entry, _ engine.View) {
		if encodingOf(e) == "int" {
			if n, _ := parseInt(e.Str); n >= 0 && n < sharedIntegers {
				c.W.Int(sharedRefcount)
				return
			}
		}
		c.W.Int(1)
	})
}

func objectIdletime(c *Ctx) {
	objectLookup(c, func(e *engine.Entry, v engine.View) {
		if lfuPolicy(c) {
			c.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.W.Int(v.IdleSeconds(e))
	})
}

func objectFreq(c *Ctx) {
	objectLookup(c, func(e *engine.Entry, v engine.View) {
		if !lfuPolicy(c) {
			c.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.W.Int(int64(v.FreqNow(e)))
	})
}

// lfuPolicy reports whether an LFU maxmemory-policy is selected, which
// decides whether keys track idle time or access frequency. Until the
// maxmemory-policy directive exists, none is.
func lfuPolicy(c *Ctx) bool {
	cfg := c.Node.Config
	return cfg.Has("maxmemory-policy") && strings.HasSuffix(cfg.String("maxmemory-policy"), "-lfu")
}

var objectHelp = []string{
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
}

// objectHelpCmd replies as Redis's addReplyHelp does: an array of status
// strings.
func objectHelpCmd(c *Ctx) { replyHelp(c, "OBJECT", objectHelp) }

func objectCommands() []*Spec {
	sub := func(name, summary string, h func(*Ctx)) *Spec {
		return &Spec{Name: name, Arity: 3, Flags: ReadOnly, FirstKey: 2, LastKey: 2, Step: 1, Summary: summary, Since: "2.2.3", Handler: h}
	}
	return []*Spec{{
		Name: "object", Arity: -2, Group: "generic", OwnCategories: true, Summary: "A container for object introspection commands", Since: "2.2.3",
		Subcommands: []*Spec{
			sub("encoding", "Returns the internal encoding of a Redis object.", objectEncoding),
			sub("freq", "Returns the logarithmic access frequency counter of a Redis object.", objectFreq),
			sub("idletime", "Returns the time since the last access to a Redis object.", objectIdletime),
			sub("refcount", "Returns the reference count of a value of a key.", objectRefcount),
			{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Returns helpful text about the different subcommands.", Since: "6.2.0", Handler: objectHelpCmd},
		},
	}}
}
