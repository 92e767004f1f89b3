package engine

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

// Entry is one value in the keyspace with its metadata.
//
// Entries are owned by their shard: read or change one only while holding
// the shard's lock (through a [View]), and change its expiry only with
// [View.SetExpire] or [View.Persist] so the shard's expiry index stays right.
type Entry struct {
	Kind Kind
	// Str holds a string value. The engine owns the slice: commands that
	// keep or change it copy or mutate it only under the shard lock.
	Str []byte
	// Obj holds an aggregate value (list, set, ...).
	Obj any
	// Raw is set once a string was changed in place (APPEND, SETRANGE,
	// SETBIT), after which Redis reports its encoding as "raw".
	Raw bool

	expireAt int64  // Unix ms; 0 when the key does not expire
	access   uint32 // Unix seconds of the last access, for OBJECT IDLETIME
	freq     uint8  // LFU counter, for OBJECT FREQ
	size     int32  // bytes accounted for this entry (see memory.go)
	expPos   int32  // place in its expiry bucket (see expiryindex.go)
}

// NewString returns a string entry holding v (not copied).
func NewString(v []byte) *Entry { return &Entry{Kind: KindString, Str: v} }

// ExpireAt returns the key's expiry time in Unix ms, 0 if it has none.
func (e *Entry) ExpireAt() int64 { return e.expireAt }

// AccessTime returns the Unix second of the key's last access.
func (e *Entry) AccessTime() uint32 { return e.access }

// Freq returns the key's logarithmic access frequency counter.
func (e *Entry) Freq() uint8 { return e.freq }

// SetAccess sets the access metadata, as RESTORE IDLETIME/FREQ do.
func (e *Entry) SetAccess(unixSec uint32, freq uint8) { e.access, e.freq = unixSec, freq }

// expired reports whether the entry is past its expiry at now.
func (e *Entry) expired(now int64) bool { return e.expireAt != 0 && e.expireAt <= now }
