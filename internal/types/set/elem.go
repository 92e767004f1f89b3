package set

import "strconv"

// Elem is one member as a set hands it out: an integer from an intset or
// a string from a hashtable, as Redis's setTypeNext returns either. Neither
// form allocates; a string Elem shares the set's memory and stays valid
// after the member is removed (Go strings are immutable).
type Elem struct {
	str   string
	num   int64
	isInt bool
}

// IntElem is the member n.
func IntElem(n int64) Elem { return Elem{num: n, isInt: true} }

// StringElem is the member s.
func StringElem(s string) Elem { return Elem{str: s} }

// Int returns the member as an integer, when it is held as one.
func (e Elem) Int() (int64, bool) { return e.num, e.isInt }

// String returns the member's bytes as a string.
func (e Elem) String() string {
	if e.isInt {
		return strconv.FormatInt(e.num, 10)
	}
	return e.str
}

// AppendTo appends the member's bytes to dst.
func (e Elem) AppendTo(dst []byte) []byte {
	if e.isInt {
		return strconv.AppendInt(dst, e.num, 10)
	}
	return append(dst, e.str...)
}

// asInt returns the member as an integer when it is one in Redis's sense
// (string2ll), whatever form it is held in.
func (e Elem) asInt() (int64, bool) {
	if e.isInt {
		return e.num, true
	}
	return parseInt(e.str)
}
