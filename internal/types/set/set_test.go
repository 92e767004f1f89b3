package set

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func members(s *Set) []string {
	var out []string
	s.Each(func(e Elem) bool { out = append(out, e.String()); return true })
	return out
}

func build(limit int, ms ...string) *Set {
	s := NewFor([]byte(ms[0]))
	for _, m := range ms {
		s.Add([]byte(m), limit)
	}
	return s
}

// TestEncoding follows Redis 7.0's rules for when a set is an intset,
// checked against redis-server with OBJECT ENCODING.
func TestEncoding(t *testing.T) {
	cases := []struct {
		name    string
		limit   int
		members []string
		want    string
	}{
		{"small integers", 512, []string{"3", "1", "2"}, "intset"},
		{"int64 bounds", 512, []string{"9223372036854775807", "-9223372036854775808"}, "intset"},
		{"past int64", 512, []string{"9223372036854775808"}, "hashtable"},
		{"minus zero", 512, []string{"1", "-0"}, "hashtable"},
		{"plus sign", 512, []string{"1", "+1"}, "hashtable"},
		{"leading zero", 512, []string{"01"}, "hashtable"},
		{"leading space", 512, []string{" 1"}, "hashtable"},
		{"a string", 512, []string{"1", "2", "a"}, "hashtable"},
		{"at the limit", 4, []string{"1", "2", "3", "4"}, "intset"},
		{"past the limit", 4, []string{"1", "2", "3", "4", "5"}, "hashtable"},
		{"limit 0", 0, []string{"1"}, "hashtable"},
		{"duplicates at the limit", 2, []string{"1", "2", "2", "1"}, "intset"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := build(c.limit, c.members...)
			if got := s.Encoding(); got != c.want {
				t.Errorf("encoding %q, want %q", got, c.want)
			}
		})
	}
}

func TestIntsetIsSortedAndDistinct(t *testing.T) {
	s := New()
	for _, n := range []int64{5, -3, 70000, 5, 0, -70000, 1 << 40, -1} {
		s.AddElem(IntElem(n), 512)
	}
	want := []string{"-70000", "-3", "-1", "0", "5", "70000", "1099511627776"}
	if got := members(s); !slices.Equal(got, want) {
		t.Errorf("members %q, want %q", got, want)
	}
	if s.Len() != len(want) || !s.IsIntset() {
		t.Errorf("len %d intset %v", s.Len(), s.IsIntset())
	}
}

// TestIntsetBlob checks Redis's intset layout, byte for byte as
// redis-server 7.0 DUMPs it, including a width that stays after the wide
// integer is gone.
func TestIntsetBlob(t *testing.T) {
	cases := []struct {
		name   string
		add    []int64
		remove []int64
		hex    string
	}{
		{"16-bit", []int64{3, 1, 2}, nil, "0200000003000000010002000300"},
		{"32-bit", []int64{1, 70000}, nil, "040000000200000001000000701101 00"},
		{"stays 32-bit", []int64{1, 70000}, []int64{70000}, "040000000100000001000000"},
		{"64-bit", []int64{1, 5000000000}, nil, "08000000020000000100000000000000 00f2052a01000000"},
		{"negative", []int64{-2}, nil, "0200000001000000feff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			for _, n := range c.add {
				s.AddElem(IntElem(n), 512)
			}
			for _, n := range c.remove {
				s.RemoveElem(IntElem(n))
			}
			blob, ok := s.IntsetBlob()
			want, _ := hex.DecodeString(stripSpaces(c.hex))
			if !ok || !slices.Equal(blob, want) {
				t.Fatalf("blob %x, want %x", blob, want)
			}
			back, err := FromIntsetBlob(blob)
			if err != nil || !slices.Equal(members(back), members(s)) {
				t.Errorf("round trip: %v %q", err, members(back))
			}
		})
	}
}

