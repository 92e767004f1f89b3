package zset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkTree verifies the tree's invariants: every leaf at the same depth,
// in order along the leaf list, within its keys' bounds; counts that add
// up; nodes other than the root at least a quarter full (but the last
// leaf, which an append past the end starts with one element); tallies.
func checkTree(t *testing.T, tr *btree) {
	t.Helper()
	var leaves []*leaf
	inners := 0
	var walk func(x *inner, d int, loS float64, loM string, hasLo bool, hiS float64, hiM string, hasHi bool) int
	walk = func(x *inner, d int, loS float64, loM string, hasLo bool, hiS float64, hiM string, hasHi bool) int {
		inners++
		if x.n < 1 || (x != tr.root && x.n < minInner) {
			t.Fatalf("inner node with %d children at depth %d", x.n, d)
		}
		total := 0
		for i := range x.n {
			cLoS, cLoM, cHasLo := loS, loM, hasLo
			if i > 0 {
				cLoS, cLoM, cHasLo = x.scores[i], x.members[i], true
				if i > 1 && !lessKey(x.scores[i-1], x.members[i-1], x.scores[i], x.members[i]) {
					t.Fatalf("keys out of order at depth %d", d)
				}
			}
			cHiS, cHiM, cHasHi := hiS, hiM, hasHi
			if i+1 < x.n {
				cHiS, cHiM, cHasHi = x.scores[i+1], x.members[i+1], true
			}
			var n int
			if d == tr.height-1 {
				lf := x.leaves[i]
				if x.inners[i] != nil || lf == nil {
					t.Fatalf("leaf level %d: child %d not a leaf", d, i)
				}
				if lf.n < 0 || lf.n > leafCap || (tr.length > 0 && lf.n == 0) || (tr.leaves > 1 && lf.n < minLeaf && lf != tr.last) {
					t.Fatalf("leaf of %d elements (%d leaves)", lf.n, tr.leaves)
				}
				for j := range lf.n {
					s, m := lf.scores[j], lf.members[j]
					if cHasLo && lessKey(s, m, cLoS, cLoM) || cHasHi && !lessKey(s, m, cHiS, cHiM) {
						t.Fatalf("element %q %v out of its leaf's bounds", m, s)
					}
				}
				leaves = append(leaves, lf)
				n = lf.n
			} else {
				if x.leaves[i] != nil || x.inners[i] == nil {
					t.Fatalf("inner level %d: child %d not an inner node", d, i)
				}
				n = walk(x.inners[i], d+1, cLoS, cLoM, cHasLo, cHiS, cHiM, cHasHi)
			}
			if x.counts[i] != n {
				t.Fatalf("depth %d child %d: count %d, holds %d", d, i, x.counts[i], n)
			}
			total += n
		}
		return total
	}
	if n := walk(tr.root, 0, 0, "", false, 0, "", false); n != tr.length {
		t.Fatalf("tree holds %d, length %d", n, tr.length)
	}
	if inners != tr.inners || len(leaves) != tr.leaves {
		t.Fatalf("%d inner nodes and %d leaves, tallied %d and %d", inners, len(leaves), tr.inners, tr.leaves)
	}
	if tr.first != leaves[0] || tr.last != leaves[len(leaves)-1] {
		t.Fatal("first or last leaf wrong")
	}
	for i, lf := range leaves {
		var prev, next *leaf
		if i > 0 {
			prev = leaves[i-1]
		}
		if i+1 < len(leaves) {
			next = leaves[i+1]
		}
		if lf.prev != prev || lf.next != next {
			t.Fatalf("leaf %d: list links wrong", i)
		}
	}
}

// TestTreeRandom grows a large set, changes scores and removes members
// at random, then shrinks it to nothing, checking the tree's invariants
// and, now and then, every read against the model.
func TestTreeRandom(t *testing.T) {
	for _, size := range []int{300, 5000, 30000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, uint64(size)))
			lim := Limits{MaxEntries: 0, MaxValue: 64}
			z, m := New(), model{}
			steps := size * 6
			for step := range steps {
				member := fmt.Sprint(r.IntN(size))
				score := float64(r.IntN(size / 10))
				grow := step < steps/2
				switch op := r.IntN(100); {
				case op < 50 || (grow && op < 85):
					z.Add([]byte(member), score, 0, lim)
					m[member] = score
				case op < 98:
					z.Remove([]byte(member))
					delete(m, member)
				default:
					if z.Len() == 0 || r.IntN(10) > 0 { // ranges need the model sorted: rarely
						continue
					}
					from := r.IntN(z.Len())
					to := min(from+r.IntN(20), z.Len()-1)
					for _, it := range m.sorted()[from : to+1] {
						delete(m, it.Member)
					}
					z.RemoveRange(from, to)
				}
				if step%(steps/20) == 0 && z.big != nil {
					checkTree(t, z.big.tree)
				}
			}
			checkTree(t, z.big.tree)
			check(t, z, m)
			c := z.Clone().(*ZSet)
			checkTree(t, c.big.tree)
			check(t, c, m)
			t.Logf("%d members, height %d, %d leaves, %d inner nodes", z.Len(), z.big.tree.height, z.big.tree.leaves, z.big.tree.inners)
			for k := range m {
				z.Remove([]byte(k))
				delete(m, k)
				if len(m)%997 == 0 {
					checkTree(t, z.big.tree)
				}
			}
			checkTree(t, z.big.tree)
			if c.Len() == 0 {
				t.Fatal("the clone emptied with the original")
			}
			if z.Len() != 0 || z.big.tree.height != 1 {
				t.Fatalf("emptied: length %d, height %d", z.Len(), z.big.tree.height)
			}
		})
	}
}

// TestTreeInOrder builds a set in ascending order, as a STORE result or
// RESTORE does: leaves fill up.
func TestTreeInOrder(t *testing.T) {
	items := make([]Item, 10000)
	for i := range items {
		items[i] = Item{fmt.Sprintf("m%05d", i), float64(i)}
	}
	z := Build(items, Limits{MaxEntries: 128, MaxValue: 64})
	checkTree(t, z.big.tree)
	if want := (len(items) + leafCap - 1) / leafCap; z.big.tree.leaves != want {
		t.Errorf("%d leaves for %d members, want %d", z.big.tree.leaves, len(items), want)
	}
	for i, it := range items {
		if r, ok := z.Rank([]byte(it.Member)); !ok || r != i {
			t.Fatalf("rank of %s = %d", it.Member, r)
		}
	}
}
