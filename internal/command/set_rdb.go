package command

import (
	"github.com/shoal-cache/shoal/internal/engine"
	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// Sets in DUMP payloads, in Redis 7.0's two RDB encodings: an intset is
// RDB_TYPE_SET_INTSET, its in-memory layout saved as one RDB string (so
// DUMP of an intset is byte for byte Redis's), a hashtable RDB_TYPE_SET, a
// count and each member as an RDB string.
const (
	rdbTypeSet       = 2
	rdbTypeSetIntset = 11
)

// AppendRDB appends the set's RDB encoding (see [rdbEncoder]).
func (v setValue) AppendRDB(dst []byte) (byte, []byte) {
	if blob, ok := v.IntsetBlob(); ok {
		return rdbTypeSetIntset, appendRDBString(dst, blob)
	}
	dst = appendRDBLen(dst, uint64(v.Len()))
	var buf []byte
	v.Each(func(e settype.Elem) bool {
		buf = e.AppendTo(buf[:0])
		dst = appendRDBString(dst, buf)
		return true
	})
	return rdbTypeSet, dst
}

// loadSetRDB reads an RDB_TYPE_SET as Redis's rdbLoadObject does: an
// intset unless the count passes the limit, converted on the first member
// that is not an integer. An empty set or a repeated member is refused.
func loadSetRDB(r *rdbReader) (*engine.Entry, error) {
	n, encoded, err := r.readLen()
	if err != nil || encoded || n == 0 {
		return nil, errBadRDB
	}
	s := settype.New()
	if maxIntset := r.config().Int("set-max-intset-entries"); n > uint64(maxIntset) {
		// Sized by what the payload can hold, not by what it claims.
		s = settype.NewHashtable(int(min(n, uint64(len(r.b)))))
	}
	for range n {
		m, err := r.readString()
		if err != nil {
			return nil, err
		}
		if !s.Add(m, int(r.config().Int("set-max-intset-entries"))) {
			return nil, errBadRDB
		}
	}
	return &engine.Entry{Kind: engine.KindSet, Obj: setValue{s}}, nil
}

// loadIntsetRDB reads an RDB_TYPE_SET_INTSET, converting an intset longer
// than the limit as Redis does.
func loadIntsetRDB(r *rdbReader) (*engine.Entry, error) {
	blob, err := r.readString()
	if err != nil {
		return nil, err
	}
	s, err := settype.FromIntsetBlob(blob)
	if err != nil {
		return nil, errBadRDB
	}
	s.Fit(int(r.config().Int("set-max-intset-entries")))
	return &engine.Entry{Kind: engine.KindSet, Obj: setValue{s}}, nil
}

func init() {
	rdbLoaders[rdbTypeSet] = loadSetRDB
	rdbLoaders[rdbTypeSetIntset] = loadIntsetRDB
}
