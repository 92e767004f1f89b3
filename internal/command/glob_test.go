package command

import (
	"strings"
	"testing"
)

// TestMatchGlob checks matchGlob against what redis-server 7.0 answered
// for each pattern and string (KEYS with one key; COMMAND LIST FILTERBY
// PATTERN for the case-insensitive ones).
func TestMatchGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		// Note "*" against "" is false: KEYS * and SCAN MATCH * only
		// return the empty key because they skip matching altogether.
		{"*", "", false},
		{"", "", true},
		{"", "a", false},
		{"*", "anything", true},
		{"**", "", false},
		{"a*", "a", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "abcb", false},
		{"a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"?", "", false},
		{"?", "a", true},
		{"?", "ab", false},
		{"h?llo", "hello", true},
		{"h?llo", "hllo", false},
		{"*?", "", false},
		{"*?*", "x", true},
		{"h[ae]llo", "hello", true},
		{"h[ae]llo", "hallo", true},
		{"h[ae]llo", "hillo", false},
		{"h[^e]llo", "hallo", true},
		{"h[^e]llo", "hello", false},
		{"h[a-b]llo", "hbllo", true},
		{"h[a-b]llo", "hcllo", false},
		{"h[b-a]llo", "hallo", true},
		{"[a-]", "-", false},
		{"[a-]", "a", true},
		{"[a-]x", "]", true},
		{"[a-]x]", "bx]", false},
		{"[-a]", "-", true},
		{"[]]", "]", false},
		{"[]", "", false},
		{"[]", "a", false},
		{"[]a]", "a", false},
		{"[]a]", "]a]", false},
		{"[!a]", "b", false},
		{"[!a]", "!", true},
		{"a[bc", "ab", true},
		{"a[bc", "ac", true},
		{"a[bc", "ad", false},
		{"a[", "a", false},
		{"a[", "ab", false},
		{"a[^", "ab", true},
		{"a[^", "a", false},
		{"[^", "x", true},
		{"[", "x", false},
		{"\\*", "*", true},
		{"\\*", "a", false},
		{"\\?", "?", true},
		{"\\?", "a", false},
		{"\\", "\\", true},
		{"a\\", "a\\", true},
		{"a\\", "a", false},
		{"\\\\", "\\", true},
		{"\\a", "a", true},
		{"[\\]]", "]", true},
		{"[\\-]", "-", true},
		{"[a\\-z]", "b", false},
		{"[a\\-z]", "-", true},
		{"[\\", "\\", true},
		{"[\\", "x", false},
		{"[a\\", "\\", true},
		{"[\\^a]", "^", true},
		{"[^\\]]", "]", false},
		{"[^\\]]", "x", true},
		{"[[]", "[", true},
		{"[*]", "*", true},
		{"[*]", "a", false},
		{"[?]", "a", false},
		{"*[", "abc[", false},
		{"*]", "]", true},
		{"]", "]", true},
		{"^", "^", true},
		{"-", "-", true},
		{"a*[b", "axb", true},
		{"a*[b", "ax", false},
		{"[a-z]*", "Hello", false},
		{"[A-Z]*", "Hello", true},
		{"user:*:name", "user:42:name", true},
		{"user:*:name", "user:42:mail", false},
		{"\x80", "\x80", true},
		{"[\x80-\xff]", "\x90", true},
		{"[a-\xff]", "b", false},
		{"[a-\xff]", "\xff", true},
		{"[a-\xff]", "\x10", true},
		{"[\x00-a]", "\x80", false},
		{"a\x00b", "a\x00b", true},
		{"a?b", "a\x00b", true},
		{"*\x00", "x\x00", true},
	}
	for _, tc := range cases {
		if got := matchGlob([]byte(tc.pattern), []byte(tc.s), false); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestMatchGlobNocase(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"GET", "get", true},
		{"g?T", "get", true},
		{"[F-H]et", "get", true},
		{"[^a-f]et", "get", true},
		{"[^a-f]et", "set", true},
		{"[^a-f]et", "bet", false},
		// The ends are swapped before they are folded: [a-F] is [F-a],
		// which folds to the empty [f-a].
		{"[a-F]et", "get", false},
		// An escaped byte in brackets compares exactly.
		{"[\\G]et", "get", false},
		{"G\\ET", "get", true},
		{"CLIENT|*", "client|list", true},
		{"*|LIST", "acl|list", true},
		{"*|LIST", "acl|log", false},
	}
	for _, tc := range cases {
		if got := matchGlob([]byte(tc.pattern), []byte(tc.s), true); got != tc.want {
			t.Errorf("matchGlob(%q, %q, nocase) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// TestMatchGlobNoBlowUp: a pattern of many stars that cannot match must
// fail in linear-ish time, not by trying every split (CVE-2022-36021).
func TestMatchGlobNoBlowUp(t *testing.T) {
	pattern := []byte(strings.Repeat("a*", 30) + "b")
	s := []byte(strings.Repeat("a", 5000))
	if matchGlob(pattern, s, false) {
		t.Fatal("matched")
	}
}