func stripSpaces(s string) string {
	out := []byte{}
	for i := range len(s) {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

func TestFromIntsetBlobRejects(t *testing.T) {
	for name, h := range map[string]string{
		"short header":  "02000000",
		"bad width":     "03000000010000000100 00",
		"empty":         "0200000000000000",
		"size mismatch": "02000000020000000100",
		"out of order":  "020000000200000002000100",
		"duplicate":     "020000000200000001000100",
	} {
		b, _ := hex.DecodeString(stripSpaces(h))
		if _, err := FromIntsetBlob(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestAgainstMap runs random operations on a Set and on a Go map and
// compares them after each step, across conversions.
func TestAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, limit := range []int{0, 4, 64, 512} {
		s, ref := New(), map[string]bool{}
		for step := range 5000 {
			m := randomMember(rng)
			switch rng.IntN(4) {
			case 0, 1:
				if got, want := s.Add([]byte(m), limit), !ref[m]; got != want {
					t.Fatalf("limit %d step %d: Add(%q) = %v", limit, step, m, got)
				}
				ref[m] = true
			case 2:
				if got, want := s.Remove([]byte(m)), ref[m]; got != want {
					t.Fatalf("limit %d step %d: Remove(%q) = %v", limit, step, m, got)
				}
				delete(ref, m)
			case 3:
				if got := s.Has([]byte(m)); got != ref[m] {
					t.Fatalf("limit %d step %d: Has(%q) = %v", limit, step, m, got)
				}
			}
			if s.Len() != len(ref) {
				t.Fatalf("limit %d step %d: Len %d, want %d", limit, step, s.Len(), len(ref))
			}
		}
		got := members(s)
		slices.Sort(got)
		var want []string
		for m := range ref {
			want = append(want, m)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("limit %d: members differ", limit)
		}
	}
}

func randomMember(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0:
		return "m" + strconv.Itoa(rng.IntN(50))
	case 1:
		return strconv.FormatInt(rng.Int64N(1<<40)-1<<39, 10)
	}
	return strconv.Itoa(rng.IntN(200) - 100)
}

func TestElemAcrossEncodings(t *testing.T) {
	ints := build(512, "1", "2", "3")
	strs := build(512, "1", "2", "x")
	for _, e := range []Elem{IntElem(2), StringElem("2")} {
		if !ints.HasElem(e) || !strs.HasElem(e) {
			t.Errorf("%v not found", e)
		}
	}
	if ints.HasElem(StringElem("x")) || ints.HasElem(StringElem("02")) {
		t.Error("intset has a non-integer")
	}
	dst := New()
	dst.AddElem(StringElem("7"), 512)
	dst.AddElem(IntElem(8), 512)
	if !dst.IsIntset() || !slices.Equal(members(dst), []string{"7", "8"}) {
		t.Errorf("dst %s %q", dst.Encoding(), members(dst))
	}
	dst.AddElem(StringElem("y"), 512)
	if dst.IsIntset() || !dst.HasElem(IntElem(8)) || !dst.RemoveElem(IntElem(7)) || dst.Len() != 2 {
		t.Errorf("after conversion: %q", members(dst))
	}
}

func TestCloneIsDeep(t *testing.T) {
	for _, s := range []*Set{build(512, "1", "2"), build(512, "a", "b")} {
		c := s.Clone()
		c.Add([]byte("3"), 512)
		c.Remove([]byte("1"))
		c.Remove([]byte("a"))
		if s.Len() != 2 || !s.Has([]byte("1")) && !s.Has([]byte("a")) {
			t.Errorf("original changed: %q", members(s))
		}
	}
}

// TestScanReturnsEveryStayingMember scans a hashtable while members come
// and go between calls: every member present from the first call to the
// last must be returned.
func TestScanReturnsEveryStayingMember(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		s := build(0, "x")
		for i := range 300 {
			s.Add([]byte(fmt.Sprint("m", i)), 0)
		}
		stay := map[string]bool{}
		s.Each(func(e Elem) bool { stay[e.String()] = true; return true })
		seen := map[string]bool{}
		cursor, next := uint64(0), 1000
		for {
			cursor = s.Scan(cursor, 1+rng.IntN(20), func(e Elem) { seen[e.String()] = true })
			if cursor == 0 {
				break
			}
			for range rng.IntN(10) {
				if rng.IntN(2) == 0 {
					m := s.At(rng.IntN(s.Len())).String()
					s.Remove([]byte(m))
					delete(stay, m)
				} else {
					s.Add([]byte(fmt.Sprint("m", next)), 0)
					next++
				}
			}
		}
		for m := range stay {
			if !seen[m] {
				t.Fatalf("round %d: %s stayed but was not returned", round, m)
			}
		}
	}
}

func TestScanIntsetReturnsAll(t *testing.T) {
	s := build(512, "3", "1", "2")
	var got []string
	if c := s.Scan(77, 1, func(e Elem) { got = append(got, e.String()) }); c != 0 {
		t.Errorf("cursor %d", c)
	}
	if !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Errorf("got %q", got)
	}
}

func TestScanCount(t *testing.T) {
	s := build(0, "a", "b", "c", "d", "e")
	var got []string
	c := s.Scan(0, 2, func(e Elem) { got = append(got, e.String()) })
	c = s.Scan(c, 2, func(e Elem) { got = append(got, e.String()) })
	c = s.Scan(c, 2, func(e Elem) { got = append(got, e.String()) })
	if c != 0 || len(got) != 5 {
		t.Errorf("cursor %d, got %q", c, got)
	}
}

// checkTable verifies the index: every member's slot names its position,
// and the slots in use are the members plus the tombstones counted.
func checkTable(t *testing.T, tb *table) {
	t.Helper()
	live, dead := 0, 0
	for _, s := range tb.slots {
		switch s {
		case 0:
		case tombstone:
			dead++
		default:
			live++
		}
	}
	if live != len(tb.members) || live+dead != tb.used || tb.used*4 > len(tb.slots)*3 {
		t.Fatalf("slots: %d live, %d dead, used %d, %d members, %d slots", live, dead, tb.used, len(tb.members), len(tb.slots))
	}
	for pos, m := range tb.members {
		at, _ := tb.find(m)
		if at < 0 || tb.pos(tb.slots[at]) != pos {
			t.Fatalf("member %q at %d: slot %d", m, pos, at)
		}
	}
}

// TestTableGrowShrink grows a hashtable, empties it nearly, grows it
// again and churns it, checking the index all along.
func TestTableGrowShrink(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := NewHashtable(0)
	ref := map[string]bool{}
	phase := func(adds, removes int) {
		for range adds {
			m := fmt.Sprint("k", rng.IntN(20000))
			if s.Add([]byte(m), 0) == ref[m] {
				t.Fatalf("Add(%q) disagrees", m)
			}
			ref[m] = true
		}
		for range removes {
			if len(ref) == 0 {
				break
			}
			m := s.At(rng.IntN(s.Len())).String()
			if !s.Remove([]byte(m)) {
				t.Fatalf("Remove(%q) of a member failed", m)
			}
			delete(ref, m)
		}
		checkTable(t, s.ht)
		if s.Len() != len(ref) {
			t.Fatalf("Len %d, want %d", s.Len(), len(ref))
		}
	}
	phase(8000, 0)
	phase(0, 7990)
	if len(s.ht.slots) > 64 {
		t.Errorf("%d slots for %d members: not shrunk", len(s.ht.slots), s.Len())
	}
	phase(5000, 0)
	for range 50 {
		phase(200, 200)
	}
	for m := range ref {
		if !s.Has([]byte(m)) {
			t.Fatalf("%q lost", m)
		}
	}
}

// FuzzIntsetBlob: any bytes are refused or read into a set whose blob is
// the same bytes, sorted and distinct.
func FuzzIntsetBlob(f *testing.F) {
	for _, h := range []string{"0200000003000000010002000300", "040000000100000001000000", "0800000001000000ffffffffffffffff"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := FromIntsetBlob(b)
		if err != nil {
			return
		}
		if blob, _ := s.IntsetBlob(); !slices.Equal(blob, b) {
			t.Fatalf("blob %x read back as %x", b, blob)
		}
		for i := 1; i < s.Len(); i++ {
			a, _ := s.At(i - 1).Int()
			c, _ := s.At(i).Int()
			if a >= c || !s.HasElem(s.At(i)) {
				t.Fatalf("position %d: %d then %d", i, a, c)
			}
		}
	})
}
