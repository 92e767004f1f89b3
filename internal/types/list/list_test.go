package list

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// contents returns the list's elements, head first.
func contents(l *List) []string {
	var out []string
	for _, v := range l.All(0, false) {
		out = append(out, string(v.Append(nil)))
	}
	return out
}

// check verifies l against the model and its own invariants: every node a
// valid listpack with the count it claims, the counts adding up, no empty
// node, the capacity total right, and reverse iteration the mirror of
// forward.
func check(t *testing.T, l *List, model []string, step string) {
	t.Helper()
	if got := contents(l); !slices.Equal(got, model) && len(got)+len(model) > 0 {
		t.Fatalf("%s: list %q, want %q", step, got, model)
	}
	if l.Len() != len(model) {
		t.Fatalf("%s: Len %d, want %d", step, l.Len(), len(model))
	}
	total, lpCap := 0, int64(0)
	for _, nd := range l.nodes() {
		n, err := validate(nd.lp)
		if err != nil || n != nd.n || n == 0 {
			t.Fatalf("%s: node of %d entries: validate = %d, %v", step, nd.n, n, err)
		}
		total += n
		lpCap += int64(cap(nd.lp))
	}
	if total != l.Len() || lpCap != l.lpCap {
		t.Fatalf("%s: nodes hold %d (cap %d), list says %d (cap %d)", step, total, lpCap, l.Len(), l.lpCap)
	}
	var back []string
	for i, v := range l.All(l.Len()-1, true) {
		if i != l.Len()-1-len(back) {
			t.Fatalf("%s: reverse position %d after %d elements", step, i, len(back))
		}
		back = append(back, string(v.Append(nil)))
	}
	slices.Reverse(back)
	if !slices.Equal(back, model) && len(back)+len(model) > 0 {
		t.Fatalf("%s: reversed %q", step, back)
	}
}

// TestListModel runs random operations on a List and on a slice of
// strings and compares them after each, for node limits from one entry to
// 64 KB.
func TestListModel(t *testing.T) {
	values := []string{"a", "b", "1", "-7", "100000", "01", "", strings.Repeat("x", 70), strings.Repeat("y", 300), strings.Repeat("z", 5000)}
	for _, fill := range []int{-5, -2, -1, 0, 1, 3, 16} {
		t.Run("fill"+strconv.Itoa(fill), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(uint64(fill+10), 7))
			val := func() string { return values[rnd.IntN(len(values))] }
			l := New(fill)
			var model []string
			for step := range 3000 {
				desc := modelStep(t, rnd, l, &model, val)
				check(t, l, model, strconv.Itoa(step)+" "+desc)
			}
		})
	}
}

// modelStep applies one random operation to l and model.
func modelStep(t *testing.T, rnd *rand.Rand, l *List, model *[]string, val func() string) string {
	t.Helper()
	m := *model
	randIndex := func() int { return rnd.IntN(len(m)*2+2) - len(m) - 1 }
	switch op := rnd.IntN(10); {
	case op < 3:
		s, head := val(), rnd.IntN(2) == 0
		l.Push([]byte(s), head)
		if head {
			m = append([]string{s}, m...)
		} else {
			m = append(m, s)
		}
		*model = m
		return "push " + s
	case op == 3 && len(m) > 0:
		head := rnd.IntN(2) == 0
		got := string(l.Pop(head, nil))
		want := m[len(m)-1]
		if head {
			want, m = m[0], m[1:]
		} else {
			m = m[:len(m)-1]
		}
		*model = m
		if got != want {
			t.Fatalf("pop gave %q, want %q", got, want)
		}
		return "pop"
	case op == 4:
		i, s := randIndex(), val()
		j := i
		if j < 0 {
			j += len(m)
		}
		ok := l.Set(i, []byte(s))
		if ok != (j >= 0 && j < len(m)) {
			t.Fatalf("Set(%d) = %v with %d elements", i, ok, len(m))
		}
		if ok {
			m[j] = s
		}
		return "set " + strconv.Itoa(i)
	case op == 5:
		pivot, s, after := val(), val(), rnd.IntN(2) == 0
		found := l.Insert([]byte(pivot), []byte(s), after)
		if k := slices.Index(m, pivot); k >= 0 {
			if after {
				k++
			}
			*model = slices.Insert(m, k, s)
		} else if found {
			t.Fatalf("Insert found the missing pivot %q", pivot)
		}
		return "insert " + pivot
	case op == 6:
		s, count := val(), rnd.IntN(7)-3
		got := l.Remove([]byte(s), count)
		*model = removeModel(m, s, count)
		if got != len(m)-len(*model) {
			t.Fatalf("Remove(%q, %d) = %d, want %d", s, count, got, len(m)-len(*model))
		}
		return "rem " + strconv.Itoa(count) + " " + s
	case op == 7 && len(m) > 0:
		start := rnd.IntN(len(m))
		n := rnd.IntN(len(m)+2) + 1
		l.DeleteRange(start, n)
		*model = append(m[:start:start], m[min(start+n, len(m)):]...)
		return "delrange " + strconv.Itoa(start) + " " + strconv.Itoa(n)
	case op == 8:
		i := randIndex()
		v, ok := l.Index(i)
		j := i
		if j < 0 {
			j += len(m)
		}
		if ok != (j >= 0 && j < len(m)) || ok && !v.Equal([]byte(m[j])) {
			t.Fatalf("Index(%d) = %v, %v with %q", i, v, ok, m)
		}
		return "index"
	case op == 9 && rnd.IntN(20) == 0:
		c := l.Clone()
		l.Push([]byte("only-in-original"), false)
		l.Pop(false, nil)
		*l = *c
		return "clone"
	}
	return "nothing"
}

