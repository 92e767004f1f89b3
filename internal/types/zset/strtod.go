package zset

import (
	"math"
	"math/big"
	"strconv"
)

// strtod reads a number at the start of b as C's strtod does in the "C"
// locale, which is what Redis parses scores and range bounds with:
// leading white space, an optional sign, then "inf", "infinity", "nan"
// (with an optional "(chars)"), a hexadecimal float ("0x1.8p3", the
// exponent optional) or a decimal one ("1.5e3", "1.", ".5"). It returns
// the value, how many bytes it used (0 when no number was found, as
// strtod's end pointer left at the start) and whether the value
// overflowed or underflowed (strtod's ERANGE): an overflow is ±Inf, an
// underflow 0 or, when rounded, a subnormal.
func strtod(b []byte) (f float64, n int, rangeErr bool) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	start := i
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	neg := i > start && b[start] == '-'
	if end, ok := matchWord(b, i, "inf"); ok {
		if end8, ok := matchWord(b, i, "infinity"); ok {
			end = end8
		}
		return math.Inf(sign(neg)), end, false
	}
	if end, ok := matchWord(b, i, "nan"); ok {
		return math.NaN(), nanPayloadEnd(b, end), false
	}
	if end, ok := hexMantissaEnd(b, i); ok {
		return parseNumber(b[start:end], b[i:end], true, neg, end)
	}
	end, ok := decimalEnd(b, i)
	if !ok {
		return 0, 0, false
	}
	return parseNumber(b[start:end], b[i:end], false, neg, end)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func sign(neg bool) int {
	if neg {
		return -1
	}
	return 1
}

// matchWord reports whether b[i:] starts with word, ignoring ASCII case,
// and where the word ends.
func matchWord(b []byte, i int, word string) (int, bool) {
	if len(b)-i < len(word) {
		return 0, false
	}
	for k := range len(word) {
		if b[i+k]|0x20 != word[k] {
			return 0, false
		}
	}
	return i + len(word), true
}

// nanPayloadEnd skips the "(n-char-sequence)" strtod accepts after "nan".
func nanPayloadEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '(' {
		return i
	}
	for j := i + 1; j < len(b); j++ {
		c := b[j]
		switch {
		case c == ')':
			return j + 1
		case isAlnum(c) || c == '_':
		default:
			return i
		}
	}
	return i
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }
func isAlnum(c byte) bool    { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') }

// digitsEnd returns where the run of digits at b[i:] ends.
func digitsEnd(b []byte, i int, digit func(byte) bool) int {
	for i < len(b) && digit(b[i]) {
		i++
	}
	return i
}

// mantissaEnd reads digits[.digits] at b[i:] and reports whether there
// was at least one digit.
func mantissaEnd(b []byte, i int, digit func(byte) bool) (int, bool) {
	j := digitsEnd(b, i, digit)
	some := j > i
	if j < len(b) && b[j] == '.' {
		k := digitsEnd(b, j+1, digit)
		some = some || k > j+1
		j = k
	}
	return j, some
}

// exponentEnd reads an exponent marked by marker (e or p, either case)
// at b[i:]: a marker without digits after it is not part of the number.
func exponentEnd(b []byte, i int, marker byte) int {
	if i >= len(b) || b[i]|0x20 != marker {
		return i
	}
	j := i + 1
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	k := digitsEnd(b, j, isDigit)
	if k == j {
		return i
	}
	return k
}

// hexMantissaEnd reads a hexadecimal float at b[i:]; "0x" not followed
// by a hexadecimal digit is not one (strtod then reads the "0").
func hexMantissaEnd(b []byte, i int) (int, bool) {
	if len(b)-i < 2 || b[i] != '0' || b[i+1]|0x20 != 'x' {
		return 0, false
	}
	j, ok := mantissaEnd(b, i+2, isHexDigit)
	if !ok {
		return 0, false
	}
	return exponentEnd(b, j, 'p'), true
}

func decimalEnd(b []byte, i int) (int, bool) {
	j, ok := mantissaEnd(b, i, isDigit)
	if !ok {
		return 0, false
	}
	return exponentEnd(b, j, 'e'), true
}

// parseNumber converts the number strtod delimited: s with its sign, body
// without. Go's parser rounds exactly as glibc's does; it wants a 'p'
// exponent in hexadecimal floats, so one is added.
func parseNumber(s, body []byte, hex, neg bool, end int) (float64, int, bool) {
	text := string(s)
	if hex && !hasByteFold(body, 'p') {
		text += "p0"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, 0, false // not reached: the syntax was checked above
	}
	if math.IsInf(f, 0) {
		return f, end, true
	}
	if f == 0 && hasNonZeroDigit(body, hex) {
		return math.Copysign(0, float64(sign(neg))), end, true
	}
	return f, end, isSubnormal(f) && !isExact(text, f)
}

// isSubnormal reports whether f is below the smallest normal float64 (but
// not zero): glibc's strtod says ERANGE for such a result when it had to
// round (redis-server's SORT refuses "1e-320" and "4.9e-324" as weights,
// not "0x1p-1070").
func isSubnormal(f float64) bool { return f != 0 && math.Abs(f) < 0x1p-1022 }

// isExact reports whether the number text spells is exactly f.
func isExact(text string, f float64) bool {
	r, ok := new(big.Rat).SetString(text)
	return ok && r.Cmp(new(big.Rat).SetFloat64(f)) == 0
}

func hasByteFold(b []byte, c byte) bool {
	for _, x := range b {
		if x|0x20 == c {
			return true
		}
	}
	return false
}

// hasNonZeroDigit reports whether a number's mantissa has a digit other
// than 0, so that a zero result means it underflowed.
func hasNonZeroDigit(body []byte, hex bool) bool {
	if hex {
		body = body[2:]
	}
	marker := byte('e')
	if hex {
		marker = 'p'
	}
	for _, c := range body {
		if c|0x20 == marker {
			return false
		}
		if c != '0' && c != '.' {
			return true
		}
	}
	return false
}

// ParseScore reads a score as Redis's getDoubleFromObject does (ZADD,
// ZINCRBY, WEIGHTS): the whole argument must be the number, with no
// leading space; NaN and values that overflow or underflow to zero are
// refused; "inf" and "-inf" are fine.
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || isSpace(b[0]) {
		return 0, false
	}
	f, n, rangeErr := strtod(b)
	if n != len(b) || f != f || (rangeErr && (math.IsInf(f, 0) || f == 0)) {
		return 0, false
	}
	return f, true
}

// Strtod is C's strtod in the "C" locale, for the commands that parse
// numbers as Redis does with a bare strtod (SORT's weights): the value,
// how many bytes it used, and whether it overflowed or underflowed.
func Strtod(b []byte) (f float64, n int, rangeErr bool) { return strtod(b) }
