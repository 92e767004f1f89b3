package resp

import (
	"slices"
	"testing"
)

// The expected splits were taken from redis-server 7.0, by sending each
// line as an inline command and reading back the arguments it quoted.
func TestSplitArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string // nil: unbalanced quotes
	}{
		{"", []string{}},
		{"   \t ", []string{}},
		{"set k v", []string{"set", "k", "v"}},
		{"  a   b  ", []string{"a", "b"}},
		{"a\tb\rc\nd", []string{"a", "b", "c", "d"}},
		// Unquoted words end only at space, \t, \r and \n; \v and \f are
		// skipped between words but kept inside one.
		{"a\vb \fc\f", []string{"a\vb", "c\f"}},
		{`"a b" c`, []string{"a b", "c"}},
		{`"" ''`, []string{"", ""}},
		{`a"b c" e`, []string{"ab c", "e"}},
		{`a'b c' d`, []string{"ab c", "d"}},
		{`"\x41\x4a" "\x4" "\xzz" "\x4G"`, []string{"AJ", "x4", "xzz", "x4G"}},
		{`"\xff\x00"`, []string{"\xff\x00"}},
		{`"\n\r\t\b\a\"\\\q"`, []string{"\n\r\t\b\a\"\\q"}},
		{`'a\'b' 'a\nb' 'a"b' 'a\\b'`, []string{"a'b", `a\nb`, `a"b`, `a\\b`}},
		{"\"a\"\t\"b\"", []string{"a", "b"}},
		{"\"a\"\v", []string{"a"}},
		{"'a'\r\r", []string{"a"}},
		// A NUL ends the line, as in C.
		{"a\x00b c", []string{"a"}},
		{"\"a\x00b\"", nil},
		{`"a`, nil},
		{`'a`, nil},
		{`"a"b`, nil},
		{`'a'b`, nil},
		{`"a\"`, nil},
		{`"a\`, nil},
		{`'a\'`, nil},
		{`'''`, nil},
		{`""""`, nil},
	}
	for _, tt := range tests {
		got, ok := SplitArgs([]byte(tt.line), nil)
		if tt.want == nil {
			if ok {
				t.Errorf("SplitArgs(%q) = %q, want unbalanced quotes", tt.line, got)
			}
			continue
		}
		words := []string{}
		for _, w := range got {
			words = append(words, string(w))
		}
		if !ok || !slices.Equal(words, tt.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tt.line, words, ok, tt.want)
		}
	}
}

func TestSplitArgsAppends(t *testing.T) {
	dst := [][]byte{[]byte("x")}
	got, ok := SplitArgs([]byte("a b"), dst)
	if !ok || len(got) != 3 || string(got[0]) != "x" || string(got[2]) != "b" {
		t.Fatalf("got %q, %v", got, ok)
	}
}
