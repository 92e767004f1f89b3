package resp

import (
	"bytes"
	"errors"
	"io"
	"strconv"
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
	// argsPrealloc bounds how many argument slots a header may reserve
	// before its arguments arrive, so a huge count with no body costs nothing.
	argsPrealloc = 1024
	minRead      = 16 * 1024
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

	// State of a multibulk command parsed part-way, so that a large
	// command arriving in pieces is not parsed again from its start.
	pending  int     // arguments still expected; 0 when between commands
	cmdStart int     // offset of the command's first byte in buf
	pos      int     // parse position, relative to cmdStart
	spans    []span  // arguments parsed so far, relative to cmdStart
	args     [][]byte
	bulkLen  int64   // length of the bulk being waited for, or -1
	inflight int64   // bytes the current command still needs, a hint for Fill
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
	if r.w < len(r.buf) && len(r.buf)-r.w >= minRead/4 {
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
		if r.pending > 0 {
			r.cmdStart = 0
		}
		if len(r.buf)-r.w >= minRead/4 {
			r.shrinkIfIdle()
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

// shrinkIfIdle drops a buffer grown for one large command once it is
// mostly empty again, so one big SET does not pin memory per connection.
func (r *Reader) shrinkIfIdle() {
	if len(r.buf) > 4*minRead*16 && r.w < minRead && r.pending == 0 {
		nb := make([]byte, minRead)
		copy(nb, r.buf[:r.w])
		r.buf = nb
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
	nl := bytes.IndexByte(data, '\r')
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
	if !ok || n > maxMultibulkLen {
		return &ProtocolError{"invalid multibulk length"}
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
			nl := bytes.IndexByte(data, '\r')
			if nl < 0 {
				if len(data) > InlineMax {
					return nil, &ProtocolError{"too big bulk count string"}
				}
				return nil, ErrIncomplete
			}
			if nl+1 >= len(data) {
				return nil, ErrIncomplete
			}
			if data[0] != '$' {
				return nil, &ProtocolError{"expected '$', got '" + string(data[0]) + "'"}
			}
			n, ok := parseInt(data[1:nl])
			if !ok || n < 0 || n > r.MaxBulkLen {
				return nil, &ProtocolError{"invalid bulk length"}
			}
			r.bulkLen = n
			r.pos += nl + 2
			data = data[nl+2:]
		}
		// Like Redis, the two bytes after the payload are skipped, not checked.
		if int64(len(data)) < r.bulkLen+2 {
			r.inflight = r.bulkLen + 2 - int64(len(data))
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

// inline parses one line typed by a person: space-separated words with
// double and single quotes, as redis-server's sdssplitargs reads them.
func (r *Reader) inline() ([][]byte, error) {
	data := r.buf[r.r:r.w]
	nl := bytes.IndexByte(data, '\n')
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
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
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

// FormatInt appends n in decimal.
func FormatInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }
