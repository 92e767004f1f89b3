package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// DefaultZipfS is the Zipf exponent `--key-dist zipf` uses: with 100,000
// keys (the default key space) the hottest 1 % of keys then take about 90 %
// of the requests. The share grows with the key count; docs/bench-tool.md
// has a table.
const DefaultZipfS = 1.27

// KeyDist is how a client draws the next key's index in [0, Keys).
type KeyDist struct {
	Zipf bool    // false: uniform
	S    float64 // Zipf exponent, > 1: P(rank k) is proportional to (1+k)^-S
}

// ParseKeyDist reads "uniform", "zipf" (with DefaultZipfS) or "zipf:S".
func ParseKeyDist(s string) (KeyDist, error) {
	name, arg, hasArg := strings.Cut(s, ":")
	switch {
	case name == "uniform" && !hasArg:
		return KeyDist{}, nil
	case name == "zipf" && !hasArg:
		return KeyDist{Zipf: true, S: DefaultZipfS}, nil
	case name == "zipf":
		exp, err := strconv.ParseFloat(arg, 64)
		if err != nil {
			return KeyDist{}, fmt.Errorf("key distribution %q: S must be a number, as in zipf:1.27", s)
		}
		d := KeyDist{Zipf: true, S: exp}
		return d, d.validate()
	}
	return KeyDist{}, fmt.Errorf("key distribution %q: want uniform, zipf or zipf:S", s)
}

func (d KeyDist) validate() error {
	if d.Zipf && !(d.S > 1 && d.S < 100) {
		return fmt.Errorf("zipf exponent %g: S must be greater than 1 (and sensible, under 100)", d.S)
	}
	return nil
}

// String gives the distribution the way ParseKeyDist reads it.
func (d KeyDist) String() string {
	if d.Zipf {
		return "zipf:" + strconv.FormatFloat(d.S, 'g', -1, 64)
	}
	return "uniform"
}

// keyPicker draws key indexes for one client; it is not safe for
// concurrent use, so each client has its own.
type keyPicker func() uint64

// newKeyPicker returns a picker over [0, keys) drawing from r. Under Zipf,
// index 0 is the hottest key; key names are hashed to shards and slots, so
// the hot keys still spread over the server.
func (d KeyDist) newKeyPicker(r *rand.Rand, keys int) keyPicker {
	n := uint64(keys)
	if !d.Zipf {
		return func() uint64 { return r.Uint64N(n) }
	}
	z := rand.NewZipf(r, d.S, 1, n-1)
	return z.Uint64
}

// appendKey appends the name of key i: prefix and a 12-digit index, the
// shape of redis-benchmark's key:000000000042, so the two tools' key spaces
// look alike.
func appendKey(b []byte, prefix string, i uint64) []byte {
	b = append(b, prefix...)
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], i, 10)
	for pad := 12 - len(d); pad > 0; pad-- {
		b = append(b, '0')
	}
	return append(b, d...)
}
