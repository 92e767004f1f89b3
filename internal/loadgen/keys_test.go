package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// hotShare is the exact share of draws that land on the hottest frac of n
// keys under P(rank k) proportional to (1+k)^-s, the law rand.Zipf follows
// with v = 1.
func hotShare(n int, s, frac float64) float64 {
	hot := int(float64(n) * frac)
	var all, top float64
	for k := range n {
		p := math.Pow(float64(1+k), -s)
		all += p
		if k < hot {
			top += p
		}
	}
	return top / all
}

// sampleHotShare draws from the picker and returns the share of draws that
// went to the most frequently drawn frac of the n keys.
func sampleHotShare(pick keyPicker, n, draws int, frac float64) float64 {
	counts := make([]int, n)
	for range draws {
		counts[pick()]++
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	top := 0
	for _, c := range counts[:int(float64(n)*frac)] {
		top += c
	}
	return float64(top) / float64(draws)
}

// TestZipfDefaultHotKeys checks the promise behind DefaultZipfS: with the
// default 100,000 keys, the hottest 1 % take about 90 % of the requests.
func TestZipfDefaultHotKeys(t *testing.T) {
	const keys = 100000
	if exact := hotShare(keys, DefaultZipfS, 0.01); math.Abs(exact-0.90) > 0.005 {
		t.Errorf("exact share of the top 1%% at S=%g: %.4f, want 0.90", DefaultZipfS, exact)
	}
	d, _ := ParseKeyDist("zipf")
	pick := d.newKeyPicker(rand.New(rand.NewPCG(1, 2)), keys)
	if got := sampleHotShare(pick, keys, 400000, 0.01); math.Abs(got-0.90) > 0.01 {
		t.Errorf("sampled share of the top 1%%: %.4f, want 0.90 +- 0.01", got)
	}
}

// TestZipfFollowsLaw compares sampled shares with the exact ones for
// another exponent and key count, and checks rank 0 is the hottest key.
func TestZipfFollowsLaw(t *testing.T) {
	const keys = 10000
	d := KeyDist{Zipf: true, S: 1.5}
	pick := d.newKeyPicker(rand.New(rand.NewPCG(3, 4)), keys)
	counts := make([]int, keys)
	const draws = 200000
	for range draws {
		k := pick()
		if k >= keys {
			t.Fatalf("key %d outside [0, %d)", k, keys)
		}
		counts[k]++
	}
	if slices.Max(counts) != counts[0] {
		t.Errorf("key 0 drawn %d times, but the most drawn key has %d", counts[0], slices.Max(counts))
	}
	for _, frac := range []float64{0.001, 0.01, 0.1} {
		want := hotShare(keys, 1.5, frac)
		top := 0
		for _, c := range counts[:int(keys*frac)] {
			top += c
		}
		if got := float64(top) / draws; math.Abs(got-want) > 0.01 {
			t.Errorf("share of the first %g of keys: %.4f, want %.4f", frac, got, want)
		}
	}
}

func TestUniformKeys(t *testing.T) {
	const keys, draws = 100, 100000
	pick := KeyDist{}.newKeyPicker(rand.New(rand.NewPCG(5, 6)), keys)
	counts := make([]int, keys)
	for range draws {
		counts[pick()]++
	}
	// Each key expects 1,000 draws (sd ~31); 850..1150 is nearly 5 sd.
	for k, c := range counts {
		if c < 850 || c > 1150 {
			t.Errorf("key %d drawn %d times of %d, want about %d", k, c, draws, draws/keys)
		}
	}
	if got := sampleHotShare(pick, keys, draws, 0.01); got > 0.02 {
		t.Errorf("top 1%% of uniform keys took %.3f of draws", got)
	}
}

func TestSingleKey(t *testing.T) {
	for _, d := range []KeyDist{{}, {Zipf: true, S: 2}} {
		pick := d.newKeyPicker(rand.New(rand.NewPCG(7, 8)), 1)
		for range 100 {
			if k := pick(); k != 0 {
				t.Fatalf("%v over 1 key drew %d", d, k)
			}
		}
	}
}

func TestAppendKey(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		i      uint64
		want   string
	}{
		{"key:", 0, "key:000000000000"},
		{"key:", 42, "key:000000000042"},
		{"k", 123456789012, "k123456789012"},
		{"", 1234567890123, "1234567890123"},
	} {
		if got := string(appendKey([]byte("junk")[:0], tc.prefix, tc.i)); got != tc.want {
			t.Errorf("appendKey(%q, %d) = %q, want %q", tc.prefix, tc.i, got, tc.want)
		}
	}
}
