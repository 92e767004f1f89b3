package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// model is the obvious sorted set the real one is checked against.
type model map[string]float64

func (m model) sorted() []Item {
	out := make([]Item, 0, len(m))
	for k, v := range m {
		out = append(out, Item{k, v})
	}
	slices.SortFunc(out, Compare)
	return out
}

func items(z *ZSet) []Item {
	var out []Item
	z.Ascend(0, func(m []byte, s float64) bool {
		out = append(out, Item{string(m), s})
		return true
	})
	return out
}

// check compares every read operation of z with the model.
func check(t *testing.T, z *ZSet, m model) {
	t.Helper()
	want := m.sorted()
	got := items(z)
	if z.Len() != len(want) || !slices.Equal(got, want) {
		t.Fatalf("%s: items %v, want %v (len %d)", z.Encoding(), got, want, z.Len())
	}
	var rev []Item
	z.Descend(z.Len()-1, func(mb []byte, s float64) bool {
		rev = append(rev, Item{string(mb), s})
		return true
	})
	slices.Reverse(rev)
	if !slices.Equal(rev, want) {
		t.Fatalf("descend %v, want %v", rev, want)
	}
	for i, it := range want {
		if r, ok := z.Rank([]byte(it.Member)); !ok || r != i {
			t.Fatalf("rank of %q = %d %v, want %d", it.Member, r, ok, i)
		}
		if s, ok := z.Score([]byte(it.Member)); !ok || s != it.Score {
			t.Fatalf("score of %q = %v %v, want %v", it.Member, s, ok, it.Score)
		}
		if mb, s := z.At(i); string(mb) != it.Member || s != it.Score {
			t.Fatalf("at %d = %q %v, want %v", i, mb, s, it)
		}
	}
}

func TestModel(t *testing.T) {
	for _, lim := range []Limits{{128, 64}, {0, 64}, {16, 3}} {
		t.Run(fmt.Sprintf("%d/%d", lim.MaxEntries, lim.MaxValue), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(lim.MaxEntries)))
			z, m := New(), model{}
			for step := range 3000 {
				member := fmt.Sprint(r.IntN(200))
				score := float64(r.IntN(20)) / 2
				switch op := r.IntN(10); {
				case op < 6:
					res, _ := z.Add([]byte(member), score, 0, lim)
					old, had := m[member]
					want := map[bool]AddResult{false: Added, true: Updated}[had]
					if had && old == score {
						want = Unchanged
					}
					if res != want {
						t.Fatalf("step %d: add %s %v = %v, want %v", step, member, score, res, want)
					}
					m[member] = score
				case op < 9:
					_, had := m[member]
					if z.Remove([]byte(member)) != had {
						t.Fatalf("step %d: remove %s", step, member)
					}
					delete(m, member)
				default:
					if z.Len() == 0 {
						continue
					}
					from := r.IntN(z.Len())
					to := min(from+r.IntN(5), z.Len()-1)
					for _, it := range m.sorted()[from : to+1] {
						delete(m, it.Member)
					}
					if n := z.RemoveRange(from, to); n != to-from+1 {
						t.Fatalf("removed %d, want %d", n, to-from+1)
					}
				}
				if step%50 == 0 {
					check(t, z, m)
				}
			}
			check(t, z, m)
		})
	}
}

func TestConversion(t *testing.T) {
	lim := Limits{MaxEntries: 3, MaxValue: 4}
	cases := []struct {
		name string
		add  []string
		want string
	}{
		{"small", []string{"a", "b", "c"}, "listpack"},
		{"too many", []string{"a", "b", "c", "d"}, "skiplist"},
		{"value at the limit", []string{"abcd"}, "listpack"},
		{"value too long", []string{"abcde"}, "skiplist"},
		{"updating does not count", []string{"a", "b", "c", "a", "b", "c"}, "listpack"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			z := New()
			for i, m := range tc.add {
				z.Add([]byte(m), float64(i), 0, lim)
			}
			if got := z.Encoding(); got != tc.want {
				t.Fatalf("encoding %s, want %s", got, tc.want)
			}
		})
	}
	z := New()
	for i := range 5 {
		z.Add([]byte{byte('a' + i)}, 1, 0, lim)
	}
	z.RemoveRange(0, 3)
	if z.Encoding() != "skiplist" {
		t.Fatal("a set that shrank went back to listpack")
	}
}

