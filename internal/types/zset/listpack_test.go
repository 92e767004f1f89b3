package zset

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestListpackEntries checks entry encodings at their boundaries, as
// Redis's lpEncodeIntegerGetType, lpEncodeString and lpEncodeBacklen
// write them.
func TestListpackEntries(t *testing.T) {
	ints := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00, 0x01}},
		{127, []byte{0x7f, 0x01}},
		{128, []byte{0xc0, 0x80, 0x02}},
		{-1, []byte{0xdf, 0xff, 0x02}},
		{4095, []byte{0xcf, 0xff, 0x02}},
		{-4096, []byte{0xd0, 0x00, 0x02}},
		{4096, []byte{0xf1, 0x00, 0x10, 0x03}},
		{-32768, []byte{0xf1, 0x00, 0x80, 0x03}},
		{32768, []byte{0xf2, 0x00, 0x80, 0x00, 0x04}},
		{-8388608, []byte{0xf2, 0x00, 0x00, 0x80, 0x04}},
		{8388608, []byte{0xf3, 0x00, 0x00, 0x80, 0x00, 0x05}},
		{2147483648, []byte{0xf4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09}},
	}
	for _, tc := range ints {
		if got := lpAppendInt(nil, tc.v); !bytes.Equal(got, tc.want) {
			t.Errorf("int %d: % x, want % x", tc.v, got, tc.want)
		}
	}
	strs := []struct {
		s    string
		head []byte
		back []byte
	}{
		{"a", []byte{0x81}, []byte{0x02}},
		{"-0", []byte{0x82}, []byte{0x03}},
		{"01", []byte{0x82}, []byte{0x03}},
		{strings.Repeat("x", 63), []byte{0xbf}, []byte{0x40}},
		{strings.Repeat("x", 64), []byte{0xe0, 0x40}, []byte{0x42}},
		{strings.Repeat("x", 200), []byte{0xe0, 0xc8}, []byte{0x01, 0xca}},
		{strings.Repeat("x", 4096), []byte{0xf0, 0x00, 0x10, 0x00, 0x00}, []byte{0x20, 0x85}},
		{strings.Repeat("x", 16378), []byte{0xf0, 0xfa, 0x3f, 0x00, 0x00}, []byte{0x00, 0xff, 0xff}},
	}
	for _, tc := range strs {
		got := lpAppendString(nil, []byte(tc.s))
		want := slices.Concat(tc.head, []byte(tc.s), tc.back)
		if !bytes.Equal(got, want) {
			t.Errorf("string of %d: head % x tail % x, want % x ... % x", len(tc.s), got[:len(tc.head)], got[len(got)-len(tc.back):], tc.head, tc.back)
		}
	}
	if got := lpAppendString(nil, []byte("-42")); !bytes.Equal(got, lpAppendInt(nil, -42)) {
		t.Errorf("an integer string is not stored as an integer: % x", got)
	}
}

// TestListpackRoundTrip checks that a set's listpack, as Redis 7.0 dumps
// one, reads back as the same set.
func TestListpackRoundTrip(t *testing.T) {
	// Redis 7.0's listpack of {x: -5000, a: 1, bb: 2.5, 123: 100}.
	redis := []byte(" \x00\x00\x00\b\x00\x81x\x02\xf1x\xec\x03\x81a\x02\x01\x01\x82bb\x03\x832.5\x04{\x01d\x01\xff")
	items := []Item{{"a", 1}, {"bb", 2.5}, {"123", 100}, {"x", -5000}}
	z := Build(slices.Clone(items), Limits{MaxEntries: 128, MaxValue: 64})
	if got := z.AppendListpack(nil); !bytes.Equal(got, redis) {
		t.Fatalf("listpack\n% x\nwant\n% x", got, redis)
	}
	back, err := ParseListpack(redis)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(items, Compare)
	if !slices.Equal(back, items) {
		t.Fatalf("read back %v, want %v", back, items)
	}
	var many []Item
	for i := range 300 {
		many = append(many, Item{fmt.Sprint("m", i), float64(i) / 3})
	}
	big := Build(slices.Clone(many), Limits{MaxEntries: 1000, MaxValue: 64})
	back, err = ParseListpack(big.AppendListpack(nil))
	slices.SortFunc(many, Compare)
	if err != nil || !slices.Equal(back, many) {
		t.Fatalf("300 members: %v", err)
	}
}
