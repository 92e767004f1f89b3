package engine

import "github.com/shoal-cache/shoal/internal/slab"

// Kind is the type of a value, as TYPE names it.
type Kind uint8

// The value types. Only strings are stored today; the aggregate kinds name
// what TYPE will report once their families exist.
const (
	KindString Kind = iota + 1
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
)

var kindNames = [...]string{"none", "string", "list", "set", "zset", "hash", "stream"}

// String returns the name TYPE replies with.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Entry is one value in the keyspace with its metadata, as a command sees
// it. The value itself lives in its shard's arena (record.go): an Entry
// returned by a [View] is a handle whose Str aliases the stored bytes, valid
// until the command's [Txn] unlocks. Changing bytes of Str in place changes
// the stored value; any other change (a longer Str, Raw, a new Obj) is
// stored by [View.Modified]. Change the expiry only with [View.SetExpire].
type Entry struct {
	Kind Kind
	// Str holds a string value.
	Str []byte
	// Obj holds an aggregate value (list, set, ...).
	Obj any
	// Raw is set once a string was changed in place (APPEND, SETRANGE,
	// SETBIT), after which Redis reports its encoding as "raw".
	Raw bool

	expireAt int64  // Unix ms; 0 when the key does not expire
	access   uint32 // Unix seconds of the last access, for OBJECT IDLETIME
	freq     uint8  // LFU counter, for OBJECT FREQ
	lfu      bool   // access and freq were last set under an LFU policy

	// Where the value is stored, for a handle: its shard, record and
	// aggregate object number.
	sh    *shard
	loc   slab.Loc
	objID uint32
	// pos is the record's index position + 1 when a lookup found it
	// (0: unknown), so that Modified need not look the key up again.
	pos int32
}

// NewString returns a string entry holding v, for [View.Put], which
// copies v.
func NewString(v []byte) *Entry { return &Entry{Kind: KindString, Str: v} }

// ExpireAt returns the key's expiry time in Unix ms, 0 if it has none.
func (e *Entry) ExpireAt() int64 { return e.expireAt }

// AccessTime returns the Unix second of the key's last access.
func (e *Entry) AccessTime() uint32 { return e.access }

// Freq returns the key's logarithmic access frequency counter.
func (e *Entry) Freq() uint8 { return e.freq }

// LRUField returns what Redis would hold in the key's 24-bit robj.lru
// field: the LRU clock of the last access, or the LFU minute and counter
// when that access was under an LFU policy (DEBUG OBJECT's lru).
func (e *Entry) LRUField() uint32 { return lruField(e.access, e.freq, e.lfu) }

// SetAccess sets the access metadata, as RESTORE IDLETIME/FREQ do; on a
// stored entry it is stored at once.
func (e *Entry) SetAccess(unixSec uint32, freq uint8) {
	e.access, e.freq = unixSec, freq
	if e.loc != slab.Nil {
		setAccess(e.sh.arena.Bytes(e.loc), unixSec, freq, e.lfu)
	}
}

// MarkRaw records that a string was changed in place (SETBIT, BITFIELD),
// after which Redis reports its encoding as "raw"; on a stored entry it is
// stored at once, so a change that left the bytes as they were still
// counts.
func (e *Entry) MarkRaw() {
	e.Raw = true
	if e.loc != slab.Nil {
		e.sh.arena.Bytes(e.loc)[recFlags] |= flagRaw
	}
}
