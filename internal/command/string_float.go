package command

import (
	"bytes"
	"math/big"
	"strings"
)

// longDouble is a number as Redis's INCRBYFLOAT holds it: an x87 80-bit
// long double, 64 bits of mantissa. Go has no such type, so it is a
// big.Float of that precision, which rounds every parse and sum exactly as
// the hardware does (to nearest, ties to even); only the exponent range is
// checked by hand. Doing it in float64 instead would turn "0.2" + "0.1"
// into "0.30000000000000004" where Redis stores "0.3".
type longDouble struct{ f *big.Float }

const (
	longDoublePrec = 64
	// maxLongDoubleChars is the longest number string Redis parses
	// (MAX_LONG_DOUBLE_CHARS).
	maxLongDoubleChars = 5 * 1024
	// A long double's binary exponent range, as big.Float.MantExp counts
	// it (mantissa in [0.5, 1)): above maxExp is infinity, below minExp
	// (half the smallest subnormal) is zero.
	longDoubleMaxExp = 16384
	longDoubleMinExp = -16444
)

func newLongDouble() *big.Float {
	return new(big.Float).SetPrec(longDoublePrec).SetMode(big.ToNearestEven)
}

// parseLongDouble reads a number as Redis's string2ld does with strtold:
// decimal or hexadecimal ("0x1p3"), optional sign, "inf" and "infinity";
// no leading space, nothing after the number (a NUL byte included), no
// NaN, and a value that overflows or underflows to zero is refused.
func parseLongDouble(b []byte) (longDouble, bool) {
	if len(b) == 0 || len(b) >= maxLongDoubleChars {
		return longDouble{}, false
	}
	if isSpace(b[0]) {
		return longDouble{}, false
	}
	s := string(b)
	neg, body := false, s
	if body[0] == '+' || body[0] == '-' {
		neg, body = body[0] == '-', body[1:]
	}
	switch {
	case strings.EqualFold(body, "inf") || strings.EqualFold(body, "infinity"):
		return longDouble{newLongDouble().SetInf(neg)}, true
	case len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'):
		return parseHexLongDouble(s, body[2:])
	}
	return parseDecimalLongDouble(neg, body)
}

// parseDecimalLongDouble converts digits[.digits][e[sign]digits], rounding
// once from the exact value.
func parseDecimalLongDouble(neg bool, s string) (longDouble, bool) {
	mant, i := scanDigits(s, 0, isDigit)
	frac := 0
	if i < len(s) && s[i] == '.' {
		var f string
		f, i = scanDigits(s, i+1, isDigit)
		mant += f
		frac = len(f)
	}
	if mant == "" {
		return longDouble{}, false
	}
	exp, i := scanExponent(s, i, 'e')
	if i != len(s) {
		return longDouble{}, false
	}
	mant = strings.TrimLeft(mant, "0")
	f := newLongDouble()
	if mant == "" {
		if neg {
			f.Neg(f) // -0, which Redis prints as 0
		}
		return longDouble{f}, true
	}
	// The number of digits is bounded, so an exponent this large makes
	// the value overflow or underflow whatever the digits are.
	exp -= int64(frac)
	if exp > 20000 || exp < -20000 {
		return longDouble{}, false
	}
	r, _ := new(big.Rat).SetString(mant)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(exp)), nil)
	if exp >= 0 {
		r.Mul(r, new(big.Rat).SetInt(pow))
	} else {
		r.Quo(r, new(big.Rat).SetInt(pow))
	}
	f.SetRat(r)
	if neg {
		f.Neg(f)
	}
	return longDouble{f}.inRange()
}

// parseHexLongDouble converts 0xhex[.hex][p[sign]digits]; s is the whole
// number, body what follows the 0x.
func parseHexLongDouble(s, body string) (longDouble, bool) {
	mant, i := scanDigits(body, 0, isHexDigit)
	if i < len(body) && body[i] == '.' {
		var f string
		f, i = scanDigits(body, i+1, isHexDigit)
		mant += f
	}
	if mant == "" {
		return longDouble{}, false
	}
	exp, i := scanExponent(body, i, 'p')
	if i != len(body) || exp > 100000 || exp < -100000 {
		return longDouble{}, false
	}
	f, _, err := newLongDouble().Parse(s, 0)
	if err != nil {
		return longDouble{}, false
	}
	return longDouble{f}.inRange()
}

// scanDigits returns the run of digits of s from i and where it ends.
func scanDigits(s string, i int, digit func(byte) bool) (string, int) {
	start := i
	for i < len(s) && digit(s[i]) {
		i++
	}
	return s[start:i], i
}

// scanExponent reads an optional exponent marked by e (or its upper
// case) at s[i:]. A marker not followed by digits is not part of the
// number, as strtold sees it, which leaves characters over.
func scanExponent(s string, i int, marker byte) (int64, int) {
	if i >= len(s) || (s[i]|0x20) != marker {
		return 0, i
	}
	j := i + 1
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	digits, end := scanDigits(s, j, isDigit)
	if digits == "" {
		return 0, i
	}
	var exp int64
	for k := range len(digits) {
		if exp < 1e9 {
			exp = exp*10 + int64(digits[k]-'0')
		}
	}
	if neg {
		exp = -exp
	}
	return exp, end
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// inRange refuses a finite value outside a long double's range, as
// strtold's ERANGE is refused by Redis.
func (x longDouble) inRange() (longDouble, bool) {
	if x.f.Sign() == 0 || x.f.IsInf() {
		return x, true
	}
	exp := x.f.MantExp(nil)
	if exp > longDoubleMaxExp || exp < longDoubleMinExp {
		return longDouble{}, false
	}
	return x, true
}

// add returns x+y, or false when the sum is infinite or not a number.
func (x longDouble) add(y longDouble) (longDouble, bool) {
	if x.f == nil {
		x.f = newLongDouble()
	}
	if x.f.IsInf() || y.f.IsInf() {
		return longDouble{}, false
	}
	sum := newLongDouble().Add(x.f, y.f)
	if sum.Sign() != 0 && sum.MantExp(nil) > longDoubleMaxExp {
		return longDouble{}, false
	}
	return longDouble{sum}, true
}

// human formats x as Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf",
// then trailing zeros and a trailing point dropped, and "-0" written "0".
func (x longDouble) human() []byte {
	b := x.f.Append(nil, 'f', 17)
	if bytes.IndexByte(b, '.') >= 0 {
		b = bytes.TrimRight(b, "0")
		b = bytes.TrimSuffix(b, []byte("."))
	}
	if string(b) == "-0" {
		b = b[1:]
	}
	return b
}
