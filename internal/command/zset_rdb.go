package command

import (
	"encoding/binary"
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// DUMP and RESTORE of sorted sets, in Redis 7.0's RDB encodings:
//
//   - RDB_TYPE_ZSET_LISTPACK (17), what Redis dumps a listpack-encoded set
//     as: the listpack as one RDB string. Shoal dumps its compact form so,
//     byte for byte as Redis would.
//   - RDB_TYPE_ZSET_2 (5), for a skiplist-encoded set: the count, then
//     each member (an RDB string) and its score (a little-endian float64),
//     highest first, as Redis saves them.
//   - RDB_TYPE_ZSET (3), the old form with scores as length-prefixed
//     strings, is read too.
//
// A restored set is compact when it fits the node's thresholds, as Redis
// converts a loaded set.

const (
	rdbTypeZSet         = 3
	rdbTypeZSet2        = 5
	rdbTypeZSetListpack = 17
)

// limits returns the compact form's thresholds a loaded set is encoded by.
func (r *rdbReader) zsetLimits() zset.Limits {
	cfg := r.config()
	return zset.Limits{
		MaxEntries: int(min(cfg.Int("zset-max-listpack-entries"), math.MaxInt32)),
		MaxValue:   int(min(cfg.Int("zset-max-listpack-value"), math.MaxInt32)),
	}
}

func init() {
	rdbLoaders[rdbTypeZSet] = func(r *rdbReader) (*engine.Entry, error) { return loadZSet(r, (*rdbReader).readStringScore) }
	rdbLoaders[rdbTypeZSet2] = func(r *rdbReader) (*engine.Entry, error) { return loadZSet(r, (*rdbReader).readBinaryScore) }
	rdbLoaders[rdbTypeZSetListpack] = loadZSetListpack
}

// AppendRDB implements rdbEncoder.
func (z *zsetValue) AppendRDB(dst []byte) (byte, []byte) {
	s := z.set()
	if s.Encoding() == "listpack" {
		return rdbTypeZSetListpack, appendRDBString(dst, s.AppendListpack(nil))
	}
	dst = appendRDBLen(dst, uint64(s.Len()))
	s.Descend(s.Len()-1, func(m []byte, score float64) bool {
		dst = appendRDBString(dst, m)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(score))
		return true
	})
	return rdbTypeZSet2, dst
}

// loadZSet reads RDB_TYPE_ZSET and RDB_TYPE_ZSET_2. An empty set, a
// member given twice or a NaN score is bad data, as in Redis.
func loadZSet(r *rdbReader, readScore func(*rdbReader) (float64, error)) (*engine.Entry, error) {
	n, enc, err := r.readLen()
	if err != nil || enc || n == 0 || n > uint64(len(r.b)) {
		return nil, errBadRDB
	}
	items := make([]zset.Item, 0, n)
	seen := make(map[string]struct{}, n)
	for range n {
		m, err := r.readString()
		if err != nil {
			return nil, err
		}
		s, err := readScore(r)
		if err != nil {
			return nil, err
		}
		if _, dup := seen[string(m)]; dup || s != s {
			return nil, errBadRDB
		}
		seen[string(m)] = struct{}{}
		items = append(items, zset.Item{Member: string(m), Score: s})
	}
	return newZSetEntry(zset.Build(items, r.zsetLimits())), nil
}

func (r *rdbReader) readBinaryScore() (float64, error) {
	b, err := r.next(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
}

// readStringScore reads Redis's old double encoding: a length byte (253
// NaN, 254 +inf, 255 -inf) and that many characters of a number.
func (r *rdbReader) readStringScore() (float64, error) {
	l, err := r.next(1)
	if err != nil {
		return 0, err
	}
	switch l[0] {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := r.next(uint64(l[0]))
	if err != nil {
		return 0, err
	}
	f, ok := zset.ParseScore(b)
	if !ok {
		return 0, errBadRDB
	}
	return f, nil
}

func loadZSetListpack(r *rdbReader) (*engine.Entry, error) {
	b, err := r.readString()
	if err != nil {
		return nil, err
	}
	items, err := zset.ParseListpack(b)
	if err != nil {
		return nil, errBadRDB
	}
	return newZSetEntry(zset.BuildCompact(items, r.zsetLimits())), nil
}
