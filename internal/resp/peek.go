package resp

import "bytes"

// peekMaxArgs bounds the commands PeekKeys looks into: its purpose is
// the many short commands of a pipeline, and a long one is not worth
// scanning twice.
const peekMaxArgs = 64

// PeekKeys appends to dst the second argument (the first key, for most
// commands) of each whole multibulk command at the start of data, up to
// max commands, and returns dst. It stops at the first command that is
// inline, incomplete, malformed or has more than 64 arguments: the
// arguments are only a hint (prefetching what the commands will read),
// and the commands themselves are parsed, and errors reported, by
// [Reader.Next]. The appended slices alias data.
func PeekKeys(data []byte, max int, dst [][]byte) [][]byte {
	for n := 0; n < max && len(data) > 0 && data[0] == '*'; n++ {
		count, rest, ok := peekLine(data[1:])
		if !ok || count < 1 || count > peekMaxArgs {
			return dst
		}
		var key []byte
		for i := int64(0); i < count; i++ {
			if len(rest) == 0 || rest[0] != '$' {
				return dst
			}
			size, body, ok := peekLine(rest[1:])
			if !ok || size < 0 || int64(len(body)) < size+2 {
				return dst
			}
			if i == 1 {
				key = body[:size:size]
			}
			rest = body[size+2:]
		}
		if key != nil {
			dst = append(dst, key)
		}
		data = rest
	}
	return dst
}

// peekLine parses the decimal number that ends at the first CRLF of b and
// returns it with what follows the CRLF.
func peekLine(b []byte) (int64, []byte, bool) {
	nl := bytes.IndexByte(b, '\r')
	if nl < 0 || nl+1 >= len(b) || b[nl+1] != '\n' {
		return 0, nil, false
	}
	n, ok := parseInt(b[:nl])
	return n, b[nl+2:], ok
}
