package hash

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseInt64(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"-7", -7, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"-0", 0, false},
		{"00", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"1a", 0, false},
		{"123456789012345678901", 0, false},
	} {
		got, ok := parseInt64([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseInt64(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestListpackEntryBytes checks single entries against the bytes Redis
// 7.0 writes (listpack.c), at each encoding's bounds.
func TestListpackEntryBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
	}{
		{"0", []byte{0x00, 0x01}},
		{"127", []byte{0x7f, 0x01}},
		{"128", []byte{0xc0, 0x80, 0x02}},
		{"-1", []byte{0xdf, 0xff, 0x02}},
		{"-5", []byte{0xdf, 0xfb, 0x02}},
		{"300", []byte{0xc1, 0x2c, 0x02}},
		{"4095", []byte{0xcf, 0xff, 0x02}},
		{"-4096", []byte{0xd0, 0x00, 0x02}},
		{"4096", []byte{0xf1, 0x00, 0x10, 0x03}},
		{"-32768", []byte{0xf1, 0x00, 0x80, 0x03}},
		{"32768", []byte{0xf2, 0x00, 0x80, 0x00, 0x04}},
		{"70000", []byte{0xf2, 0x70, 0x11, 0x01, 0x04}},
		{"8388608", []byte{0xf3, 0x00, 0x00, 0x80, 0x00, 0x05}},
		{"9000000000", []byte{0xf4, 0x00, 0x1a, 0x71, 0x18, 0x02, 0x00, 0x00, 0x00, 0x09}},
		{"", []byte{0x80, 0x01}},
		{"a", []byte{0x81, 'a', 0x02}},
		{"010", []byte{0x83, '0', '1', '0', 0x04}},
	} {
		got := lpAppendEntry(nil, []byte(tc.in))
		if !bytes.Equal(got, tc.want) {
			t.Errorf("entry %q = % x, want % x", tc.in, got, tc.want)
		}
		if n := lpEntrySize([]byte(tc.in)); n != len(got) {
			t.Errorf("lpEntrySize(%q) = %d, wrote %d", tc.in, n, len(got))
		}
	}
}

// TestListpackRoundTrip decodes what was encoded, strings and integers at
// every encoding and backlen bound, and validates the whole.
func TestListpackRoundTrip(t *testing.T) {
	var ins []string
	for _, n := range []int64{0, 127, 128, -1, 4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769,
		1<<23 - 1, 1 << 23, -1 << 23, -1<<23 - 1, math.MaxInt32, math.MaxInt32 + 1, math.MinInt32,
		math.MinInt32 - 1, math.MaxInt64, math.MinInt64} {
		ins = append(ins, strconv.FormatInt(n, 10))
	}
	for _, n := range []int{0, 1, 63, 64, 125, 126, 127, 4095, 4096, 16380, 16381, 16382, 20000} {
		ins = append(ins, strings.Repeat("x", n))
	}
	lp := lpEmpty()[:lpHeaderSize]
	for _, s := range ins {
		lp = lpAppendEntry(lp, []byte(s))
	}
	lp = append(lp, lpEOF)
	lpSetHeader(lp, len(ins))
	if n, err := lpValidate(lp); err != nil || n != len(ins) {
		t.Fatalf("lpValidate = %d, %v; want %d entries", n, err, len(ins))
	}
	p := lpHeaderSize
	for _, want := range ins {
		var e Elem
		e, p = lpElem(lp, p)
		if got := e.String(); got != want {
			t.Fatalf("decoded %.20q, want %.20q", got, want)
		}
		if e.Len() != len(want) {
			t.Fatalf("Len of %.20q = %d", want, e.Len())
		}
	}
	if lp[p] != lpEOF {
		t.Fatalf("no end marker after the entries")
	}
}

// TestListpackMatchesRedis builds, field by field, the hash whose DUMP
// Redis 7.0 gave in testdata (integers at every bound, strings that are
// not canonical integers, every string and backlen size), and compares
// the bytes.
func TestListpackMatchesRedis(t *testing.T) {
	want, err := os.ReadFile("testdata/redis70-listpack.bin")
	if err != nil {
		t.Fatal(err)
	}
	vals := []string{"127", "128", "-1", "-4096", "-4097", "4095", "4096", "32767", "32768", "-32768", "-32769",
		"8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648", "-2147483648", "-2147483649",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "00", "+1", " 1", "1 ", ""}
	h := New()
	lim := Limits{MaxEntries: 512, MaxValue: 100000}
	for i, v := range vals {
		h.Set([]byte("f"+strconv.Itoa(i)), []byte(v), lim)
	}
	for _, kv := range [][2]string{{"s63", strings.Repeat("x", 63)}, {"s64", strings.Repeat("y", 64)},
		{"s4095", strings.Repeat("z", 4095)}, {"s4096", strings.Repeat("w", 4096)}, {"s125", strings.Repeat("q", 125)},
		{"s126", strings.Repeat("r", 126)}, {"s16380", strings.Repeat("t", 16380)}, {"s16381", strings.Repeat("u", 16381)}} {
		h.Set([]byte(kv[0]), []byte(kv[1]), lim)
	}
	if got := h.Listpack(); !bytes.Equal(got, want) {
		t.Fatalf("listpack differs from Redis's: %d bytes, want %d", len(got), len(want))
	}
	g, err := FromListpack(want, lim)
	if err != nil {
		t.Fatalf("FromListpack(Redis's): %v", err)
	}
	for i, v := range vals {
		if got, ok := g.Get([]byte("f" + strconv.Itoa(i))); !ok || got.String() != v {
			t.Errorf("f%d = %q, %v; want %q", i, got.String(), ok, v)
		}
	}
}

func TestListpackValidateRejects(t *testing.T) {
	good := New()
	lim := Limits{MaxEntries: 128, MaxValue: 64}
	good.Set([]byte("a"), []byte("hello"), lim)
	good.Set([]byte("b"), []byte("300"), lim)
	lp := good.Listpack()
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), lp...)) }
	for name, b := range map[string][]byte{
		"empty":          nil,
		"short":          lp[:5],
		"truncated":      mutate(func(b []byte) []byte { b = b[:len(b)-2]; return append(b, lpEOF) }),
		"no end marker":  mutate(func(b []byte) []byte { b[len(b)-1] = 0; return b }),
		"size mismatch":  mutate(func(b []byte) []byte { b[0]++; return b }),
		"count mismatch": mutate(func(b []byte) []byte { b[4] = 3; return b }),
		"bad backlen":    mutate(func(b []byte) []byte { b[lpHeaderSize+2]++; return b }),
		"bad encoding":   mutate(func(b []byte) []byte { b[lpHeaderSize] = 0xf5; return b }),
		"long string": mutate(func(b []byte) []byte {
			b[lpHeaderSize] = lp6BitStr | 60
			return b
		}),
		"odd count":  {lpHeaderSize + 3, 0, 0, 0, 1, 0, 0x01, 0x01, lpEOF},
		"no entries": lpEmpty(),
		"duplicate": func() []byte {
			b := lpEmpty()[:lpHeaderSize]
			for _, s := range []string{"12", "x", "12", "y"} {
				b = lpAppendEntry(b, []byte(s))
			}
			b = append(b, lpEOF)
			lpSetHeader(b, 4)
			return b
		}(),
		"duplicate int and string": func() []byte {
			b := lpEmpty()[:lpHeaderSize]
			b = lpAppendEntry(b, []byte("12"))
			b = lpAppendEntry(b, []byte("x"))
			b = lpAppendStr(b, []byte("12"))
			b = lpAppendBacklen(b, 3)
			b = lpAppendEntry(b, []byte("y"))
			b = append(b, lpEOF)
			lpSetHeader(b, 4)
			return b
		}(),
	} {
		if _, err := FromListpack(b, lim); err == nil {
			t.Errorf("%s: FromListpack accepted % x", name, b)
		}
	}
	if _, err := FromListpack(lp, lim); err != nil {
		t.Fatalf("FromListpack refused a good listpack: %v", err)
	}
}

func FuzzFromListpack(f *testing.F) {
	h := New()
	lim := Limits{MaxEntries: 128, MaxValue: 64}
	for _, kv := range [][2]string{{"a", "1"}, {"bb", "hello"}, {"-5", "70000"}} {
		h.Set([]byte(kv[0]), []byte(kv[1]), lim)
	}
	f.Add(h.Listpack())
	f.Add(lpEmpty())
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := FromListpack(b, lim)
		if err != nil {
			return
		}
		n := 0
		for f, v := range g.All() {
			n++
			if got, ok := g.Get(f.Append(nil)); !ok || got.String() != v.String() {
				t.Fatalf("field %q: Get = %q, %v; iteration gave %q", f.String(), got.String(), ok, v.String())
			}
		}
		if n != g.Len() {
			t.Fatalf("iterated %d fields, Len %d", n, g.Len())
		}
	})
}
