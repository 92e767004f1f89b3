package zset

import (
	"math"
	"testing"
)

func TestStrtod(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		in       string
		want     float64
		n        int
		rangeErr bool
	}{
		{"1.5", 1.5, 3, false},
		{"  -2", -2, 4, false},
		{"+.5", 0.5, 3, false},
		{"5.", 5, 2, false},
		{"1e3x", 1000, 3, false},
		{"1e", 1, 1, false},
		{"1e+", 1, 1, false},
		{"0x10", 16, 4, false},
		{"0x.8", 0.5, 4, false},
		{"0x1p-2", 0.25, 6, false},
		{"0x", 0, 1, false},
		{"0xg", 0, 1, false},
		{"inf", inf, 3, false},
		{"-Infinity", -inf, 9, false},
		{"infin", inf, 3, false},
		{"1e400", inf, 5, true},
		{"-1e400", -inf, 6, true},
		{"1e-400", 0, 6, true},
		{"0e-400", 0, 6, false},
		// A subnormal result is ERANGE when it was rounded, as glibc says
		// (redis-server's SORT refuses these weights but the exact ones).
		{"4.9e-324", 5e-324, 8, true},
		{"1e-320", 1e-320, 6, true},
		{"-2.2250738585072011e-308", -2.2250738585072011e-308, 24, true},
		{"2.2250738585072014e-308", 0x1p-1022, 23, false},
		{"0x1p-1070", 0x1p-1070, 9, false},
		{"0x1.8p-1070", 0x1.8p-1070, 11, false},
		{"", 0, 0, false},
		{" ", 0, 0, false},
		{".", 0, 0, false},
		{"-", 0, 0, false},
		{"abc", 0, 0, false},
		{"1_000", 1, 1, false},
	}
	for _, tc := range cases {
		f, n, re := strtod([]byte(tc.in))
		if f != tc.want || n != tc.n || re != tc.rangeErr {
			t.Errorf("strtod(%q) = %v, %d, %v; want %v, %d, %v", tc.in, f, n, re, tc.want, tc.n, tc.rangeErr)
		}
	}
	for _, in := range []string{"nan", "NaN", "-nan", "nan(123)"} {
		if f, n, _ := strtod([]byte(in)); f == f || n != len(in) {
			t.Errorf("strtod(%q) = %v, %d", in, f, n)
		}
	}
}

func TestParseScore(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true},
		{"-1.5e2", -150, true},
		{"0x10", 16, true},
		{"inf", math.Inf(1), true},
		{"-inf", math.Inf(-1), true},
		{"1e-310", 1e-310, true},
		{"1e400", 0, false},
		{"1e-400", 0, false},
		{"nan", 0, false},
		{"", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1\x00", 0, false},
		{"abc", 0, false},
		{"(1", 0, false},
	}
	for _, tc := range cases {
		f, ok := ParseScore([]byte(tc.in))
		if ok != tc.ok || (ok && f != tc.want) {
			t.Errorf("ParseScore(%q) = %v, %v; want %v, %v", tc.in, f, ok, tc.want, tc.ok)
		}
	}
}

func TestParseScoreRange(t *testing.T) {
	cases := []struct {
		min, max string
		ok       bool
		want     ScoreRange
	}{
		{"1", "2", true, ScoreRange{Min: 1, Max: 2}},
		{"(1", "(2", true, ScoreRange{Min: 1, Max: 2, MinEx: true, MaxEx: true}},
		{"-inf", "+inf", true, ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}},
		{"", "(", true, ScoreRange{MaxEx: true}},
		{" 1", "2\x00junk", true, ScoreRange{Min: 1, Max: 2}},
		{"1e999", "-1e999", true, ScoreRange{Min: math.Inf(1), Max: math.Inf(-1)}},
		{"((1", "2", false, ScoreRange{}},
		{"1 ", "2", false, ScoreRange{}},
		{"nan", "2", false, ScoreRange{}},
		{"1", "(nan", false, ScoreRange{}},
		{"[1", "2", false, ScoreRange{}},
	}
	for _, tc := range cases {
		r, ok := ParseScoreRange([]byte(tc.min), []byte(tc.max))
		if ok != tc.ok || (ok && r != tc.want) {
			t.Errorf("ParseScoreRange(%q, %q) = %+v, %v; want %+v, %v", tc.min, tc.max, r, ok, tc.want, tc.ok)
		}
	}
}

