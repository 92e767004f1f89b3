package zset

import "bytes"

// ScoreRange is a score interval as ZRANGEBYSCORE and friends take it:
// "1.5" includes the bound, "(1.5" excludes it, "-inf" and "+inf" are
// open ends.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// ParseScoreRange reads min and max as Redis's zslParseRange does: each
// an optional "(" then what C's strtod reads, which must end the argument
// or be followed by a NUL byte (Redis's arguments are C strings there).
// Leading white space is allowed, an empty bound is 0, NaN is refused and
// an out-of-range number is ±inf or 0.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var ok bool
	if r.Min, r.MinEx, ok = parseScoreBound(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, ok = parseScoreBound(max); !ok {
		return r, false
	}
	return r, true
}

func parseScoreBound(b []byte) (f float64, ex, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		b, ex = b[1:], true
	}
	f, n, _ := strtod(b)
	if (n < len(b) && b[n] != 0) || f != f {
		return 0, false, false
	}
	return f, ex, true
}

// GteMin reports whether score is at or above the range's start.
func (r ScoreRange) GteMin(score float64) bool {
	if r.MinEx {
		return score > r.Min
	}
	return score >= r.Min
}

// LteMax reports whether score is at or below the range's end.
func (r ScoreRange) LteMax(score float64) bool {
	if r.MaxEx {
		return score < r.Max
	}
	return score <= r.Max
}

// Empty reports whether no score can be in the range.
func (r ScoreRange) Empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// Contains reports whether score is in the range.
func (r ScoreRange) Contains(score float64) bool { return r.GteMin(score) && r.LteMax(score) }

// lexBound is one end of a LexRange: a string, or the "-" (smaller than
// every string) and "+" (greater than every string) ends.
type lexBound struct {
	s      []byte
	inf    int8 // -1 for "-", +1 for "+", 0 for a string
	exclus bool
}

// LexRange is a member interval as ZRANGEBYLEX and friends take it:
// "[a" includes a, "(a" excludes it, "-" and "+" are the open ends.
type LexRange struct{ min, max lexBound }

// ParseLexRange reads min and max as Redis's zslParseLexRange does. The
// bound strings alias the arguments.
func ParseLexRange(min, max []byte) (LexRange, bool) {
	var r LexRange
	var ok bool
	if r.min, ok = parseLexBound(min); !ok {
		return r, false
	}
	if r.max, ok = parseLexBound(max); !ok {
		return r, false
	}
	return r, true
}

// parseLexBound reads "-", "+", "[str" or "(str". Redis checks the
// character after "-" and "+" as a C string's, so a NUL byte may follow.
func parseLexBound(b []byte) (lexBound, bool) {
	if len(b) == 0 {
		return lexBound{}, false
	}
	switch b[0] {
	case '-', '+':
		if len(b) > 1 && b[1] != 0 {
			return lexBound{}, false
		}
		inf := int8(-1)
		if b[0] == '+' {
			inf = 1
		}
		return lexBound{inf: inf, exclus: true}, true
	case '(':
		return lexBound{s: b[1:], exclus: true}, true
	case '[':
		return lexBound{s: b[1:]}, true
	}
	return lexBound{}, false
}

// compareLex compares a member with a bound as Redis's sdscmplex does.
func compareLex(member []byte, b lexBound) int {
	if b.inf != 0 {
		return -int(b.inf)
	}
	return bytes.Compare(member, b.s)
}

// GteMin reports whether member is at or after the range's start.
func (r LexRange) GteMin(member []byte) bool {
	c := compareLex(member, r.min)
	return c > 0 || (c == 0 && !r.min.exclus)
}

// LteMax reports whether member is at or before the range's end.
func (r LexRange) LteMax(member []byte) bool {
	c := compareLex(member, r.max)
	return c < 0 || (c == 0 && !r.max.exclus)
}

// Empty reports whether the range is empty whatever the members: its
// start after its end, or at it with either end excluded ("-" and "+"
// count as excluded, so "- -" is empty).
func (r LexRange) Empty() bool {
	var c int
	switch {
	case r.min.inf != 0 && r.min.inf == r.max.inf:
		c = 0
	case r.min.inf == -1 || r.max.inf == 1:
		c = -1
	case r.min.inf == 1 || r.max.inf == -1:
		c = 1
	default:
		c = bytes.Compare(r.min.s, r.max.s)
	}
	return c > 0 || (c == 0 && (r.min.exclus || r.max.exclus))
}

// Contains reports whether member is in the range.
func (r LexRange) Contains(member []byte) bool { return r.GteMin(member) && r.LteMax(member) }
