package resp

import "bytes"

// peekMaxArgs bounds the commands PeekKeys looks into: its purpose is
// the many short commands of a pipeline, and a long one is not worth
// scanning twice.
const peekMaxArgs = 64

// PeekKeys appends to dst the first key of each whole multibulk command
// at the start of data, up to max commands, and returns dst: the second
// argument (the first key, for most commands), or the fourth for a
// script or function call with keys (EVALSHA sha numkeys key ...). It stops at the first command that is
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
		var name, key, numkeys, fourth []byte
		for i := int64(0); i < count; i++ {
			if len(rest) == 0 || rest[0] != '$' {
				return dst
			}
			size, body, ok := peekLine(rest[1:])
			// Written so that a length near MaxInt64 cannot overflow.
			if !ok || size < 0 || size > int64(len(body))-2 {
				return dst
			}
			switch arg := body[:size:size]; i {
			case 0:
				name = arg
			case 1:
				key = arg
			case 2:
				numkeys = arg
			case 3:
				fourth = arg
			}
			rest = body[size+2:]
		}
		if isCall(name) {
			key = nil
			if fourth != nil && !bytes.Equal(numkeys, []byte("0")) {
				key = fourth
			}
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

// isCall reports whether name is a command whose keys follow a script or
// function and a key count: EVAL, EVALSHA, FCALL and their _RO forms.
func isCall(name []byte) bool {
	switch len(name) {
	case 4, 5, 7, 8, 10:
	default:
		return false
	}
	var lower [10]byte
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}