// removeModel is LREM on a slice.
func removeModel(m []string, s string, count int) []string {
	out := slices.Clone(m)
	limit := count
	if count < 0 {
		limit = -count
	}
	removed := 0
	if count >= 0 {
		for i := 0; i < len(out) && (count == 0 || removed < limit); {
			if out[i] == s {
				out = slices.Delete(out, i, i+1)
				removed++
			} else {
				i++
			}
		}
		return out
	}
	for i := len(out) - 1; i >= 0 && removed < limit; i-- {
		if out[i] == s {
			out = slices.Delete(out, i, i+1)
			removed++
		}
	}
	return out
}

// TestPushFillsNodes checks where pushes start new nodes: 8 KB nodes by
// default take 2726 one-byte strings (7 + 3 × 2726 = 8185 bytes, and one
// more would pass 8192 with Redis's 8-byte estimate), count limits are
// exact, and a count-limited node still stops at 8 KB.
func TestPushFillsNodes(t *testing.T) {
	tests := []struct {
		fill, pushes int
		elem         string
		nodes        []int
	}{
		{-2, 2730, "a", []int{2726, 4}},
		{-1, 1400, "a", []int{1361, 39}},
		{3, 7, "a", []int{3, 3, 1}},
		{1000, 12, strings.Repeat("w", 1000), []int{8, 4}},
		{0, 3, "a", []int{1, 1, 1}},
	}
	for _, tt := range tests {
		for _, head := range []bool{false, true} {
			l := New(tt.fill)
			for range tt.pushes {
				l.Push([]byte(tt.elem), head)
			}
			var got []int
			for _, nd := range l.nodes() {
				got = append(got, nd.n)
			}
			want := slices.Clone(tt.nodes)
			if head {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("fill %d, %d pushes (head %v): nodes %v, want %v", tt.fill, tt.pushes, head, got, want)
			}
		}
	}
}

