package zset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkSkiplist verifies the skiplist's invariants: order, back links,
// tail and length at level 0; at every level, links that skip what their
// spans say and carry their next node's score; no links above the level.
func checkSkiplist(t *testing.T, sl *skiplist) {
	t.Helper()
	rank := map[*node]int{sl.head: 0}
	var prev *node
	count := 0
	for n := sl.head.next(); n != nil; n = n.next() {
		count++
		rank[n] = count
		if n.back != prev {
			t.Fatalf("node %q: back link %p, want %p", n.member, n.back, prev)
		}
		if prev != nil && !prev.before(n.score, n.member) {
			t.Fatalf("node %q (%v) after %q (%v)", n.member, n.score, prev.member, prev.score)
		}
		if int(n.level) < 1 || int(n.level) > sl.level {
			t.Fatalf("node %q: level %d of %d", n.member, n.level, sl.level)
		}
		prev = n
	}
	if count != sl.length || sl.tail != prev {
		t.Fatalf("%d nodes, length %d; tail %p, want %p", count, sl.length, sl.tail, prev)
	}
	for i := range maxLevel {
		l := sl.head.lv(i)
		if i >= sl.level {
			if l.next != nil {
				t.Fatalf("head links at level %d of %d", i, sl.level)
			}
			continue
		}
		if i == sl.level-1 && i > 0 && l.next == nil {
			t.Fatalf("level %d is empty", i)
		}
		for x := sl.head; ; x = x.lv(i).next {
			l := x.lv(i)
			if l.next == nil {
				break
			}
			if l.span != rank[l.next]-rank[x] {
				t.Fatalf("level %d link %q->%q: span %d; want %d",
					i, x.member, l.next.member, l.span, rank[l.next]-rank[x])
			}
		}
	}
}

// TestSkiplistMoves changes scores at random in a large set, with many
// ties, checking the invariants as it goes.
func TestSkiplistMoves(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lim := Limits{MaxEntries: 0, MaxValue: 64}
	z, m := New(), model{}
	for step := range 20000 {
		member := fmt.Sprint(r.IntN(500))
		score := float64(r.IntN(50))
		switch op := r.IntN(20); {
		case op == 0:
			z.Remove([]byte(member))
			delete(m, member)
		default:
			z.Add([]byte(member), score, 0, lim)
			m[member] = score
		}
		if step%500 == 0 {
			checkSkiplist(t, &z.big.sl)
		}
	}
	checkSkiplist(t, &z.big.sl)
	check(t, z, m)
}
