package loadgen

import (
	"bytes"
	"compress/flate"
	"math/rand/v2"
	"testing"
)

func TestValueSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	fixed := newValuePool(ValueSize{100, 100}, 1)
	for range 1000 {
		if n := len(fixed.pick(r)); n != 100 {
			t.Fatalf("fixed size 100 gave %d bytes", n)
		}
	}
	ranged := newValuePool(ValueSize{10, 20}, 1)
	seen := map[int]bool{}
	for range 5000 {
		n := len(ranged.pick(r))
		if n < 10 || n > 20 {
			t.Fatalf("range 10-20 gave %d bytes", n)
		}
		seen[n] = true
	}
	if len(seen) != 11 {
		t.Errorf("range 10-20 gave %d distinct sizes, want all 11", len(seen))
	}
	if n := len(newValuePool(ValueSize{0, 0}, 1).pick(r)); n != 0 {
		t.Errorf("size 0 gave %d bytes", n)
	}
}

// TestValuesIncompressible checks values are random bytes: a compressing
// server or link must not make a run look faster than the data allows.
func TestValuesIncompressible(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	p := newValuePool(ValueSize{4096, 4096}, 7)
	var all bytes.Buffer
	for range 16 {
		v := p.pick(r)
		if ratio := compressRatio(v); ratio < 0.99 {
			t.Errorf("a value compresses to %.2f of its size; want random bytes", ratio)
		}
		all.Write(v)
	}
	// Values start at random offsets in a 1 MiB pool, so a run of them
	// shares few bytes either.
	if ratio := compressRatio(all.Bytes()); ratio < 0.9 {
		t.Errorf("16 values compress to %.2f of their size", ratio)
	}
}

func compressRatio(b []byte) float64 {
	var packed bytes.Buffer
	w, _ := flate.NewWriter(&packed, flate.BestCompression)
	w.Write(b)
	w.Close()
	return float64(packed.Len()) / float64(len(b))
}

// TestValuePoolSeeded checks that a seed gives the same values, for runs
// that must be repeatable.
func TestValuePoolSeeded(t *testing.T) {
	a, b := newValuePool(ValueSize{1, 100}, 9), newValuePool(ValueSize{1, 100}, 9)
	if !bytes.Equal(a.bytes, b.bytes) {
		t.Errorf("same seed, different pools")
	}
	if c := newValuePool(ValueSize{1, 100}, 10); bytes.Equal(a.bytes, c.bytes) {
		t.Errorf("different seeds, same pool")
	}
}