func TestAddFlags(t *testing.T) {
	cases := []struct {
		name      string
		flags     AddFlags
		score     float64
		present   bool
		want      AddResult
		wantScore float64
	}{
		{"new", 0, 5, false, Added, 5},
		{"update", 0, 5, true, Updated, 5},
		{"same score", 0, 2, true, Unchanged, 2},
		{"nx existing", NX, 5, true, Skipped, 2},
		{"nx new", NX, 5, false, Added, 5},
		{"xx new", XX, 5, false, Skipped, 0},
		{"xx existing", XX, 5, true, Updated, 5},
		{"gt lower", GT, 1, true, Skipped, 2},
		{"gt equal", GT, 2, true, Skipped, 2},
		{"gt higher", GT, 3, true, Updated, 3},
		{"gt new", GT, 1, false, Added, 1},
		{"lt higher", LT, 3, true, Skipped, 2},
		{"lt lower", LT, 1, true, Updated, 1},
		{"incr", Incr, 3, true, Updated, 5},
		{"incr zero", Incr, 0, true, Unchanged, 2},
		{"incr new", Incr, 3, false, Added, 3},
		{"incr gt down", Incr | GT, -1, true, Skipped, 2},
		{"incr lt down", Incr | LT, -1, true, Updated, 1},
	}
	for _, tc := range cases {
		for _, lim := range []Limits{{128, 64}, {0, 0}} {
			t.Run(tc.name+"/"+fmt.Sprint(lim.MaxEntries), func(t *testing.T) {
				z := New()
				z.Add([]byte("other"), 0, 0, lim)
				if tc.present {
					z.Add([]byte("m"), 2, 0, lim)
				}
				res, s := z.Add([]byte("m"), tc.score, tc.flags, lim)
				if res != tc.want || s != tc.wantScore {
					t.Fatalf("got %v %v, want %v %v", res, s, tc.want, tc.wantScore)
				}
			})
		}
	}
	z := New()
	z.Add([]byte("m"), math.Inf(1), 0, Limits{128, 64})
	if res, _ := z.Add([]byte("m"), math.Inf(-1), Incr, Limits{128, 64}); res != NaN {
		t.Fatalf("inf + -inf gave %v", res)
	}
}

func TestRanges(t *testing.T) {
	for _, lim := range []Limits{{128, 64}, {0, 64}} {
		z := New()
		for i, m := range []string{"a", "b", "c", "d", "e"} {
			z.Add([]byte(m), float64(i+1), 0, lim)
		}
		sr := func(min, max string) ScoreRange {
			r, ok := ParseScoreRange([]byte(min), []byte(max))
			if !ok {
				t.Fatalf("parse %q %q", min, max)
			}
			return r
		}
		scoreCases := []struct {
			min, max   string
			start, end int
		}{
			{"-inf", "+inf", 0, 4},
			{"2", "4", 1, 3},
			{"(2", "(4", 2, 2},
			{"(5", "+inf", 5, 4},
			{"-inf", "(1", 0, -1},
			{"2.5", "3.5", 2, 2},
		}
		for _, tc := range scoreCases {
			r := sr(tc.min, tc.max)
			if s, e := z.ScoreStart(r), z.ScoreEnd(r); s != tc.start || e != tc.end {
				t.Errorf("%s: score %s %s: %d..%d, want %d..%d", z.Encoding(), tc.min, tc.max, s, e, tc.start, tc.end)
			}
		}
		lz := New()
		for _, m := range []string{"a", "b", "c", "d", "e"} {
			lz.Add([]byte(m), 0, 0, lim)
		}
		lexCases := []struct {
			min, max    string
			first, last int
		}{
			{"-", "+", 0, 4},
			{"[b", "[d", 1, 3},
			{"(b", "(d", 2, 2},
			{"[bb", "[c", 2, 2},
			{"+", "-", -1, -1},
			{"(e", "+", -1, -1},
			{"[c", "[b", -1, -1},
		}
		for _, tc := range lexCases {
			r, ok := ParseLexRange([]byte(tc.min), []byte(tc.max))
			if !ok {
				t.Fatalf("parse %q %q", tc.min, tc.max)
			}
			f, l := lz.LexFirst(r), lz.LexLast(r)
			if f != tc.first || l != tc.last {
				t.Errorf("%s: lex %s %s: first %d last %d, want %d %d", lz.Encoding(), tc.min, tc.max, f, l, tc.first, tc.last)
			}
			if f >= 0 && (lz.LexRunUp(f, r) != l-f+1 || lz.LexRunDown(l, r) != l-f+1) {
				t.Errorf("%s: lex %s %s: runs %d %d, want %d", lz.Encoding(), tc.min, tc.max, lz.LexRunUp(f, r), lz.LexRunDown(l, r), l-f+1)
			}
		}
	}
}

// TestAddIncrNegativeZero: INCR by 0 on a score of -0 changes nothing but
// returns the sum, 0, which Redis's ZADD INCR and ZINCRBY reply.
func TestAddIncrNegativeZero(t *testing.T) {
	lim := Limits{0, 0} // large form: a compact set stores -0 as 0
	z := New()
	z.Add([]byte("m"), math.Copysign(0, -1), 0, lim)
	res, s := z.Add([]byte("m"), 0, Incr, lim)
	if res != Unchanged || s != 0 || math.Signbit(s) {
		t.Fatalf("INCR 0 on -0: %v %v, want Unchanged 0", res, s)
	}
	if got, _ := z.Score([]byte("m")); !math.Signbit(got) {
		t.Fatalf("stored score %v, want -0 kept", got)
	}
}
