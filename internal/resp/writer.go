package resp

import (
	"io"
	"math"
	"strconv"
	"strings"
)

// Writer buffers replies for one client. Proto selects RESP2 (2) or RESP3
// (3) shapes. Nothing reaches the connection until Flush, so a pipelined
// batch costs one write.
type Writer struct {
	buf   []byte
	dst   io.Writer
	Proto int
}

// NewWriter returns a RESP2 Writer that flushes to dst.
func NewWriter(dst io.Writer) *Writer {
	return &Writer{dst: dst, Proto: 2, buf: make([]byte, 0, 16*1024)}
}

// Len is the number of buffered bytes.
func (w *Writer) Len() int { return len(w.buf) }

// Flush writes the buffer to the destination.
func (w *Writer) Flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.dst.Write(w.buf)
	if cap(w.buf) > 1<<20 {
		w.buf = make([]byte, 0, 16*1024)
	} else {
		w.buf = w.buf[:0]
	}
	return err
}

// Simple appends a status reply such as +OK.
func (w *Writer) Simple(s string) {
	w.buf = append(w.buf, '+')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// OK appends +OK.
func (w *Writer) OK() { w.buf = append(w.buf, "+OK\r\n"...) }

// Error appends an error reply. msg starts with its code ("ERR ...",
// "WRONGTYPE ..."); line breaks are replaced by spaces as Redis does, so
// that a message can never break the protocol.
func (w *Writer) Error(msg string) {
	w.buf = append(w.buf, '-')
	if strings.ContainsAny(msg, "\r\n") {
		msg = strings.NewReplacer("\r", " ", "\n", " ").Replace(msg)
	}
	w.buf = append(w.buf, msg...)
	w.buf = append(w.buf, '\r', '\n')
}

// Int appends an integer reply.
func (w *Writer) Int(n int64) {
	w.buf = append(w.buf, ':')
	w.buf = strconv.AppendInt(w.buf, n, 10)
	w.buf = append(w.buf, '\r', '\n')
}

// Bulk appends a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.buf = append(w.buf, '$')
	w.buf = strconv.AppendInt(w.buf, int64(len(b)), 10)
	w.buf = append(w.buf, '\r', '\n')
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, '\r', '\n')
}

// BulkString appends a bulk string.
func (w *Writer) BulkString(s string) {
	w.buf = append(w.buf, '$')
	w.buf = strconv.AppendInt(w.buf, int64(len(s)), 10)
	w.buf = append(w.buf, '\r', '\n')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// BulkInt appends n as a bulk string, as Redis replies with numbers that
// are values (INCRBYFLOAT, CONFIG GET).
func (w *Writer) BulkInt(n int64) {
	var tmp [20]byte
	w.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null appends a null bulk string ($-1 in RESP2, _ in RESP3).
func (w *Writer) Null() {
	if w.Proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "$-1\r\n"...)
	}
}

// NullArray appends a null array (*-1 in RESP2, _ in RESP3).
func (w *Writer) NullArray() {
	if w.Proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "*-1\r\n"...)
	}
}

// Array appends an array header for n elements.
func (w *Writer) Array(n int) { w.header('*', n) }

// Map appends a map header for n key-value pairs; RESP2 sees a flat array
// of 2n elements.
func (w *Writer) Map(n int) {
	if w.Proto >= 3 {
		w.header('%', n)
	} else {
		w.header('*', 2*n)
	}
}

// Set appends a set header; RESP2 sees an array.
func (w *Writer) Set(n int) {
	if w.Proto >= 3 {
		w.header('~', n)
	} else {
		w.header('*', n)
	}
}

// Push appends a push header (RESP3 out-of-band data); RESP2 sees an array.
func (w *Writer) Push(n int) {
	if w.Proto >= 3 {
		w.header('>', n)
	} else {
		w.header('*', n)
	}
}

// Bool appends a boolean; RESP2 sees 1 or 0.
func (w *Writer) Bool(b bool) {
	switch {
	case w.Proto >= 3 && b:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.Proto >= 3:
		w.buf = append(w.buf, "#f\r\n"...)
	case b:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

// Double appends a floating point reply: RESP3's double type, or under
// RESP2 a bulk string formatted as Redis formats scores (%.17g).
func (w *Writer) Double(f float64) {
	if w.Proto >= 3 {
		w.buf = append(w.buf, ',')
		w.buf = AppendDouble(w.buf, f)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	var tmp [32]byte
	w.Bulk(AppendDouble(tmp[:0], f))
}

// AppendDouble formats f as Redis's addReplyDouble does: "inf", "-inf",
// "nan", otherwise the shortest %.17g form.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// Verbatim appends a verbatim string (RESP3 "=len\r\ntxt:...") such as
// INFO's reply; RESP2 sees a bulk string.
func (w *Writer) Verbatim(format, s string) {
	if w.Proto < 3 {
		w.BulkString(s)
		return
	}
	w.header('=', len(s)+4)
	w.buf = append(w.buf, format...)
	w.buf = append(w.buf, ':')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

func (w *Writer) header(kind byte, n int) {
	w.buf = append(w.buf, kind)
	w.buf = strconv.AppendInt(w.buf, int64(n), 10)
	w.buf = append(w.buf, '\r', '\n')
}

// Take returns a copy of the buffered bytes and empties the buffer
// without writing them: for replies that must wait (a write not yet on
// disk) and are sent later by other means.
func (w *Writer) Take() []byte {
	out := append([]byte(nil), w.buf...)
	w.buf = w.buf[:0]
	return out
}

// AppendCommand appends args as a client sends a command: a RESP array of
// bulk strings. Logs and replication streams carry commands in this form.
func AppendCommand(dst []byte, args ...[]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}
