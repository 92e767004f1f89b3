package resp

import (
	"bytes"
	"testing"
)

func TestAppendRepr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{`a "b" \c`, `"a \"b\" \\c"`},
		{"\n\r\t\a\b", `"\n\r\t\a\b"`},
		{"\x00\x1f\x7f\xff", `"\x00\x1f\x7f\xff"`},
		{"é", `"\xc3\xa9"`},
	}
	for _, tt := range tests {
		if got := string(AppendRepr([]byte("x="), []byte(tt.in))); got != "x="+tt.want {
			t.Errorf("AppendRepr(%q) = %s, want x=%s", tt.in, got, tt.want)
		}
	}
}

// FuzzReprSplitArgs checks that SplitArgs reads back, as one word, what
// AppendRepr wrote: config files written by CONFIG REWRITE depend on it.
func FuzzReprSplitArgs(f *testing.F) {
	for _, s := range []string{"", "a b", `"'\`, "\x00\xff\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		words, ok := SplitArgs(AppendRepr([]byte("name "), s), nil)
		if !ok || len(words) != 2 || !bytes.Equal(words[1], s) {
			t.Fatalf("SplitArgs(AppendRepr(%q)) = %q, %v", s, words, ok)
		}
	})
}
