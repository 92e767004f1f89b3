package resp

import "bytes"

// SplitArgs splits an inline command line into arguments the way
// redis-server's sdssplitargs does: words separated by white space, "double
// quoted" words with C escapes (\n, \r, \t, \b, \a, \xHH, \"), and 'single
// quoted' words where only \' is an escape. A closing quote must be followed
// by white space or the end of the line. It appends to dst and reports false
// for unbalanced quotes.
//
// As in C, a NUL byte ends the line: sdssplitargs reads a NUL-terminated
// string.
func SplitArgs(line []byte, dst [][]byte) ([][]byte, bool) {
	if z := bytes.IndexByte(line, 0); z >= 0 {
		line = line[:z]
	}
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return dst, true
		}
		var word []byte
		var ok bool
		word, i, ok = splitWord(line, i)
		if !ok {
			return dst, false
		}
		dst = append(dst, word)
	}
}

// splitWord reads one word starting at i and returns it with the index
// just past it.
func splitWord(line []byte, i int) ([]byte, int, bool) {
	word := []byte{}
	inDouble, inSingle := false, false
	for ; ; i++ {
		if i >= len(line) {
			// The line ended inside quotes.
			return word, i, !inDouble && !inSingle
		}
		c := line[i]
		switch {
		case inDouble:
			switch {
			case c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
				word = append(word, hexVal(line[i+2])<<4|hexVal(line[i+3]))
				i += 3
			case c == '\\' && i+1 < len(line):
				i++
				word = append(word, unescape(line[i]))
			case c == '"':
				if i+1 < len(line) && !isSpace(line[i+1]) {
					return word, i, false
				}
				return word, i + 1, true
			default:
				word = append(word, c)
			}
		case inSingle:
			switch {
			case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
				i++
				word = append(word, '\'')
			case c == '\'':
				if i+1 < len(line) && !isSpace(line[i+1]) {
					return word, i, false
				}
				return word, i + 1, true
			default:
				word = append(word, c)
			}
		default:
			switch c {
			case ' ', '\n', '\r', '\t', 0:
				return word, i, true
			case '"':
				inDouble = true
			case '\'':
				inSingle = true
			default:
				word = append(word, c)
			}
		}
	}
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