// TestInsertSplitsAndMerges follows LINSERT through Redis's cases with
// three entries a node: room in the node, room in the neighbour, a node of
// its own at a full edge, and a split whose halves merge with their
// neighbours.
func TestInsertSplitsAndMerges(t *testing.T) {
	build := func(nodes ...[]string) *List {
		l := New(3)
		for _, nd := range nodes {
			l.insertNode(len(l.nodes()), node{lp: newListpack(0)})
			for _, s := range nd {
				last := &l.nodes()[len(l.nodes())-1]
				l.lpCap += int64(last.insert(last.n, []byte(s)))
				l.count++
			}
		}
		return l
	}
	layout := func(l *List) [][]string {
		var out [][]string
		for _, nd := range l.nodes() {
			var elems []string
			for i := range nd.n {
				elems = append(elems, string(nd.at(i).Append(nil)))
			}
			out = append(out, elems)
		}
		return out
	}
	tests := []struct {
		name         string
		nodes        [][]string
		pivot, value string
		after        bool
		want         [][]string
	}{
		{"room", [][]string{{"1", "2"}}, "1", "a", true, [][]string{{"1", "a", "2"}}},
		{"next has room", [][]string{{"1", "2", "3"}, {"4"}}, "3", "a", true, [][]string{{"1", "2", "3"}, {"a", "4"}}},
		{"prev has room", [][]string{{"1"}, {"2", "3", "4"}}, "2", "a", false, [][]string{{"1", "a"}, {"2", "3", "4"}}},
		{"full tail", [][]string{{"1", "2", "3"}, {"4"}, {"7", "8", "9"}}, "9", "a", true, [][]string{{"1", "2", "3"}, {"4"}, {"7", "8", "9"}, {"a"}}},
		{"full head", [][]string{{"1", "2", "3"}, {"4"}, {"7", "8"}}, "1", "a", false, [][]string{{"a"}, {"1", "2", "3"}, {"4"}, {"7", "8"}}},
		{"full next", [][]string{{"1", "2", "3"}, {"4", "5", "6"}}, "3", "a", true, [][]string{{"1", "2", "3"}, {"a"}, {"4", "5", "6"}}},
		{"split merges right", [][]string{{"1", "2", "3"}, {"4"}, {"7", "8"}}, "2", "a", true, [][]string{{"1", "2"}, {"a", "3", "4"}, {"7", "8"}}},
		{"split merges left", [][]string{{"1"}, {"2", "3", "4"}}, "3", "a", false, [][]string{{"1", "2", "a"}, {"3", "4"}}},
	}
	for _, tt := range tests {
		l := build(tt.nodes...)
		if !l.Insert([]byte(tt.pivot), []byte(tt.value), tt.after) {
			t.Fatalf("%s: pivot not found", tt.name)
		}
		if got := layout(l); !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("%s: nodes %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSizeBytes checks that SizeBytes follows the heap the lists take
// (within 20 %), for small and large lists.
func TestSizeBytes(t *testing.T) {
	for _, tt := range []struct {
		lists, elems int
		elem         string
	}{
		{4000, 1, "hello"},
		{2000, 20, "value-0123456789"},
		{20, 5000, "some element of moderate length"},
	} {
		before := heapInUse()
		lists := make([]*List, tt.lists)
		var sum int64
		for i := range lists {
			l := New(DefaultFill)
			for range tt.elems {
				l.Push([]byte(tt.elem), false)
			}
			lists[i] = l
			sum += l.SizeBytes()
		}
		used := heapInUse() - before - int64(tt.lists)*8 // minus the slice of pointers
		ratio := float64(sum) / float64(used)
		t.Logf("%d lists of %d: SizeBytes %d, heap %d (%.2f)", tt.lists, tt.elems, sum, used, ratio)
		if ratio < 0.8 || ratio > 1.2 {
			t.Errorf("%d lists of %d elements: SizeBytes says %d bytes, the heap grew %d", tt.lists, tt.elems, sum, used)
		}
		keep(lists)
	}
}

// TestLongListEndsGrowByDoubling: once a list has more than one node, a
// push that needs room doubles its end node's listpack (up to the node
// limit), so filling a node reallocates it a handful of times, not the
// twenty or so of append's growth by a quarter.
func TestLongListEndsGrowByDoubling(t *testing.T) {
	for _, head := range []bool{false, true} {
		l := New(-2)
		elem := []byte(strings.Repeat("v", 100))
		for len(l.nodes()) < 2 {
			l.Push(elem, head)
		}
		end := func() *node {
			if head {
				return &l.nodes()[0]
			}
			return &l.nodes()[len(l.nodes())-1]
		}
		growths, last := 0, cap(end().lp)
		for len(l.nodes()) < 3 {
			l.Push(elem, head)
			if c := cap(end().lp); c != last && len(l.nodes()) < 3 {
				growths++
				last = c
				if c > sizeLimits[1] {
					t.Fatalf("head %v: end node capacity %d passes the 8 KB limit", head, c)
				}
			}
		}
		if growths > 7 {
			t.Errorf("head %v: the second node grew %d times on its way to 8 KB, want at most 7", head, growths)
		}
		check(t, l, contents(l), "after the pushes")
	}
}
