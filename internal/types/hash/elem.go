package hash

import (
	"strconv"
	"strings"
)

// Elem is a field or a value as the hash holds it: bytes, or an integer
// (a listpack stores a string such as "42" as the number 42). Its bytes
// alias the hash's memory: they are valid until the hash is changed, and
// must not be modified.
type Elem struct {
	b     []byte
	n     int64
	isInt bool
}

// Int returns the integer the element is stored as, if it is one.
func (e Elem) Int() (int64, bool) { return e.n, e.isInt }

// Bytes returns the element's bytes when it is stored as a string, nil
// when it is an integer.
func (e Elem) Bytes() []byte { return e.b }

// Append appends the element as a string.
func (e Elem) Append(dst []byte) []byte {
	if e.isInt {
		return strconv.AppendInt(dst, e.n, 10)
	}
	return append(dst, e.b...)
}

// String returns the element as a string.
func (e Elem) String() string { return string(e.Append(nil)) }

// Len returns the length of the element as a string.
func (e Elem) Len() int {
	if !e.isInt {
		return len(e.b)
	}
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], e.n, 10))
}

func (e Elem) writeTo(sb *strings.Builder) {
	if e.isInt {
		var buf [20]byte
		sb.Write(strconv.AppendInt(buf[:0], e.n, 10))
		return
	}
	sb.Write(e.b)
}
