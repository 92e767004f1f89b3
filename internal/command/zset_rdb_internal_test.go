package command

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// payload frames an RDB value as DUMP does: type, value, version, CRC.
func payload(typ byte, value []byte) []byte {
	b := append([]byte{typ}, value...)
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	return binary.LittleEndian.AppendUint64(b, redisCRC64(b))
}

// zset2 encodes members and scores as RDB_TYPE_ZSET_2.
func zset2(pairs ...any) []byte {
	b := appendRDBLen(nil, uint64(len(pairs)/2))
	for i := 0; i < len(pairs); i += 2 {
		b = appendRDBString(b, []byte(pairs[i].(string)))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pairs[i+1].(float64)))
	}
	return b
}

func listpackOf(items ...zset.Item) []byte {
	return appendRDBString(nil, zset.Build(items, zset.Limits{MaxEntries: 1000, MaxValue: 1000}).AppendListpack(nil))
}

// TestZSetRestorePayloads checks what RESTORE makes of sorted set
// payloads, the malformed ones included, which Redis refuses as "Bad
// data format".
func TestZSetRestorePayloads(t *testing.T) {
	lp := zset.Build([]zset.Item{{Member: "a", Score: 1}, {Member: "b", Score: 2}}, zset.Limits{MaxEntries: 10, MaxValue: 10}).AppendListpack(nil)
	patched := func(f func(b []byte) []byte) []byte { return appendRDBString(nil, f(append([]byte(nil), lp...))) }
	many := make([]any, 0, 400)
	for i := range 200 {
		many = append(many, string(rune('a'+i%26))+string(rune('a'+i/26)), float64(i))
	}
	cases := []struct {
		name    string
		typ     byte
		value   []byte
		err     string
		members int
		enc     string
	}{
		{"zset2", rdbTypeZSet2, zset2("a", 1.0, "b", math.Inf(-1)), "", 2, "listpack"},
		{"zset2 large", rdbTypeZSet2, zset2(many...), "", 200, "skiplist"},
		{"zset2 long member", rdbTypeZSet2, zset2(string(make([]byte, 65)), 1.0), "", 1, "skiplist"},
		{"zset2 empty", rdbTypeZSet2, zset2(), errBadFormat, 0, ""},
		{"zset2 duplicate", rdbTypeZSet2, zset2("a", 1.0, "a", 2.0), errBadFormat, 0, ""},
		{"zset2 nan", rdbTypeZSet2, zset2("a", math.NaN()), errBadFormat, 0, ""},
		// Redis reads a value running into the footer from the footer's
		// bytes; one that runs past it is refused.
		{"zset2 truncated", rdbTypeZSet2, []byte{100, 1, 'a'}, errBadFormat, 0, ""},
		{"zset old", rdbTypeZSet, []byte{2, 1, 'a', 3, '1', '.', '5', 1, 'b', 254}, "", 2, "listpack"},
		{"zset old nan", rdbTypeZSet, []byte{1, 1, 'a', 253}, errBadFormat, 0, ""},
		{"listpack", rdbTypeZSetListpack, listpackOf(zset.Item{Member: "x", Score: 0.5}), "", 1, "listpack"},
		{"listpack long member", rdbTypeZSetListpack, listpackOf(zset.Item{Member: string(make([]byte, 100)), Score: 1}), "", 1, "listpack"},
		{"listpack too many", rdbTypeZSetListpack, listpackOf(func() []zset.Item {
			var items []zset.Item
			for i := range 129 {
				items = append(items, zset.Item{Member: string(rune(0x100 + i)), Score: 1})
			}
			return items
		}()...), "", 129, "skiplist"},
		{"listpack empty", rdbTypeZSetListpack, appendRDBString(nil, []byte{7, 0, 0, 0, 0, 0, 0xff}), errBadFormat, 0, ""},
		{"listpack odd count", rdbTypeZSetListpack, patched(func(b []byte) []byte {
			b = append(b[:len(b)-1], 0x01, 0x01, 0xff)
			binary.LittleEndian.PutUint32(b, uint32(len(b)))
			b[4]++
			return b
		}), errBadFormat, 0, ""},
		{"listpack wrong length", rdbTypeZSetListpack, patched(func(b []byte) []byte { b[0]++; return b }), errBadFormat, 0, ""},
		{"listpack wrong count", rdbTypeZSetListpack, patched(func(b []byte) []byte { b[4]++; return b }), errBadFormat, 0, ""},
		{"listpack bad backlen", rdbTypeZSetListpack, patched(func(b []byte) []byte { b[len(b)-2]++; return b }), errBadFormat, 0, ""},
		{"listpack no terminator", rdbTypeZSetListpack, patched(func(b []byte) []byte { b[len(b)-1] = 0; return b }), errBadFormat, 0, ""},
		{"listpack duplicate", rdbTypeZSetListpack, listpackDup(), errBadFormat, 0, ""},
	}
	for _, tc := range cases {
		e, msg := decodePayload(payload(tc.typ, tc.value), nil)
		if msg != tc.err {
			t.Errorf("%s: error %q, want %q", tc.name, msg, tc.err)
			continue
		}
		if msg != "" {
			continue
		}
		if e.Kind != engine.KindZSet {
			t.Fatalf("%s: kind %v", tc.name, e.Kind)
		}
		z := e.Obj.(*zsetValue)
		if z.set().Len() != tc.members || z.Encoding() != tc.enc {
			t.Errorf("%s: %d members, %s; want %d, %s", tc.name, z.set().Len(), z.Encoding(), tc.members, tc.enc)
		}
		// What is restored dumps back to the same set.
		back, msg := decodePayload(mustDump(t, e), nil)
		if msg != "" || back.Obj.(*zsetValue).set().Len() != tc.members {
			t.Errorf("%s: dump and restore again: %q", tc.name, msg)
		}
	}
}

// listpackDup is a listpack holding member "a" twice.
func listpackDup() []byte {
	lp := zset.Build([]zset.Item{{Member: "a", Score: 1}, {Member: "b", Score: 2}}, zset.Limits{MaxEntries: 10, MaxValue: 10}).AppendListpack(nil)
	// Entries: "a" is 0x81 'a' 0x02 at offset 6; "b" at offset 11.
	lp[12] = 'a'
	return appendRDBString(nil, lp)
}

func mustDump(t *testing.T, e *engine.Entry) []byte {
	t.Helper()
	p, ok := dumpPayload(e)
	if !ok {
		t.Fatal("no dump")
	}
	return p
}
