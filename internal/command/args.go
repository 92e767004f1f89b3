package command

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/shoal-cache/shoal/internal/resp"
)

// parseInt reads an integer argument with Redis's strict syntax (no spaces,
// no plus sign, no leading zeros).
func parseInt(b []byte) (int64, bool) { return resp.ParseInt(b) }

// parseFloat reads a float argument as Redis's string2ld does: no leading
// or trailing space, no NaN; "inf" and "-inf" are allowed.
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpace(b[0]) || isSpace(b[len(b)-1]) {
		return 0, false
	}
	s := string(b)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	if f != f || strings.ContainsAny(s, "_xXpP") || strings.EqualFold(s, "nan") {
		return 0, false
	}
	return f, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// is reports whether arg equals word, ignoring ASCII case. word is lower case.
func is(arg []byte, word string) bool {
	if len(arg) != len(word) {
		return false
	}
	for i := range len(arg) {
		c := arg[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

// cString returns b up to its first NUL byte: Redis formats arguments into
// some error messages with C's %s, which stops there.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}
