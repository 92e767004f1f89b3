package hash

// The listpack encoding is Redis's own, so DUMP and RESTORE move it as
// is (RDB_TYPE_HASH_LISTPACK).

// Listpack returns the hash's listpack, or nil once it is a hashtable.
// The bytes are the hash's own: read them, do not keep them.
func (h *Hash) Listpack() []byte {
	if h.t != nil {
		return nil
	}
	return h.lp
}

// FromListpack returns a hash holding a copy of lp, a listpack from an
// untrusted source: it must be well formed, hold an even number of
// entries, at least two, and no field twice. Like Redis 7.0's loader, it
// converts to a hashtable when there are more fields than
// lim.MaxEntries, but keeps long strings in the listpack.
func FromListpack(lp []byte, lim Limits) (*Hash, error) {
	n, err := lpValidate(lp)
	if err != nil || n == 0 || n%2 != 0 {
		return nil, ErrCorrupt
	}
	h := &Hash{lp: append(make([]byte, 0, roundCap(len(lp))), lp...)}
	lpSetHeader(h.lp, n)
	seen := make(map[string]struct{}, n/2)
	for f := range h.All() {
		s := f.String()
		if _, dup := seen[s]; dup {
			return nil, ErrCorrupt
		}
		seen[s] = struct{}{}
	}
	if int64(n/2) > lim.MaxEntries {
		h.convert()
	}
	return h, nil
}
