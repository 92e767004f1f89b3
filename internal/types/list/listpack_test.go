package list

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// TestEntryEncoding checks entries byte for byte against Redis's listpack
// encodings: integers in the smallest width, strings by length class, and
// back-lengths of one and two bytes.
func TestEntryEncoding(t *testing.T) {
	long64 := strings.Repeat("x", 64)
	long4096 := strings.Repeat("y", 4096)
	tests := []struct {
		in   string
		want string // hex
	}{
		{"0", "0001"},
		{"127", "7f01"},
		{"128", "c08002"},
		{"-1", "dfff02"},
		{"4095", "cfff02"},
		{"-4096", "d00002"},
		{"4096", "f1001003"},
		{"-4097", "f1ffef03"},
		{"32768", "f2008000" + "04"},
		{"-8388608", "f2000080" + "04"},
		{"8388608", "f3" + "00008000" + "05"},
		{"2147483647", "f3" + "ffffff7f" + "05"},
		{"2147483648", "f4" + "0000008000000000" + "09"},
		{"-9223372036854775808", "f4" + "0000000000000080" + "09"},
		{"9223372036854775807", "f4" + "ffffffffffffff7f" + "09"},
		// Not canonical integers: strings.
		{"9223372036854775808", "93" + hex.EncodeToString([]byte("9223372036854775808")) + "14"},
		{"-0", "822d3003"},
		{"007", "83303037" + "04"},
		{"+1", "822b3103"},
		{"", "8001"},
		{"a", "816102"},
		{long64, "e040" + hex.EncodeToString([]byte(long64)) + "42"},
		{long4096, "f000100000" + hex.EncodeToString([]byte(long4096)) + "2085"},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 20 {
			name = name[:1] + "×" + strconv.Itoa(len(name))
		}
		t.Run(name, func(t *testing.T) {
			buf := make([]byte, entrySize([]byte(tt.in)))
			putEntry(buf, []byte(tt.in))
			if got := hex.EncodeToString(buf); got != tt.want {
				t.Fatalf("entry %s, want %s", got, tt.want)
			}
			lp := append(append(newListpack(0)[:hdrSize], buf...), eofByte)
			setHeader(lp, 1)
			if n, err := validate(lp); n != 1 || err != nil {
				t.Fatalf("validate: %d, %v", n, err)
			}
			v, next := readEntry(lp, hdrSize)
			if got := string(v.Append(nil)); got != tt.in || next != len(lp)-1 {
				t.Fatalf("read back %q (next %d), want %q (next %d)", got, next, tt.in, len(lp)-1)
			}
			if p := prevEntry(lp, len(lp)-1); p != hdrSize {
				t.Fatalf("prevEntry = %d, want %d", p, hdrSize)
			}
			if !v.Equal([]byte(tt.in)) {
				t.Fatalf("Equal(%q) is false", tt.in)
			}
		})
	}
}

func TestBacklen(t *testing.T) {
	for _, tt := range []struct {
		l    int
		want string
	}{
		{1, "01"}, {127, "7f"}, {128, "0180"}, {16382, "7ffe"}, {16383, "00ffff"}, {2097150, "7ffffe"},
		{2097151, "00ffffff"}, {268435455, "00ffffffff"},
	} {
		buf := make([]byte, backlenSize(tt.l))
		putBacklen(buf, tt.l)
		if got := hex.EncodeToString(buf); got != tt.want {
			t.Errorf("backlen(%d) = %s, want %s", tt.l, got, tt.want)
		}
		if !backlenIs(buf, tt.l) {
			t.Errorf("backlenIs(%s, %d) is false", tt.want, tt.l)
		}
		// prevEntry reads it backwards: an entry of l bytes before it. (At
		// 16383, 2097151 and 268435455 Redis takes one byte more than it
		// needs, a leading zero: its limits are off by one.)
		if tt.l > 1<<22 {
			continue
		}
		lp := append(make([]byte, tt.l), buf...)
		if p := prevEntry(lp, len(lp)); p != 0 {
			t.Errorf("prevEntry over backlen(%d) = %d, want 0", tt.l, p)
		}
	}
}

func TestValueEqual(t *testing.T) {
	for _, tt := range []struct {
		elem, arg string
		want      bool
	}{
		{"10", "10", true}, {"10", "010", false}, {"10", "+10", false}, {"010", "10", false},
		{"abc", "abc", true}, {"abc", "abd", false}, {"-5", "-5", true}, {"0", "-0", false}, {"", "", true},
	} {
		lp := newListpack(0)
		nd := node{lp: lp}
		nd.insert(0, []byte(tt.elem))
		if got := nd.at(0).Equal([]byte(tt.arg)); got != tt.want {
			t.Errorf("%q equal %q = %v, want %v", tt.elem, tt.arg, got, tt.want)
		}
	}
}

// TestValidate rejects malformed listpacks and accepts a count of 65535.
func TestValidate(t *testing.T) {
	good := func() []byte {
		nd := node{lp: newListpack(0)}
		nd.insert(0, []byte("a"))
		nd.insert(1, []byte("12345"))
		return nd.lp
	}
	tests := []struct {
		name   string
		mangle func([]byte) []byte
		n      int // -1: invalid
	}{
		{"good", func(b []byte) []byte { return b }, 2},
		{"unknown count", func(b []byte) []byte { b[4], b[5] = 0xff, 0xff; return b }, 2},
		{"wrong count", func(b []byte) []byte { b[4] = 3; return b }, -1},
		{"wrong total", func(b []byte) []byte { b[0]++; return b }, -1},
		{"no eof", func(b []byte) []byte { b[len(b)-1] = 0; return b }, -1},
		{"short", func(b []byte) []byte { return b[:5] }, -1},
		{"bad backlen", func(b []byte) []byte { b[hdrSize+2] = 9; return b }, -1},
		{"bad encoding", func(b []byte) []byte { b[hdrSize] = 0xf7; return b }, -1},
		{"string past end", func(b []byte) []byte { b[hdrSize] = 0x8f; return b }, -1},
		{"eof inside", func(b []byte) []byte { b[hdrSize] = eofByte; return b }, -1},
	}
	for _, tt := range tests {
		n, err := validate(tt.mangle(good()))
		if tt.n < 0 && err == nil || tt.n >= 0 && (err != nil || n != tt.n) {
			t.Errorf("%s: validate = %d, %v; want %d", tt.name, n, err, tt.n)
		}
	}
	if !bytes.Equal(good()[:4], []byte{byte(len(good())), 0, 0, 0}) {
		t.Error("header total is not the size")
	}
}
