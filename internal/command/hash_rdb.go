package command

import (
	"strings"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/hash"
)

// DUMP and RESTORE of hashes, in Redis 7.0's RDB encodings: a listpack is
// dumped as RDB_TYPE_HASH_LISTPACK, the blob itself as an RDB string (so
// the payload is byte for byte Redis's), a hashtable as RDB_TYPE_HASH,
// its length then each field and value. RESTORE reads both, and, as Redis
// 7.0 does, Redis 6's RDB_TYPE_HASH_ZIPLIST.
const (
	rdbTypeHash         = 4
	rdbTypeHashZiplist  = 13 // Redis 6.2 and before
	rdbTypeHashListpack = 16
)

// AppendRDB appends the hash in RDB encoding (rdbEncoder).
func (h hashValue) AppendRDB(dst []byte) (byte, []byte) {
	if lp := h.Listpack(); lp != nil {
		return rdbTypeHashListpack, appendRDBString(dst, lp)
	}
	dst = appendRDBLen(dst, uint64(h.Len()))
	var fb, vb [20]byte
	for f, v := range h.All() {
		dst = appendRDBString(dst, hashElemBytes(f, fb[:]))
		dst = appendRDBString(dst, hashElemBytes(v, vb[:]))
	}
	return rdbTypeHash, dst
}

// restoreHashLimits are the thresholds a RESTOREd hash is encoded by:
// the node's, as Redis's.
func restoreHashLimits(r *rdbReader) hash.Limits {
	cfg := r.config()
	return hash.Limits{
		MaxEntries: cfg.Int("hash-max-listpack-entries"),
		MaxValue:   cfg.Int("hash-max-listpack-value"),
	}
}

// loadHash reads RDB_TYPE_HASH: a count, then each field and value.
// Redis refuses an empty hash and, when it checks payloads, a field that
// comes twice; Shoal always checks.
func loadHash(r *rdbReader) (*engine.Entry, error) {
	n, encoded, err := r.readLen()
	if err != nil || encoded || n == 0 {
		return nil, errBadRDB
	}
	lim := restoreHashLimits(r)
	h := hash.New()
	for range n {
		f, err := r.readString()
		if err != nil {
			return nil, err
		}
		v, err := r.readString()
		if err != nil {
			return nil, err
		}
		if !h.Set(f, v, lim) {
			return nil, errBadRDB
		}
	}
	return newHashEntry(h), nil
}

// loadHashListpack reads RDB_TYPE_HASH_LISTPACK: a listpack as an RDB
// string, checked entry by entry.
func loadHashListpack(r *rdbReader) (*engine.Entry, error) {
	lp, err := r.readString()
	if err != nil {
		return nil, err
	}
	h, err := hash.FromListpack(lp, restoreHashLimits(r))
	if err != nil {
		return nil, errBadRDB
	}
	return newHashEntry(h), nil
}

// loadHashZiplist reads RDB_TYPE_HASH_ZIPLIST, converting it to a
// listpack.
func loadHashZiplist(r *rdbReader) (*engine.Entry, error) {
	zl, err := r.readString()
	if err != nil {
		return nil, err
	}
	h, err := hash.FromZiplist(zl, restoreHashLimits(r))
	if err != nil {
		return nil, errBadRDB
	}
	return newHashEntry(h), nil
}

// init registers the hash loaders and the key flags of the hash commands
// that are not their default ones (keyspecs.go); both tables are static,
// the same for every node.
func init() {
	rdbLoaders[rdbTypeHash] = loadHash
	rdbLoaders[rdbTypeHashListpack] = loadHashListpack
	rdbLoaders[rdbTypeHashZiplist] = loadHashZiplist
	for _, g := range []struct{ flags, names string }{
		{"RO", "hexists hlen hstrlen"},
		{"RW insert", "hsetnx"},
		{"RW delete", "hdel"},
		{"RW access update", "hincrby hincrbyfloat"},
	} {
		for _, name := range strings.Fields(g.names) {
			keyFlagsByName[name] = strings.Fields(g.flags)
		}
	}
}
