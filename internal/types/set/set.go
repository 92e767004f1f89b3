// Package set is the value of a Redis set key, in Redis 7.0's two
// encodings:
//
//   - "intset" while every member is an integer (a canonical int64 in
//     Redis's string2ll sense: no sign but '-', no leading zero, no space)
//     and there are at most set-max-intset-entries of them: sorted integers
//     packed in one pointer-free byte slice ([intset]);
//   - "hashtable" otherwise: the members in a dense slice with a
//     pointer-free open-addressing index over it ([table]).
//
// As in Redis 7.0 a set only ever converts from intset to hashtable, when a
// member that is not an integer arrives or the count passes the limit, and
// never back: a set that shrinks stays a hashtable. The limit is the
// caller's (the command reads the config) and is passed to each Add.
// Sets built by SINTERSTORE and friends start as an empty intset ([New])
// and so follow the same rules member by member.
//
// An intset hands its members out in ascending order, as Redis's does, so
// that SMEMBERS, SSCAN and the replies built from intsets come in Redis's
// order; a hashtable's order is its own, as Redis's dict order is.
//
// A Set is not safe for concurrent use: the key's shard lock guards it.
package set

import "github.com/shoal-cache/shoal/internal/resp"

// Set is one set value. The zero value is an empty intset.
type Set struct {
	ints intset
	ht   *table // nil while the set is an intset
}

// New returns an empty intset, as Redis starts the destination of
// SINTERSTORE, SUNIONSTORE and SDIFFSTORE.
func New() *Set { return &Set{} }

// NewFor returns an empty set in the encoding Redis gives a set created for
// first (setTypeCreate): an intset when first is an integer, else a
// hashtable. first is not added.
func NewFor(first []byte) *Set {
	if _, ok := resp.ParseInt(first); ok {
		return &Set{}
	}
	return &Set{ht: newTable(0)}
}

// NewHashtable returns an empty set in the hashtable encoding, with room
// for hint members, as Redis loads a large set from RDB.
func NewHashtable(hint int) *Set { return &Set{ht: newTable(hint)} }

// maxIntsetLimit is Redis's cap on set-max-intset-entries: an intset holds
// at most 2^30 integers whatever the config says.
const maxIntsetLimit = 1 << 30

// Len returns the number of members.
func (s *Set) Len() int {
	if s.ht != nil {
		return s.ht.len()
	}
	return s.ints.len()
}

// IsIntset reports whether the set is in its intset encoding.
func (s *Set) IsIntset() bool { return s.ht == nil }

// Encoding returns the encoding's name as OBJECT ENCODING reports it.
func (s *Set) Encoding() string {
	if s.ht != nil {
		return "hashtable"
	}
	return "intset"
}

// Add adds m and reports whether it was not a member yet. maxIntset is
// set-max-intset-entries: an intset that would hold more, or a member that
// is not an integer, turns the set into a hashtable.
func (s *Set) Add(m []byte, maxIntset int) bool {
	if s.ht != nil {
		return s.ht.addBytes(m)
	}
	if n, ok := resp.ParseInt(m); ok {
		return s.addInt(n, maxIntset)
	}
	s.convert(s.Len() + 1)
	return s.ht.add(string(m))
}

// AddElem is Add for a member handed out by a set.
func (s *Set) AddElem(e Elem, maxIntset int) bool {
	if s.ht == nil {
		if n, ok := e.asInt(); ok {
			return s.addInt(n, maxIntset)
		}
		s.convert(s.Len() + 1)
	}
	if e.isInt {
		var buf [20]byte
		return s.ht.addBytes(e.AppendTo(buf[:0]))
	}
	return s.ht.add(e.str)
}

func (s *Set) addInt(n int64, maxIntset int) bool {
	if !s.ints.add(n) {
		return false
	}
	if s.ints.len() > min(maxIntset, maxIntsetLimit) {
		s.convert(s.ints.len())
	}
	return true
}

// convert turns an intset into a hashtable sized for hint members, the
// integers first in ascending order.
func (s *Set) convert(hint int) {
	t := newTable(hint)
	var buf [20]byte
	for i := range s.ints.len() {
		t.addBytes(IntElem(s.ints.get(i)).AppendTo(buf[:0]))
	}
	s.ints, s.ht = nil, t
}

