package hash

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
)

// zlStr and zlInt are ziplist entry bodies (encoding and data).
func zlStr(s string) []byte {
	n := len(s)
	switch {
	case n < 64:
		return append([]byte{byte(n)}, s...)
	case n < 16384:
		return append([]byte{0x40 | byte(n>>8), byte(n)}, s...)
	}
	return append(binary.BigEndian.AppendUint32([]byte{0x80}, uint32(n)), s...)
}

func zlIntEntry(enc byte, v int64) []byte {
	b := []byte{enc}
	switch enc {
	case 0xFE:
		return append(b, byte(v))
	case 0xC0:
		return binary.LittleEndian.AppendUint16(b, uint16(v))
	case 0xF0:
		u := uint32(v)
		return append(b, byte(u), byte(u>>8), byte(u>>16))
	case 0xD0:
		return binary.LittleEndian.AppendUint32(b, uint32(v))
	case 0xE0:
		return binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return []byte{0xF1 + byte(v)} // 0..12 in the encoding byte
}

// buildZiplist lays out entry bodies as Redis 6 does, with prevlen
// fields, the tail offset and the count.
func buildZiplist(bodies [][]byte) []byte {
	zl := make([]byte, zlHeaderSize)
	prev, tail := 0, zlHeaderSize
	for _, b := range bodies {
		tail = len(zl)
		if prev < 254 {
			zl = append(zl, byte(prev))
		} else {
			zl = binary.LittleEndian.AppendUint32(append(zl, zlBigPrevLen), uint32(prev))
		}
		zl = append(zl, b...)
		prev = len(zl) - tail
	}
	zl = append(zl, zlEnd)
	binary.LittleEndian.PutUint32(zl, uint32(len(zl)))
	binary.LittleEndian.PutUint32(zl[4:], uint32(tail))
	binary.LittleEndian.PutUint16(zl[8:], uint16(len(bodies)))
	return zl
}

// TestFromZiplist reads every entry encoding and checks that the result
// is the listpack the same fields make (which redis-server 7.0 confirms:
// it dumps a restored ziplist byte for byte as Shoal does).
func TestFromZiplist(t *testing.T) {
	pairs := []struct {
		f    []byte
		v    []byte
		want [2]string
	}{
		{zlStr("a"), zlIntEntry(0xF1, 0), [2]string{"a", "0"}},
		{zlStr("b"), zlIntEntry(0xF1, 12), [2]string{"b", "12"}},
		{zlStr("c"), zlIntEntry(0xFE, -100), [2]string{"c", "-100"}},
		{zlStr("d"), zlIntEntry(0xC0, -30000), [2]string{"d", "-30000"}},
		{zlStr("e"), zlIntEntry(0xF0, -8000000), [2]string{"e", "-8000000"}},
		{zlStr("f"), zlIntEntry(0xD0, 2000000000), [2]string{"f", "2000000000"}},
		{zlStr("g"), zlIntEntry(0xE0, -1<<63), [2]string{"g", "-9223372036854775808"}},
		{zlIntEntry(0xC0, 500), zlStr("int field"), [2]string{"500", "int field"}},
		{zlStr(""), zlStr(strings.Repeat("x", 300)), [2]string{"", strings.Repeat("x", 300)}},
		{zlStr("big"), zlStr(strings.Repeat("y", 20000)), [2]string{"big", strings.Repeat("y", 20000)}},
		{zlStr("010"), zlStr("-0"), [2]string{"010", "-0"}},
	}
	var bodies [][]byte
	want := New()
	lim := Limits{MaxEntries: 512, MaxValue: 1 << 20}
	for _, p := range pairs {
		bodies = append(bodies, p.f, p.v)
		want.Set([]byte(p.want[0]), []byte(p.want[1]), lim)
	}
	zl := buildZiplist(bodies)
	h, err := FromZiplist(zl, Limits{MaxEntries: 512, MaxValue: 64})
	if err != nil {
		t.Fatalf("FromZiplist: %v", err)
	}
	if !bytes.Equal(h.Listpack(), want.Listpack()) {
		t.Errorf("converted listpack differs from the one Set builds")
	}
	if h, err := FromZiplist(zl, Limits{MaxEntries: 5, MaxValue: 64}); err != nil || h.Encoding() != "hashtable" || h.Len() != len(pairs) {
		t.Errorf("more fields than the limit: %v", err)
	}

	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), zl...)) }
	for name, b := range map[string][]byte{
		"size":      mutate(func(b []byte) []byte { b[0]++; return b }),
		"tail":      mutate(func(b []byte) []byte { b[4]++; return b }),
		"count":     mutate(func(b []byte) []byte { b[8]++; return b }),
		"prevlen":   mutate(func(b []byte) []byte { b[zlHeaderSize+3]++; return b }),
		"end":       mutate(func(b []byte) []byte { b[len(b)-1] = 0; return b }),
		"truncated": zl[:len(zl)/2],
		"encoding":  buildZiplist([][]byte{{0xC1, 0}, zlStr("v")}),
		"long str":  buildZiplist([][]byte{{0x3f, 'a'}, zlStr("v")}),
		"odd":       buildZiplist([][]byte{zlStr("a")}),
		"empty":     buildZiplist(nil),
		"dup":       buildZiplist([][]byte{zlIntEntry(0xF1, 5), zlStr("1"), zlStr("5"), zlStr("2")}),
	} {
		if _, err := FromZiplist(b, lim); err == nil {
			t.Errorf("%s: FromZiplist accepted a bad ziplist", name)
		}
	}
	unknown := mutate(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[8:], zlCountUnknown); return b })
	if _, err := FromZiplist(unknown, lim); err != nil {
		t.Errorf("count unknown: %v", err)
	}
}

func FuzzFromZiplist(f *testing.F) {
	f.Add(buildZiplist([][]byte{zlStr("a"), zlIntEntry(0xC0, 300), zlStr(strconv.Itoa(7)), zlStr("x")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := FromZiplist(b, Limits{MaxEntries: 128, MaxValue: 64})
		if err != nil {
			return
		}
		for f, v := range h.All() {
			if got, ok := h.Get(f.Append(nil)); !ok || got.String() != v.String() {
				t.Fatalf("field %q lost", f.String())
			}
		}
	})
}
