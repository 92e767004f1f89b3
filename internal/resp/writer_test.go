package resp

import (
	"bytes"
	"math"
	"testing"
)

// The expected bytes are what redis-server 7.0 sends for the same reply
// types (checked with a raw connection after HELLO 2 and HELLO 3).
func TestWriterShapes(t *testing.T) {
	tests := []struct {
		name         string
		write        func(w *Writer)
		resp2, resp3 string
	}{
		{"simple", func(w *Writer) { w.Simple("PONG") }, "+PONG\r\n", "+PONG\r\n"},
		{"ok", func(w *Writer) { w.OK() }, "+OK\r\n", "+OK\r\n"},
		{"error", func(w *Writer) { w.Error("ERR unknown command 'x'") }, "-ERR unknown command 'x'\r\n", "-ERR unknown command 'x'\r\n"},
		{"error with line breaks", func(w *Writer) { w.Error("ERR a\r\nb\nc\rd") }, "-ERR a  b c d\r\n", "-ERR a  b c d\r\n"},
		{"int", func(w *Writer) { w.Int(-42) }, ":-42\r\n", ":-42\r\n"},
		{"int min", func(w *Writer) { w.Int(math.MinInt64) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
		{"bulk", func(w *Writer) { w.Bulk([]byte("a\r\nb")) }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n"},
		{"empty bulk", func(w *Writer) { w.Bulk(nil) }, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"bulk string", func(w *Writer) { w.BulkString("hello") }, "$5\r\nhello\r\n", "$5\r\nhello\r\n"},
		{"bulk int", func(w *Writer) { w.BulkInt(-12) }, "$3\r\n-12\r\n", "$3\r\n-12\r\n"},
		{"null", func(w *Writer) { w.Null() }, "$-1\r\n", "_\r\n"},
		{"null array", func(w *Writer) { w.NullArray() }, "*-1\r\n", "_\r\n"},
		{"array", func(w *Writer) { w.Array(2); w.Int(1); w.Null() }, "*2\r\n:1\r\n$-1\r\n", "*2\r\n:1\r\n_\r\n"},
		{"empty array", func(w *Writer) { w.Array(0) }, "*0\r\n", "*0\r\n"},
		{"map", func(w *Writer) { w.Map(1); w.BulkString("k"); w.Int(1) }, "*2\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"},
		{"empty map", func(w *Writer) { w.Map(0) }, "*0\r\n", "%0\r\n"},
		{"set", func(w *Writer) { w.Set(1); w.BulkString("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"push", func(w *Writer) { w.Push(3) }, "*3\r\n", ">3\r\n"},
		{"true", func(w *Writer) { w.Bool(true) }, ":1\r\n", "#t\r\n"},
		{"false", func(w *Writer) { w.Bool(false) }, ":0\r\n", "#f\r\n"},
		{"double inf", func(w *Writer) { w.Double(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"double -inf", func(w *Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"double integral", func(w *Writer) { w.Double(3) }, "$1\r\n3\r\n", ",3\r\n"},
		{"double zero", func(w *Writer) { w.Double(0) }, "$1\r\n0\r\n", ",0\r\n"},
		{"double 0.1", func(w *Writer) { w.Double(0.1) }, "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"},
		{"double 0.1+0.2", func(w *Writer) { a, b := 0.1, 0.2; w.Double(a + b) }, "$19\r\n0.30000000000000004\r\n", ",0.30000000000000004\r\n"},
		{"double negative", func(w *Writer) { w.Double(-0.5) }, "$4\r\n-0.5\r\n", ",-0.5\r\n"},
		{"double large", func(w *Writer) { w.Double(1e20) }, "$5\r\n1e+20\r\n", ",1e+20\r\n"},
		{"double small", func(w *Writer) { w.Double(1.5e-7) }, "$22\r\n1.4999999999999999e-07\r\n", ",1.4999999999999999e-07\r\n"},
		{"verbatim", func(w *Writer) { w.Verbatim("txt", "a\nb") }, "$3\r\na\nb\r\n", "=7\r\ntxt:a\nb\r\n"},
	}
	for _, tt := range tests {
		for proto, want := range map[int]string{2: tt.resp2, 3: tt.resp3} {
			var out bytes.Buffer
			w := NewWriter(&out)
			w.Proto = proto
			tt.write(w)
			if out.Len() != 0 || w.Len() != len(want) {
				t.Errorf("%s, RESP%d: %d bytes written before Flush, %d buffered; want 0 and %d", tt.name, proto, out.Len(), w.Len(), len(want))
			}
			if err := w.Flush(); err != nil || out.String() != want || w.Len() != 0 {
				t.Errorf("%s, RESP%d: flushed %q (err %v, %d left), want %q", tt.name, proto, out.String(), err, w.Len(), want)
			}
		}
	}
}

func TestWriterFlushNothing(t *testing.T) {
	w := NewWriter(errWriter{})
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush of an empty buffer wrote: %v", err)
	}
	w.OK()
	if err := w.Flush(); err == nil {
		t.Fatal("Flush hid the destination's error")
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestAppendDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{math.NaN(), "nan"},
		{math.Copysign(0, -1), "-0"},
		{1e300, "1.0000000000000001e+300"},
		{123456789012345678, "1.2345678901234568e+17"},
		{2.5, "2.5"},
	}
	for _, tt := range tests {
		if got := string(AppendDouble(nil, tt.f)); got != tt.want {
			t.Errorf("AppendDouble(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}
