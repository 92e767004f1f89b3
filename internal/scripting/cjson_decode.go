package scripting

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// The JSON decoder, token by token as lua-cjson's, so that its errors
// read the same: "Expected comma or array end but found T_END at
// character 5".

type jsonToken int

const (
	tObjBegin jsonToken = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = []string{"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"}

// jsonCharTokens classifies a token's first byte as lua-cjson does; a
// NUL ends the input, as it ends a C string.
var jsonCharTokens = func() (t [256]jsonToken) {
	for i := range t {
		t[i] = tError
	}
	for c, tok := range map[byte]jsonToken{'{': tObjBegin, '}': tObjEnd, '[': tArrBegin, ']': tArrEnd,
		',': tComma, ':': tColon, 0: tEnd, ' ': tWhitespace, '\t': tWhitespace, '\n': tWhitespace, '\r': tWhitespace} {
		t[c] = tok
	}
	for _, c := range []byte("fiInNt\"+-0123456789") {
		t[c] = tUnknown
	}
	return t
}()

type jsonTok struct {
	kind  jsonToken
	index int // where the token starts (or the error is)
	str   string
	num   float64
	bool  bool
	err   string
}

type jsonDecoder struct {
	L     *lua.LState
	s     string
	pos   int
	depth int
	null  *lua.LUserData
}

func decodeJSON(L *lua.LState, s string, null *lua.LUserData) lua.LValue {
	if len(s) >= 2 && (s[0] == 0 || s[1] == 0) {
		L.RaiseError("JSON parser does not support UTF-16 or UTF-32")
	}
	d := &jsonDecoder{L: L, s: s, null: null}
	v := d.value(d.next())
	if tok := d.next(); tok.kind != tEnd {
		d.fail("the end", tok)
	}
	return v
}

func (d *jsonDecoder) at(i int) byte {
	if i < len(d.s) {
		return d.s[i]
	}
	return 0
}

func (d *jsonDecoder) fail(expected string, tok jsonTok) {
	found := tok.err
	if tok.kind != tError {
		found = jsonTokenNames[tok.kind]
	}
	d.L.RaiseError("Expected %s but found %s at character %d", expected, found, tok.index+1)
}

func (d *jsonDecoder) errorTok(msg string) jsonTok {
	return jsonTok{kind: tError, index: d.pos, err: msg}
}

func (d *jsonDecoder) next() jsonTok {
	for jsonCharTokens[d.at(d.pos)] == tWhitespace {
		d.pos++
	}
	tok := jsonTok{kind: jsonCharTokens[d.at(d.pos)], index: d.pos}
	switch tok.kind {
	case tError:
		return d.errorTok("invalid token")
	case tEnd:
		return tok
	case tUnknown:
		return d.unknown()
	}
	d.pos++
	return tok
}

// unknown reads a token that needs more than its first byte: a string,
// a number, true, false or null.
func (d *jsonDecoder) unknown() jsonTok {
	rest := d.s[d.pos:]
	tok := jsonTok{index: d.pos}
	switch c := rest[0]; {
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case strings.HasPrefix(rest, "true"):
		tok.kind, tok.bool = tBoolean, true
		d.pos += 4
	case strings.HasPrefix(rest, "false"):
		tok.kind = tBoolean
		d.pos += 5
	case strings.HasPrefix(rest, "null"):
		tok.kind = tNull
		d.pos += 4
	case invalidJSONNumber(rest):
		return d.number()
	default:
		return d.errorTok("invalid token")
	}
	return tok
}

// invalidJSONNumber reports what lua-cjson takes for a number JSON does
// not allow but strtod reads (+1, hex, inf, nan); it decodes them.
func invalidJSONNumber(s string) bool {
	if s[0] == '+' {
		return true
	}
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	if s[0] == '0' && len(s) > 1 {
		return s[1]|0x20 == 'x' || s[1] >= '0' && s[1] <= '9'
	}
	if s[0] <= '9' {
		return false
	}
	lower := strings.ToLower(s[:min(3, len(s))])
	return lower == "inf" || lower == "nan"
}

func (d *jsonDecoder) number() jsonTok {
	f, n := strtod(d.s[d.pos:])
	if n == 0 {
		return d.errorTok("invalid number")
	}
	tok := jsonTok{kind: tNumber, index: d.pos, num: f}
	d.pos += n
	return tok
}

func (d *jsonDecoder) str() jsonTok {
	start := d.pos
	d.pos++ // the opening quote
	var b strings.Builder
	for {
		c := d.at(d.pos)
		switch {
		case c == '"':
			d.pos++
			return jsonTok{kind: tString, index: start, str: b.String()}
		case c == 0:
			return d.errorTok("unexpected end of string")
		case c != '\\':
			b.WriteByte(c)
			d.pos++
			continue
		}
		esc := d.at(d.pos + 1)
		if esc == 'u' {
			r, n := d.unicodeEscape()
			if n == 0 {
				return d.errorTok("invalid unicode escape code")
			}
			b.WriteString(r)
			d.pos += n
			continue
		}
		ch, ok := map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[esc]
		if !ok {
			return d.errorTok("invalid escape code")
		}
		b.WriteByte(ch)
		d.pos += 2
	}
}

// unicodeEscape decodes \uXXXX (a surrogate pair takes two) at d.pos into
// UTF-8; n is the bytes consumed, 0 when the escape is invalid.
func (d *jsonDecoder) unicodeEscape() (string, int) {
	hex4 := func(at int) (rune, bool) {
		if at+4 > len(d.s) {
			return 0, false
		}
		v, err := strconv.ParseUint(d.s[at:at+4], 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex4(d.pos + 2)
	switch {
	case !ok || r >= 0xDC00 && r <= 0xDFFF:
		return "", 0
	case r >= 0xD800 && r <= 0xDBFF:
		if d.at(d.pos+6) != '\\' || d.at(d.pos+7) != 'u' {
			return "", 0
		}
		low, ok := hex4(d.pos + 8)
		if !ok || low < 0xDC00 || low > 0xDFFF {
			return "", 0
		}
		r = 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
		return string(utf8.AppendRune(nil, r)), 12
	}
	return string(utf8.AppendRune(nil, r)), 6
}

func (d *jsonDecoder) value(tok jsonTok) lua.LValue {
	switch tok.kind {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.bool)
	case tNull:
		return d.null
	case tObjBegin:
		return d.object()
	case tArrBegin:
		return d.array()
	}
	d.fail("value", tok)
	return lua.LNil
}

func (d *jsonDecoder) descend() {
	d.depth++
	if d.depth > jsonMaxDepth {
		d.L.RaiseError("Found too many nested data structures (%d) at character %d", d.depth, d.pos)
	}
}

func (d *jsonDecoder) object() lua.LValue {
	d.descend()
	t := d.L.CreateTable(0, 4)
	tok := d.next()
	if tok.kind == tObjEnd {
		d.depth--
		return t
	}
	for {
		if tok.kind != tString {
			d.fail("object key string", tok)
		}
		key := tok.str
		if tok = d.next(); tok.kind != tColon {
			d.fail("colon", tok)
		}
		t.RawSetString(key, d.value(d.next()))
		tok = d.next()
		if tok.kind == tObjEnd {
			d.depth--
			return t
		}
		if tok.kind != tComma {
			d.fail("comma or object end", tok)
		}
		tok = d.next()
	}
}

func (d *jsonDecoder) array() lua.LValue {
	d.descend()
	t := d.L.CreateTable(4, 0)
	tok := d.next()
	if tok.kind == tArrEnd {
		d.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, d.value(tok))
		tok = d.next()
		if tok.kind == tArrEnd {
			d.depth--
			return t
		}
		if tok.kind != tComma {
			d.fail("comma or array end", tok)
		}
		tok = d.next()
	}
}

// strtod reads the longest prefix of s that C's strtod reads: a decimal
// or hexadecimal number, inf, infinity or nan, with an optional sign. n
// is its length, 0 when there is none.
func strtod(s string) (f float64, n int) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	neg := i > 0 && s[0] == '-'
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := strings.ToLower(s[i:])
	switch {
	case strings.HasPrefix(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case strings.HasPrefix(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case strings.HasPrefix(rest, "nan"):
		return sign(math.NaN()), i + 3
	case strings.HasPrefix(rest, "0x"):
		if v, m := hexPrefix(s[i+2:]); m > 0 {
			return sign(v), i + 2 + m
		}
		return 0, i + 1 // "0" alone
	}
	j := i
	digits := func() int {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - k
	}
	mant := digits()
	if j < len(s) && s[j] == '.' {
		j++
		mant += digits()
	}
	if mant == 0 {
		return 0, 0
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if digits() == 0 {
			j = k
		}
	}
	f, _ = strconv.ParseFloat(s[:j], 64)
	return f, j
}

// hexPrefix reads hexadecimal digits with an optional fraction.
func hexPrefix(s string) (float64, int) {
	v, i, scale, seen := 0.0, 0, 1.0, false
	frac := false
	for ; i < len(s); i++ {
		c := s[i]
		d, err := strconv.ParseUint(string(c), 16, 8)
		switch {
		case err == nil && frac:
			scale /= 16
			v += float64(d) * scale
			seen = true
		case err == nil:
			v = v*16 + float64(d)
			seen = true
		case c == '.' && !frac:
			frac = true
		default:
			if !seen {
				return 0, 0
			}
			return v, i
		}
	}
	if !seen {
		return 0, 0
	}
	return v, i
}
