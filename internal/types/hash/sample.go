package hash

import "math/rand/v2"

// sampleSubStrategyMul is Redis's HRANDFIELD_SUB_STRATEGY_MUL: when the
// sample is more than a third of the hash, it is drawn by shuffling
// instead of by picking and retrying.
const sampleSubStrategyMul = 3

// Sample calls fn count times with a field picked at random and its value.
// With distinct set, the count fields are all different (count must be
// below Len) and come in random order; otherwise they are independent
// picks, repeats included, as HRANDFIELD with a negative count.
func (h *Hash) Sample(count int, distinct bool, fn func(f, v Elem)) {
	n := h.Len()
	at := h.pairAt()
	switch {
	case !distinct:
		for range count {
			fn(at(rand.IntN(n)))
		}
	case count*sampleSubStrategyMul > n:
		// A partial Fisher-Yates shuffle of the indexes.
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		for i := range count {
			j := i + rand.IntN(n-i)
			idx[i], idx[j] = idx[j], idx[i]
			fn(at(int(idx[i])))
		}
	default:
		seen := make(map[int]struct{}, count)
		for len(seen) < count {
			i := rand.IntN(n)
			if _, dup := seen[i]; dup {
				continue
			}
			seen[i] = struct{}{}
			fn(at(i))
		}
	}
}
