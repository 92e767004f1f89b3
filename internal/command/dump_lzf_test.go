package command

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRedisCRC64(t *testing.T) {
	// The check value of CRC-64/Jones as Redis computes it (crc64.c's test).
	if got := redisCRC64([]byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Errorf("crc64(123456789) = %#x", got)
	}
}

func TestRDBLenRoundTrip(t *testing.T) {
	cases := []struct {
		n    uint64
		size int
	}{
		{0, 1}, {63, 1}, {64, 2}, {16383, 2}, {16384, 5},
		{math.MaxUint32, 5}, {math.MaxUint32 + 1, 9}, {math.MaxUint64, 9},
	}
	for _, tc := range cases {
		b := appendRDBLen(nil, tc.n)
		if len(b) != tc.size {
			t.Errorf("%d encodes in %d bytes, want %d", tc.n, len(b), tc.size)
		}
		r := &rdbReader{b: b}
		n, enc, err := r.readLen()
		if err != nil || enc || n != tc.n || len(r.b) != 0 {
			t.Errorf("%d reads back as %d, %v, %v", tc.n, n, enc, err)
		}
	}
}

func TestRDBStringRoundTrip(t *testing.T) {
	values := []string{
		"", "0", "-1", "127", "-128", "128", "32767", "-32769", "2147483647", "-2147483648",
		"2147483648", "012", "-0", "+1", "hello", strings.Repeat("ab", 100),
		strings.Repeat("x", 20), strings.Repeat("x", 21), strings.Repeat("x", 20000),
	}
	for _, v := range values {
		b := appendRDBString(nil, []byte(v))
		r := &rdbReader{b: b}
		got, err := r.readString()
		if err != nil || string(got) != v || len(r.b) != 0 {
			t.Errorf("%.30q reads back as %.30q, %v (%d bytes left)", v, got, err, len(r.b))
		}
	}
}

func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		n := 3 + rng.IntN(3000)
		alphabet := 1 + rng.IntN(255)
		in := make([]byte, n)
		for j := range in {
			in[j] = byte(rng.IntN(alphabet))
		}
		// Room for the worst case: a length byte per 32 literals, and
		// the compressor's conservative checks near the end.
		c := lzfCompress(in, lzfRoom(n))
		if c == nil {
			t.Fatalf("case %d: %d bytes did not compress into %d", i, n, lzfRoom(n))
		}
		out, ok := lzfDecompress(c, uint64(n))
		if !ok || !bytes.Equal(out, in) {
			t.Fatalf("case %d: round trip failed (alphabet %d, %d bytes)", i, alphabet, n)
		}
	}
}

func lzfRoom(n int) int { return n + n/16 + 16 }

func TestLZFGivesUpWhenItDoesNotSave(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	in := make([]byte, 1000)
	for i := range in {
		in[i] = byte(rng.Uint32())
	}
	if c := lzfCompress(in, len(in)-4); c != nil {
		t.Errorf("random bytes compressed to %d bytes", len(c))
	}
	if c := lzfCompress([]byte(strings.Repeat("a", 1000)), 20); c == nil || len(c) > 20 {
		t.Errorf("a run of 1000 bytes compressed to %d bytes", len(c))
	}
}

func TestLZFDecompressRejects(t *testing.T) {
	cases := []struct {
		name string
		in   string
		n    uint64
	}{
		{"reference before the start", "\x00a\x20\x05", 10},
		{"truncated literal run", "\x05ab", 6},
		{"truncated reference", "\x00a\x20", 4},
		{"truncated long reference", "\x00a\xe0", 20},
		{"too short", "\x01ab", 3},
		{"too long", "\x02abc", 2},
	}
	for _, tc := range cases {
		if out, ok := lzfDecompress([]byte(tc.in), tc.n); ok {
			t.Errorf("%s: accepted, gave %q", tc.name, out)
		}
	}
	// Redis compares liblzf's result, 0 on error, with the length: a
	// zero length always passes.
	if out, ok := lzfDecompress([]byte("\x05garbage"), 0); !ok || len(out) != 0 {
		t.Errorf("zero length: %q, %v", out, ok)
	}
}

func FuzzDecodePayload(f *testing.F) {
	f.Add([]byte("\x00\x05hello\x0a\x00cr\xdfve4 \x0a"))
	f.Add([]byte("\x00\xc3\x09@[\x01aa\xe0N\x00\x01aa\x0a\x00\xfb\xd9!r\xf1\xc7b7"))
	f.Add(make([]byte, 10))
	f.Fuzz(func(t *testing.T, p []byte) {
		e, msg := decodePayload(p, nil)
		if (e == nil) == (msg == "") {
			t.Fatalf("entry %v with error %q", e, msg)
		}
		if e != nil {
			// Whatever loads dumps to a payload that loads to the same.
			p2, ok := dumpPayload(e)
			if !ok {
				t.Fatal("cannot dump what was restored")
			}
			e2, msg := decodePayload(p2, nil)
			if msg != "" || !bytes.Equal(e2.Str, e.Str) {
				t.Fatalf("re-dump of %q does not round-trip: %q", e.Str, msg)
			}
		}
	})
}

func FuzzLZF(f *testing.F) {
	f.Add([]byte("hello hello hello hello"), uint16(30))
	f.Add([]byte(strings.Repeat("a", 300)), uint16(300))
	f.Fuzz(func(t *testing.T, in []byte, n uint16) {
		lzfDecompress(in, uint64(n)) // must not panic
		c := lzfCompress(in, lzfRoom(len(in)))
		if c == nil {
			if len(in) >= 3 {
				t.Fatalf("%d bytes did not fit in %d", len(in), lzfRoom(len(in)))
			}
			return
		}
		out, ok := lzfDecompress(c, uint64(len(in)))
		if !ok || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %q failed", in)
		}
	})
}