// Fit converts an intset holding more than maxIntset integers, as Redis
// does to a set it loads from RDB.
func (s *Set) Fit(maxIntset int) {
	if s.ht == nil && s.ints.len() > min(maxIntset, maxIntsetLimit) {
		s.convert(s.ints.len())
	}
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m []byte) bool {
	if s.ht != nil {
		return s.ht.removeBytes(m)
	}
	n, ok := resp.ParseInt(m)
	return ok && s.ints.remove(n)
}

// RemoveElem is Remove for a member handed out by a set.
func (s *Set) RemoveElem(e Elem) bool {
	if s.ht == nil {
		n, ok := e.asInt()
		return ok && s.ints.remove(n)
	}
	if e.isInt {
		var buf [20]byte
		return s.ht.removeBytes(e.AppendTo(buf[:0]))
	}
	return s.ht.remove(e.str)
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	if s.ht != nil {
		return s.ht.hasBytes(m)
	}
	n, ok := resp.ParseInt(m)
	return ok && s.ints.has(n)
}

// HasElem is Has for a member handed out by a set.
func (s *Set) HasElem(e Elem) bool {
	if s.ht == nil {
		n, ok := e.asInt()
		return ok && s.ints.has(n)
	}
	if e.isInt {
		var buf [20]byte
		return s.ht.hasBytes(e.AppendTo(buf[:0]))
	}
	return s.ht.has(e.str)
}

// At returns the member at position i, 0 <= i < Len(): an intset's in
// ascending order, a hashtable's in its own. Positions make random picks
// O(1).
func (s *Set) At(i int) Elem {
	if s.ht != nil {
		return Elem{str: s.ht.members[i]}
	}
	return Elem{num: s.ints.get(i), isInt: true}
}

// Each calls fn for every member in position order until fn returns
// false. fn must not change the set.
func (s *Set) Each(fn func(Elem) bool) {
	for i := range s.Len() {
		if !fn(s.At(i)) {
			return
		}
	}
}

// Scan calls fn for the next members of an SSCAN from cursor (0 to
// start) and returns the cursor to continue from, 0 when done. An intset
// is returned whole, as Redis returns it, whatever the cursor. A
// hashtable is walked from its last position down, count members per
// call; the cursor is the number of positions left, so every member
// present for the whole scan is returned (see [table]).
func (s *Set) Scan(cursor uint64, count int, fn func(Elem)) uint64 {
	if s.ht == nil {
		s.Each(func(e Elem) bool { fn(e); return true })
		return 0
	}
	n := uint64(s.ht.len())
	if cursor == 0 || cursor > n {
		cursor = n
	}
	end := cursor - min(cursor, uint64(max(count, 1)))
	for i := cursor; i > end; i-- {
		fn(Elem{str: s.ht.members[i-1]})
	}
	return end
}

// Clone returns a deep copy (COPY).
func (s *Set) Clone() *Set {
	c := &Set{ints: s.ints.clone()}
	if s.ht != nil {
		c.ht = s.ht.clone()
	}
	return c
}

// IntsetBlob returns an intset in Redis's in-memory layout (RDB stores it
// as RDB_TYPE_SET_INTSET), or false for a hashtable.
func (s *Set) IntsetBlob() ([]byte, bool) {
	if s.ht != nil {
		return nil, false
	}
	return s.ints.blob(), true
}

// FromIntsetBlob reads a set from Redis's intset layout, or fails when it
// is malformed, repeats an integer or is out of order.
func FromIntsetBlob(b []byte) (*Set, error) {
	is, err := intsetFromBlob(b)
	if err != nil {
		return nil, err
	}
	return &Set{ints: is}, nil
}

// parseInt is string2ll on a string; longer strings are no integers, and
// the check comes first so that the conversion never allocates.
func parseInt(s string) (int64, bool) {
	if len(s) > 20 || len(s) == 0 {
		return 0, false
	}
	return resp.ParseInt([]byte(s))
}
