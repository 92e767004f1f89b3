package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// Limits that redis-server applies to what a client sends.
const (
	// InlineMax bounds an inline command and a multibulk or bulk header line
	// (PROTO_INLINE_MAX_SIZE in Redis).
	InlineMax = 64 * 1024
	// DefaultMaxBulkLen is proto-max-bulk-len's default, 512 MB.
	DefaultMaxBulkLen = 512 * 1024 * 1024
	// maxMultibulkLen is the largest argument count Redis accepts (INT_MAX).
	maxMultibulkLen = 1<<31 - 1
	// Before a client has authenticated, Redis refuses commands with more
	// arguments or longer bulk strings than these, so that a stranger
	// cannot make it buffer much.
	unauthMultibulkLen = 10
	unauthBulkLen      = 16 * 1024
	// argsPrealloc bounds how many argument slots a header may reserve
	// before its arguments arrive, so a huge count with no body costs nothing.
	argsPrealloc = 1024
	minRead      = 16 * 1024
	// maxIdleBuf is the largest read buffer kept once it is empty.
	maxIdleBuf = 1 << 20
)

// ErrIncomplete is returned by [Reader.Next] when the buffer does not hold a
// whole command yet; call [Reader.Fill] and try again.
var ErrIncomplete = errors.New("resp: incomplete command")

// ProtocolError is malformed input. Redis answers it with
// "-ERR Protocol error: <Msg>" and closes the connection.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

// Reader parses client commands from a stream. Arguments returned by Next
// alias the Reader's buffer and stay valid only until the next call to Next
// or Fill.
type Reader struct {
	src io.Reader
	buf []byte
	r   int // start of unparsed data
	w   int // end of data read so far

	// MaxBulkLen is proto-max-bulk-len; bulk strings longer than it are a
	// protocol error.
	MaxBulkLen int64

	// AuthRequired applies Redis's tighter limits for a client that has
	// not authenticated yet: at most 10 arguments of at most 16 KB each.
	AuthRequired bool

	// State of a multibulk command parsed part-way, so that a large
	// command arriving in pieces is not parsed again from its start.
	pending  int    // arguments still expected; 0 when between commands
	cmdStart int    // offset of the command's first byte in buf
	pos      int    // parse position, relative to cmdStart
	spans    []span // arguments parsed so far, relative to cmdStart
	args     [][]byte
	bulkLen  int64 // length of the bulk being waited for, or -1
	inflight int64 // bytes the current command still needs, a hint for Fill
}

type span struct{ start, end int }

// NewReader returns a Reader over src with Redis's default limits.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, buf: make([]byte, minRead), MaxBulkLen: DefaultMaxBulkLen, bulkLen: -1}
}

// Buffered returns the number of bytes read but not yet returned as commands.
func (r *Reader) Buffered() int { return r.w - r.r }

