package command

import (
	"encoding/binary"

	"github.com/shoal-cache/shoal/internal/engine"
	disk "github.com/shoal-cache/shoal/internal/persist"
)

// The RDB codec a snapshot file uses, built on DUMP's (dump.go): the same
// value encodings, with the key and its expiry around them, and a reader
// that decodes items from a file window instead of one payload.

// AppendRDBKey appends key as an RDB file holds it: EXPIRETIME_MS when it
// has a TTL, the value's type byte, the key as an RDB string, the value.
// A value with no RDB encoding is left out. It is the engine.EncodeFunc
// of snapshots.
func AppendRDBKey(dst, key []byte, e *engine.Entry) []byte {
	start := len(dst)
	if at := e.ExpireAt(); at != 0 {
		dst = binary.LittleEndian.AppendUint64(append(dst, disk.OpExpireTimeMs), uint64(at))
	}
	typePos := len(dst)
	dst = appendRDBString(append(dst, rdbTypeString), key)
	switch obj := e.Obj.(type) {
	case nil:
		if e.Kind != engine.KindString {
			return dst[:start]
		}
		return appendRDBString(dst, e.Str)
	case rdbEncoder:
		typ, out := obj.AppendRDB(dst)
		out[typePos] = typ
		return out
	}
	return dst[:start]
}

// rdbItems decodes a snapshot file item by item from a disk.Source:
// each parse runs on the bytes buffered, and when it runs out of them
// (a value longer than the window) it runs again on a window twice as
// long, until the item fits or the file ends. An item's length is never
// known before it is parsed, which is why the window grows rather than
// the parser waiting for bytes.
type rdbItems struct {
	src *disk.Source
	r   rdbReader
}

// minWindow is the window a parse starts with.
const minWindow = 64 << 10

// parse runs fn on the window and consumes what it read. A parse that
// ran out of bytes runs again on a window twice as long, unless the window
// already held the rest of the file: then the file is truncated. Any other
// failure is corrupt data.
func (it *rdbItems) parse(fn func(r *rdbReader) error) error {
	want := minWindow
	for {
		win := it.src.Window(want)
		it.r.b, it.r.short = win, false
		err := fn(&it.r)
		switch {
		case err == nil:
			it.src.Consume(len(win) - len(it.r.b))
			return nil
		case !it.r.short:
			return err
		case len(win) < want:
			if it.src.Err() != nil {
				return it.src.Err()
			}
			return disk.ErrTruncated
		}
		want = 2 * len(win)
	}
}

// byte reads one byte.
func (r *rdbReader) byte() (byte, error) {
	b, err := r.next(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// plainLen reads a length that must not be a special encoding.
func (r *rdbReader) plainLen() (uint64, error) {
	n, encoded, err := r.readLen()
	if err == nil && encoded {
		err = errBadRDB
	}
	return n, err
}
