package loadgen

import (
	"encoding/binary"
	"math/rand/v2"
)

// poolSlack is how much larger than the largest value the random pool is,
// so values start at many different offsets and consecutive SETs rarely
// share bytes (which a compressing link could exploit).
const poolSlack = 1 << 20

// valuePool is one read-only block of random bytes that every client slices
// its values from: random so that a server or link that compresses cannot
// make the run look better than it is, and shared so that SETs cost no
// allocation or fill.
type valuePool struct {
	size  ValueSize
	bytes []byte
}

func newValuePool(size ValueSize, seed uint64) *valuePool {
	r := rand.New(rand.NewPCG(seed, 0x76616c756573)) // "values"
	b := make([]byte, size.Max+poolSlack)
	for i := 0; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	for i := len(b) &^ 7; i < len(b); i++ {
		b[i] = byte(r.Uint32())
	}
	return &valuePool{size: size, bytes: b}
}

// pick returns a value of a random size in the configured range, starting
// at a random offset. Callers must not modify it.
func (p *valuePool) pick(r *rand.Rand) []byte {
	n := p.size.Min
	if p.size.Max > p.size.Min {
		n += r.IntN(p.size.Max - p.size.Min + 1)
	}
	off := r.IntN(len(p.bytes) - n + 1)
	return p.bytes[off : off+n : off+n]
}
