package command

// matchGlob reports whether s matches the glob pattern, with exactly the
// semantics of Redis's stringmatchlen (KEYS, SCAN MATCH, CONFIG GET,
// COMMAND LIST FILTERBY PATTERN, PSUBSCRIBE):
//
//   - '*' matches any run of bytes, '?' any one byte;
//   - '[abc]', '[^abc]' and ranges '[a-z]' (either order, '[z-a]' too)
//     match one byte; inside brackets '\' escapes the next byte;
//   - '\x' matches x literally; a trailing '\' matches a '\';
//   - an unterminated '[' set ends with the pattern ("a[bc" is "a[bc]"),
//     and "[^" at the very end matches any byte, as in Redis.
//
// nocase folds ASCII letters, except for escaped bytes inside brackets,
// which Redis compares exactly.
func matchGlob(pattern, s []byte, nocase bool) bool {
	skipLonger := false
	return globMatchFrom(pattern, s, nocase, &skipLonger)
}

// globAt reads p[i], or 0 past its end: Redis's patterns are C strings and
// its matcher looks one byte past the end in a few places.
func globAt(p []byte, i int) byte {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// globMatchFrom is stringmatchlen_impl. skipLonger is set once the text after a
// '*' matched nowhere in the rest of s: no earlier '*' can then help by
// swallowing more, which keeps patterns like "a*a*a*a*b" from taking
// exponential time.
func globMatchFrom(p, s []byte, nocase bool, skipLonger *bool) bool {
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && globAt(p, 1) == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if globMatchFrom(p[1:], s, nocase, skipLonger) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			*skipLonger = true
			return false
		case '?':
			p, s = p[1:], s[1:]
		case '[':
			rest, ok := globBracket(p[1:], s[0], nocase)
			if !ok {
				return false
			}
			p, s = rest, s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if !globEqual(p[0], s[0], nocase) {
				return false
			}
			p, s = p[1:], s[1:]
		}
		if len(s) == 0 {
			for globAt(p, 0) == '*' {
				p = p[1:]
			}
		}
	}
	return len(p) == 0 && len(s) == 0
}

// globBracket matches c against the bracket expression p starts (just past
// the '[') and returns the pattern after its closing ']'. An unterminated
// set runs to the end of the pattern.
func globBracket(p []byte, c byte, nocase bool) ([]byte, bool) {
	not := globAt(p, 0) == '^'
	if not {
		p = p[1:]
	}
	match := false
	for {
		switch {
		case globAt(p, 0) == '\\' && len(p) >= 2:
			// Escaped bytes compare exactly, even with nocase.
			p = p[1:]
			if p[0] == c {
				match = true
			}
		case globAt(p, 0) == ']':
			return p[1:], match != not
		case len(p) == 0:
			return p, match != not
		case len(p) >= 3 && p[1] == '-':
			if globInRange(p[0], p[2], c, nocase) {
				match = true
			}
			p = p[2:]
		default:
			if globEqual(p[0], c, nocase) {
				match = true
			}
		}
		p = p[1:]
	}
}

// globInRange reports whether c lies between the range ends a and b, in
// either order. Redis compares C chars, which are signed: bytes from 0x80
// up sort before 0x00, and we keep that.
func globInRange(a, b, c byte, nocase bool) bool {
	lo, hi, x := int(int8(a)), int(int8(b)), int(int8(c))
	if lo > hi {
		lo, hi = hi, lo
	}
	if nocase {
		lo, hi, x = globFoldInt(lo), globFoldInt(hi), globFoldInt(x)
	}
	return lo <= x && x <= hi
}

func globEqual(a, b byte, nocase bool) bool {
	if !nocase {
		return a == b
	}
	return globFold(a) == globFold(b)
}

func globFold(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func globFoldInt(c int) int {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