func TestParseLexRange(t *testing.T) {
	cases := []struct {
		min, max string
		ok       bool
		in, out  []string // members inside and outside the range
		empty    bool
	}{
		{"-", "+", true, []string{"", "a", "\xff"}, nil, false},
		{"[b", "[d", true, []string{"b", "c", "d"}, []string{"a", "dd", "e"}, false},
		{"(b", "(d", true, []string{"bb", "c"}, []string{"b", "d"}, false},
		{"[", "(", true, nil, []string{"", "a"}, true},
		{"[", "[", true, []string{""}, []string{"a"}, false},
		{"+", "-", true, nil, []string{"a"}, true},
		{"-", "-", true, nil, []string{"a"}, true},
		{"+\x00x", "+", true, nil, []string{"a"}, true},
		{"[d", "[b", true, nil, []string{"c"}, true},
		{"-x", "+", false, nil, nil, false},
		{"a", "+", false, nil, nil, false},
		{"", "+", false, nil, nil, false},
	}
	for _, tc := range cases {
		r, ok := ParseLexRange([]byte(tc.min), []byte(tc.max))
		if ok != tc.ok {
			t.Errorf("ParseLexRange(%q, %q) ok = %v", tc.min, tc.max, ok)
			continue
		}
		if !ok {
			continue
		}
		if r.Empty() != tc.empty {
			t.Errorf("%q %q: Empty() = %v", tc.min, tc.max, r.Empty())
		}
		for _, m := range tc.in {
			if !r.Contains([]byte(m)) {
				t.Errorf("%q %q does not contain %q", tc.min, tc.max, m)
			}
		}
		for _, m := range tc.out {
			if r.Contains([]byte(m)) {
				t.Errorf("%q %q contains %q", tc.min, tc.max, m)
			}
		}
	}
}

// FuzzZRangeScore checks the score range parser: it never panics, what
// it accepts Redis's stricter score parser reads the same way, a bound
// printed as Redis prints scores reads back exactly, and an empty range
// contains neither of its bounds.
func FuzzZRangeScore(f *testing.F) {
	for _, s := range [][2]string{{"1", "2"}, {"(1.5", "+inf"}, {"-inf", "(0x1p3"}, {"", "("}, {" 1e400", "nan"}, {"1e-400", "2\x00x"}} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, min, max []byte) {
		if s, strict := ParseScore(min); strict {
			r, ok := ParseScoreRange(min, []byte("0"))
			if !ok || r.Min != s || r.MinEx {
				t.Fatalf("ParseScore(%q) = %v but the range reads %+v, %v", min, s, r, ok)
			}
		}
		r, ok := ParseScoreRange(min, max)
		if !ok {
			return
		}
		for _, b := range []struct {
			v  float64
			ex bool
		}{{r.Min, r.MinEx}, {r.Max, r.MaxEx}} {
			text := FormatScore(nil, b.v)
			if b.ex {
				text = append([]byte("("), text...)
			}
			back, ok := ParseScoreRange(text, text)
			if !ok || back.Min != b.v || back.MinEx != b.ex || math.Signbit(back.Min) != math.Signbit(b.v) {
				t.Fatalf("%v printed %q reads back %+v, %v", b.v, text, back, ok)
			}
		}
		if r.Empty() && (r.Contains(r.Min) || r.Contains(r.Max)) {
			t.Fatalf("empty range %+v contains a bound", r)
		}
	})
}

// FuzzZRangeLex checks the member range parser: it never panics, it
// accepts exactly the items Redis does, and an empty range contains
// nothing.
func FuzzZRangeLex(f *testing.F) {
	for _, s := range [][2]string{{"-", "+"}, {"[a", "(b"}, {"(", "["}, {"+\x00", "-"}, {"a", "+"}, {"", "-x"}} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	valid := func(b []byte) bool {
		if len(b) == 0 {
			return false
		}
		switch b[0] {
		case '[', '(':
			return true
		case '-', '+':
			return len(b) == 1 || b[1] == 0
		}
		return false
	}
	f.Fuzz(func(t *testing.T, min, max []byte) {
		r, ok := ParseLexRange(min, max)
		if ok != (valid(min) && valid(max)) {
			t.Fatalf("ParseLexRange(%q, %q) ok = %v", min, max, ok)
		}
		if !ok || !r.Empty() {
			return
		}
		for _, m := range [][]byte{nil, {}, min, max, min[1:], max[1:], []byte("a"), {0xff}} {
			if r.Contains(m) {
				t.Fatalf("empty range %q %q contains %q", min, max, m)
			}
		}
	})
}