// Fill reads once from the source into the buffer, growing or compacting it
// as needed. It returns the source's error, io.EOF included.
func (r *Reader) Fill() error {
	r.makeRoom()
	n, err := r.src.Read(r.buf[r.w:])
	r.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// makeRoom ensures free space at the end of buf. Unparsed bytes are moved
// to the front; the buffer grows only when a single command needs more
// than it holds, and then in proportion to what has arrived.
func (r *Reader) makeRoom() {
	if r.r == r.w && r.pending == 0 {
		r.reset()
	}
	if len(r.buf)-r.w >= minRead/4 {
		return
	}
	start := r.r
	if r.pending > 0 {
		start = r.cmdStart
	}
	used := r.w - start
	if start > 0 {
		copy(r.buf, r.buf[start:r.w])
		r.w = used
		r.r -= start
		r.cmdStart = 0
		if len(r.buf)-r.w >= minRead/4 {
			return
		}
	}
	size := 2 * len(r.buf)
	if want := used + int(min(r.inflight, int64(used)+minRead)) + minRead; want > size {
		size = want
	}
	nb := make([]byte, size)
	copy(nb, r.buf[:r.w])
	r.buf = nb
}

// reset starts filling at the front of an emptied buffer, and drops a
// buffer grown for one large command so that one big SET does not pin
// memory for the life of the connection.
func (r *Reader) reset() {
	r.r, r.w, r.cmdStart = 0, 0, 0
	if len(r.buf) > maxIdleBuf {
		r.buf = make([]byte, minRead)
	}
}

// Next returns the next complete command in the buffer. An empty inline
// line yields a command with no arguments, which callers skip. It returns
// ErrIncomplete when more input is needed and a *ProtocolError for
// malformed input.
func (r *Reader) Next() ([][]byte, error) {
	if r.pending == 0 {
		if r.r == r.w {
			return nil, ErrIncomplete
		}
		if r.buf[r.r] != '*' {
			return r.inline()
		}
		if err := r.header(); err != nil {
			return nil, err
		}
		if r.pending == 0 {
			return r.args[:0], nil
		}
	}
	return r.multibulk()
}

// header parses "*<count>\r\n" and starts a multibulk command.
func (r *Reader) header() error {
	data := r.buf[r.r:r.w]
	nl := cIndex(data, '\r')
	if nl < 0 {
		if len(data) > InlineMax {
			return &ProtocolError{"too big mbulk count string"}
		}
		return ErrIncomplete
	}
	if nl+1 >= len(data) {
		return ErrIncomplete
	}
	n, ok := parseInt(data[1:nl])
	switch {
	case !ok || n > maxMultibulkLen:
		return &ProtocolError{"invalid multibulk length"}
	case n > unauthMultibulkLen && r.AuthRequired:
		return &ProtocolError{"unauthenticated multibulk length"}
	}
	r.cmdStart = r.r
	r.pos = nl + 2
	r.spans = r.spans[:0]
	if n <= 0 {
		r.r += r.pos
		return nil
	}
	if cap(r.spans) < int(min(n, argsPrealloc)) {
		r.spans = make([]span, 0, min(n, argsPrealloc))
	}
	r.pending = int(n)
	r.bulkLen = -1
	return nil
}

// multibulk parses as many arguments of the current command as are
// buffered and returns the command once all have arrived.
func (r *Reader) multibulk() ([][]byte, error) {
	for r.pending > 0 {
		data := r.buf[r.cmdStart+r.pos : r.w]
		if r.bulkLen < 0 {
			n, hdr, err := r.bulkHeader(data)
			if err != nil {
				return nil, err
			}
			r.bulkLen = n
			r.pos += hdr
			data = data[hdr:]
		}
		// Like Redis, the two bytes after the payload are skipped, not
		// checked. Written so that a bulk length near MaxInt64 (allowed
		// by proto-max-bulk-len) cannot overflow.
		if int64(len(data))-2 < r.bulkLen {
			r.inflight = min(r.bulkLen, math.MaxInt64-2) + 2 - int64(len(data))
			return nil, ErrIncomplete
		}
		r.spans = append(r.spans, span{r.pos, r.pos + int(r.bulkLen)})
		r.pos += int(r.bulkLen) + 2
		r.bulkLen = -1
		r.pending--
	}
	r.inflight = 0
	r.args = r.args[:0]
	for _, s := range r.spans {
		r.args = append(r.args, r.buf[r.cmdStart+s.start:r.cmdStart+s.end:r.cmdStart+s.end])
	}
	r.r = r.cmdStart + r.pos
	return r.args, nil
}

// bulkHeader parses "$<len>\r\n" at the start of data and returns the
// length and the header's size.
func (r *Reader) bulkHeader(data []byte) (n int64, size int, err error) {
	nl := cIndex(data, '\r')
	if nl < 0 {
		if len(data) > InlineMax {
			return 0, 0, &ProtocolError{"too big bulk count string"}
		}
		return 0, 0, ErrIncomplete
	}
	if nl+1 >= len(data) {
		return 0, 0, ErrIncomplete
	}
	if data[0] != '$' {
		return 0, 0, &ProtocolError{"expected '$', got '" + string(data[0]) + "'"}
	}
	n, ok := parseInt(data[1:nl])
	switch {
	case !ok || n < 0 || n > r.MaxBulkLen:
		return 0, 0, &ProtocolError{"invalid bulk length"}
	case n > unauthBulkLen && r.AuthRequired:
		return 0, 0, &ProtocolError{"unauthenticated bulk length"}
	}
	return n, nl + 2, nil
}

// inline parses one line typed by a person: space-separated words with
// double and single quotes, as redis-server's sdssplitargs reads them.
func (r *Reader) inline() ([][]byte, error) {
	data := r.buf[r.r:r.w]
	nl := cIndex(data, '\n')
	if nl < 0 {
		if len(data) > InlineMax {
			return nil, &ProtocolError{"too big inline request"}
		}
		return nil, ErrIncomplete
	}
	line := data[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := SplitArgs(line, r.args[:0])
	if !ok {
		return nil, &ProtocolError{"unbalanced quotes in request"}
	}
	r.args = args
	r.r += nl + 1
	return args, nil
}

// cIndex returns the index of the first c in data as C's strchr finds it
// in redis-server's NUL-terminated query buffer: -1 when c is absent or a
// NUL byte comes first. Redis looks for the end of header and inline lines
// this way, so a NUL before the line end makes it wait for more input (and
// refuse the line once 64 KB are buffered) rather than parse the line; we
// do the same so that a client sees the same replies.
func cIndex(data []byte, c byte) int {
	i := bytes.IndexByte(data, c)
	if i < 0 || bytes.IndexByte(data[:i], 0) >= 0 {
		return -1
	}
	return i
}

// parseInt parses a decimal integer as Redis's string2ll does: optional
// minus sign, no plus sign, no leading zeros, no spaces.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] == '0' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		// Both steps are checked: 2^64 would otherwise wrap to 0.
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// ParseInt is Redis's strict integer syntax, exported for command
// arguments so that "+1", " 1" and "01" are refused as Redis refuses them.
func ParseInt(b []byte) (int64, bool) { return parseInt(b) }
