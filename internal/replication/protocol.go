package replication

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/shoal-cache/shoal/internal/resp"
)

func appendSelect(dst []byte, db int) []byte {
	var num [20]byte
	return resp.AppendCommand(dst, []byte("SELECT"), strconv.AppendInt(num[:0], int64(db), 10))
}

// Words of the protocol.
var (
	wordPING     = []byte("PING")
	wordREPLCONF = []byte("REPLCONF")
	wordACK      = []byte("ACK")
	wordGETACK   = []byte("GETACK")
	wordStar     = []byte("*")
	wordMULTI    = []byte("MULTI")
	wordEXEC     = []byte("EXEC")
	wordDISCARD  = []byte("DISCARD")
)

// commandReader reads the primary's stream one command at a time and
// says how many bytes each took: the replica's offset advances by exactly
// what it applied.
type commandReader struct {
	br   *bufio.Reader
	args [][]byte
	line []byte
	// raw is the command as it came, for the replica's own stream; the
	// arguments are slices of it (valid until the next command).
	raw []byte
}

var errProtocol = errors.New("protocol error in the replication stream")

// next returns the next command and its size in the stream. A lone
// newline (a keepalive) is a command of no arguments.
func (r *commandReader) next() ([][]byte, int64, error) {
	r.raw = r.raw[:0]
	line, err := r.readLine()
	if err != nil {
		return nil, 0, err
	}
	size := int64(len(line))
	if len(line) <= 2 || line[0] != '*' {
		if len(trimCRLF(line)) == 0 {
			return nil, size, nil
		}
		return nil, 0, fmt.Errorf("%w: %q", errProtocol, line)
	}
	n, ok := parseLen(trimCRLF(line[1:]))
	if !ok || n > 1<<20 {
		return nil, 0, fmt.Errorf("%w: %q", errProtocol, line)
	}
	r.args = r.args[:0]
	for range n {
		arg, took, err := r.readBulk()
		if err != nil {
			return nil, 0, err
		}
		r.args = append(r.args, arg)
		size += took
	}
	return r.args, size, nil
}

// readBulk reads one argument into raw and returns it as a slice of raw:
// raw may move to a larger array as later arguments come, but bytes once
// read are never written again, so earlier slices stay right.
func (r *commandReader) readBulk() ([]byte, int64, error) {
	line, err := r.readLine()
	if err != nil {
		return nil, 0, err
	}
	took := int64(len(line))
	if len(line) < 3 || line[0] != '$' {
		return nil, 0, fmt.Errorf("%w: %q", errProtocol, line)
	}
	n, ok := parseLen(trimCRLF(line[1:]))
	if !ok || n > maxBulk {
		return nil, 0, fmt.Errorf("%w: %q", errProtocol, line)
	}
	// Grown as the bytes come, a megabyte at a time, so that a length
	// the stream does not carry allocates nothing much.
	start := len(r.raw)
	for end := start + n + 2; len(r.raw) < end; {
		from := len(r.raw)
		chunk := min(end-from, 1<<20)
		r.raw = slices.Grow(r.raw, chunk)[:from+chunk]
		if _, err := io.ReadFull(r.br, r.raw[from:]); err != nil {
			return nil, 0, err
		}
	}
	return r.raw[start : start+n : start+n], took + int64(n) + 2, nil
}

// maxBulk bounds an argument's length in the stream (a value that large
// would not fit a node anyway).
const maxBulk = 1 << 40

// parseLen parses a non-negative decimal length of a multibulk or bulk
// header.
func parseLen(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func (r *commandReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%w: line too long", errProtocol)
	}
	if err != nil {
		return nil, err
	}
	r.line = append(r.line[:0], line...)
	r.raw = append(r.raw, line...)
	return r.line, nil
}

func trimCRLF(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
