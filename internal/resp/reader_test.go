package resp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader hands out its input a few bytes per Read, sizes drawn from
// rng, as a slow or fragmenting network would.
type chunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(1+c.rng.IntN(c.max), len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// feeds returns the ways a test feeds input to a Reader: as fast as the
// Reader takes it, one byte per Read, and in random small chunks.
func feeds(input string) map[string]io.Reader {
	f := map[string]io.Reader{
		"whole":  strings.NewReader(input),
		"chunks": &chunkReader{[]byte(input), rand.New(rand.NewPCG(1, uint64(len(input)))), 13},
	}
	// Byte by byte rescans the buffered line on every byte, as Redis does;
	// keep that to inputs small enough for it to stay fast.
	if len(input) <= 4096 {
		f["bytewise"] = iotest.OneByteReader(strings.NewReader(input))
	}
	return f
}

// parseAll reads commands until the input ends or an error other than
// ErrIncomplete. It returns the commands (copied) and that error, nil when
// the input simply ran out.
func parseAll(r *Reader) ([][]string, error) {
	var cmds [][]string
	for {
		args, err := r.Next()
		switch {
		case err == nil:
			cmd := []string{}
			for _, a := range args {
				cmd = append(cmd, string(a))
			}
			cmds = append(cmds, cmd)
		case errors.Is(err, ErrIncomplete):
			if r.Fill() != nil {
				return cmds, nil
			}
		default:
			return cmds, err
		}
	}
}

func TestReaderCommands(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  [][]string
	}{
		{"multibulk", "*1\r\n$4\r\nPING\r\n", [][]string{{"PING"}}},
		{"empty argument", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", [][]string{{"SET", "k", ""}}},
		{"binary argument", "*2\r\n$4\r\nECHO\r\n$6\r\na\r\n\x00\xffb\r\n", [][]string{{"ECHO", "a\r\n\x00\xffb"}}},
		{"NUL inside a bulk", "*1\r\n$4\r\nPI\x00G\r\n", [][]string{{"PI\x00G"}}},
		{"pipelined", "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n*1\r\n$4\r\nPING\r\n",
			[][]string{{"PING"}, {"ECHO", "a"}, {"PING"}}},
		{"inline then multibulk", "PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n", [][]string{{"PING"}, {"PING"}, {"ECHO", "x"}}},
		// Redis skips the two bytes after a payload without looking at them.
		{"terminator not checked", "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\r", [][]string{{"PING"}, {"PING"}}},
		{"zero count", "*0\r\nPING\r\n", [][]string{{}, {"PING"}}},
		{"negative count", "*-1\r\n*-5\r\nPING\r\n", [][]string{{}, {}, {"PING"}}},
		{"inline LF only", "PING\n", [][]string{{"PING"}}},
		{"inline quotes", "ECHO \"a b\"\r\n", [][]string{{"ECHO", "a b"}}},
		{"inline hex escape", "ECHO \"\\x41\\x4\\n\"\r\n", [][]string{{"ECHO", "Ax4\n"}}},
		{"empty lines", "\r\n\n   \r\nPING\r\n", [][]string{{}, {}, {}, {"PING"}}},
		{"incomplete multibulk", "*2\r\n$4\r\nECHO\r\n$3\r\nab", nil},
		{"incomplete header", "*1\r\n$4\r", nil},
		{"incomplete inline", "PING", nil},
		// A NUL before the line end hides the line end, as strchr does in
		// Redis: nothing is parsed until 64 KB are buffered.
		{"NUL in inline line", "\x00PING\r\nPING\r\n", nil},
		{"NUL in count line", "*1\x00\r\n$4\r\nPING\r\n", nil},
		{"NUL in bulk header", "*1\r\n$4\x00\r\nPING\r\n", nil},
	}
	for _, tt := range tests {
		for how, src := range feeds(tt.input) {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				got, err := parseAll(NewReader(src))
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !slices.EqualFunc(got, tt.want, slices.Equal) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestReaderProtocolErrors(t *testing.T) {
	big := strings.Repeat("1", InlineMax+1)
	tests := []struct {
		name  string
		input string
		setup func(*Reader)
		want  string
		// cmds are the commands parsed before the error.
		cmds [][]string
	}{
		{name: "not a bulk", input: "*1\r\nx\r\n", want: "expected '$', got 'x'"},
		{name: "not a bulk after a command", input: "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n:1\r\n", want: "expected '$', got ':'", cmds: [][]string{{"PING"}}},
		{name: "bulk over 4 GB", input: "*1\r\n$4294967296\r\n", want: "invalid bulk length"},
		{name: "bulk over proto-max-bulk-len", input: "*1\r\n$536870913\r\n", want: "invalid bulk length"},
		{name: "negative bulk", input: "*1\r\n$-1\r\n", want: "invalid bulk length"},
		{name: "bulk minus zero", input: "*1\r\n$-0\r\n", want: "invalid bulk length"},
		{name: "bulk leading zero", input: "*1\r\n$04\r\nPING\r\n", want: "invalid bulk length"},
		{name: "bulk plus sign", input: "*1\r\n$+4\r\nPING\r\n", want: "invalid bulk length"},
		{name: "bulk no digits", input: "*1\r\n$\r\n", want: "invalid bulk length"},
		{name: "bulk LF only", input: "*1\r\n$4\nPING\r\n", want: "invalid bulk length"},
		{name: "bulk over 64 bits", input: "*1\r\n$" + strings.Repeat("1", 100) + "\r\n", want: "invalid bulk length"},
		{name: "bulk 2^64", input: "*1\r\n$18446744073709551616\r\n\r\n", want: "invalid bulk length"},
		{name: "count 2^64", input: "*18446744073709551616\r\n", want: "invalid multibulk length"},
		{name: "count over INT_MAX", input: "*2147483648\r\n", want: "invalid multibulk length"},
		{name: "count not a number", input: "*abc\r\n", want: "invalid multibulk length"},
		{name: "count empty", input: "*\r\n", want: "invalid multibulk length"},
		{name: "count leading zero", input: "*01\r\n", want: "invalid multibulk length"},
		{name: "count minus zero", input: "*-0\r\n", want: "invalid multibulk length"},
		{name: "count trailing space", input: "*1 \r\n$4\r\nPING\r\n", want: "invalid multibulk length"},
		{name: "count LF only", input: "*1\n$4\r\nPING\r\n", want: "invalid multibulk length"},
		{name: "count line too long", input: "*" + big, want: "too big mbulk count string"},
		{name: "count line with NUL too long", input: "*1\x00\r\n" + big, want: "too big mbulk count string"},
		{name: "bulk line too long", input: "*1\r\n$" + big, want: "too big bulk count string"},
		// The length check comes before the '$' check, as in Redis.
		{name: "garbage instead of bulk", input: "*1\r\n" + strings.Repeat("x", InlineMax+1), want: "too big bulk count string"},
		{name: "inline too long", input: "ECHO " + big, want: "too big inline request"},
		{name: "inline with NUL too long", input: "PING\x00\r\n" + strings.Repeat("a", InlineMax-6), want: "too big inline request"},
		{name: "unbalanced double quote", input: "ECHO \"a\r\n", want: "unbalanced quotes in request"},
		{name: "unbalanced single quote", input: "ECHO 'a\r\n", want: "unbalanced quotes in request"},
		{name: "text after closing quote", input: "PING\r\nECHO \"a\"b\r\n", want: "unbalanced quotes in request", cmds: [][]string{{"PING"}}},
		{name: "custom max bulk", input: "*1\r\n$10\r\n0123456789\r\n*1\r\n$11\r\n", setup: func(r *Reader) { r.MaxBulkLen = 10 },
			want: "invalid bulk length", cmds: [][]string{{"0123456789"}}},
		{name: "unauthenticated count", input: "*10\r\n" + strings.Repeat("$1\r\na\r\n", 10) + "*11\r\n", setup: func(r *Reader) { r.AuthRequired = true },
			want: "unauthenticated multibulk length", cmds: [][]string{slices.Repeat([]string{"a"}, 10)}},
		{name: "unauthenticated bulk", input: "*1\r\n$16384\r\n" + strings.Repeat("a", 16384) + "\r\n*1\r\n$16385\r\n", setup: func(r *Reader) { r.AuthRequired = true },
			want: "unauthenticated bulk length", cmds: [][]string{{strings.Repeat("a", 16384)}}},
	}
	for _, tt := range tests {
		for how, src := range feeds(tt.input) {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				r := NewReader(src)
				if tt.setup != nil {
					tt.setup(r)
				}
				got, err := parseAll(r)
				var pe *ProtocolError
				if !errors.As(err, &pe) || pe.Msg != tt.want {
					t.Fatalf("error %v, want protocol error %q", err, tt.want)
				}
				if pe.Error() != "Protocol error: "+tt.want {
					t.Errorf("Error() = %q", pe.Error())
				}
				if !slices.EqualFunc(got, tt.cmds, slices.Equal) {
					t.Errorf("commands before the error: got %q, want %q", got, tt.cmds)
				}
			})
		}
	}
}

// TestReaderPipelineFragments encodes a long pipeline of random commands,
// some with arguments far larger than the read buffer, and checks that
// every way of cutting it up yields the same commands.
func TestReaderPipelineFragments(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var input bytes.Buffer
	var want [][]string
	for range 600 {
		cmd := randomCommand(rng)
		want = append(want, cmd)
		input.WriteString("*" + strconv.Itoa(len(cmd)) + "\r\n")
		for _, a := range cmd {
			input.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
		}
	}
	for _, max := range []int{1 << 20, 4096, 100, 3} {
		t.Run(fmt.Sprint("max read ", max), func(t *testing.T) {
			src := &chunkReader{input.Bytes(), rand.New(rand.NewPCG(uint64(max), 1)), max}
			got, err := parseAll(NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("got %d commands, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func randomCommand(rng *rand.Rand) []string {
	cmd := []string{"SET"}
	for range rng.IntN(4) {
		n := rng.IntN(40)
		if rng.IntN(50) == 0 {
			n = 20000 + rng.IntN(60000) // longer than the initial buffer
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		cmd = append(cmd, string(b))
	}
	return cmd
}

func firstDiff(a, b [][]string) int {
	for i := range min(len(a), len(b)) {
		if !slices.Equal(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestReaderHugeCountAllocatesLittle checks that announcing a million
// arguments (or a 512 MB bulk) without sending them costs the server
// nothing in proportion.
func TestReaderHugeCountAllocatesLittle(t *testing.T) {
	tests := []string{
		"*1000000\r\n",
		"*2147483647\r\n$1\r\na\r\n",
		"*1\r\n$536870912\r\nabc",
	}
	for _, input := range tests {
		t.Run(strings.TrimSpace(input[:min(len(input), 12)]), func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r := NewReader(strings.NewReader(input))
			got, err := parseAll(r)
			runtime.ReadMemStats(&after)
			if err != nil || len(got) != 0 {
				t.Fatalf("got %q, %v; want nothing yet", got, err)
			}
			if cap(r.spans) > argsPrealloc || len(r.buf) > 4*minRead {
				t.Errorf("reader holds %d spans, %d buffer bytes", cap(r.spans), len(r.buf))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("allocated %d bytes", alloc)
			}
		})
	}
}

// TestReaderBigBulkGrowsWithInput checks that the buffer for a large
// argument grows with what arrived, not with what was announced, and that
// it shrinks back once the command is done.
func TestReaderBigBulkGrowsWithInput(t *testing.T) {
	const announced = 100 << 20
	pr, pw := io.Pipe()
	r := NewReader(pr)
	go func() {
		pw.Write([]byte("*2\r\n$3\r\nSET\r\n$" + strconv.Itoa(announced) + "\r\n"))
		pw.Write(bytes.Repeat([]byte("x"), 1<<20))
		pw.Close()
	}()
	if _, err := parseAll(r); err != nil {
		t.Fatal(err)
	}
	if len(r.buf) > 4<<20 {
		t.Errorf("buffer is %d bytes after 1 MB of a %d-byte bulk arrived", len(r.buf), announced)
	}

	payload := bytes.Repeat([]byte("y"), 3<<20)
	input := append([]byte("*1\r\n$"+strconv.Itoa(len(payload))+"\r\n"), payload...)
	input = append(input, "\r\n*1\r\n$4\r\nPING\r\n"...)
	r = NewReader(&chunkReader{input, rand.New(rand.NewPCG(3, 3)), 64 << 10})
	got, err := parseAll(r)
	if err != nil || len(got) != 2 || got[0][0] != string(payload) || got[1][0] != "PING" {
		t.Fatalf("got %d commands, %v", len(got), err)
	}
	r.Fill() // compacts, and drops the large buffer now that it is idle
	if len(r.buf) > 1<<20 {
		t.Errorf("buffer still %d bytes after the big command", len(r.buf))
	}
}

// TestReaderMaxBulkLenNoOverflow checks a bulk length near MaxInt64, which
// proto-max-bulk-len may allow, waits for data instead of overflowing.
func TestReaderMaxBulkLenNoOverflow(t *testing.T) {
	r := NewReader(strings.NewReader("*1\r\n$9223372036854775807\r\nabc\r\n"))
	r.MaxBulkLen = 1<<63 - 1
	got, err := parseAll(r)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %q, %v; want nothing yet", got, err)
	}
}

func TestReaderNextOnEmpty(t *testing.T) {
	r := NewReader(strings.NewReader(""))
	if _, err := r.Next(); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("Next on empty reader: %v", err)
	}
	if err := r.Fill(); err != io.EOF {
		t.Fatalf("Fill at end: %v", err)
	}
}

func TestReaderBuffered(t *testing.T) {
	r := NewReader(strings.NewReader("PING\r\n*1\r\n$4\r\nPI"))
	r.Fill()
	if n := r.Buffered(); n != 16 {
		t.Fatalf("Buffered() = %d before parsing", n)
	}
	r.Next()
	if n := r.Buffered(); n != 10 {
		t.Fatalf("Buffered() = %d after the inline command", n)
	}
	r.Next() // incomplete: the partial command stays buffered
	if n := r.Buffered(); n != 10 {
		t.Fatalf("Buffered() = %d with a partial command", n)
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in string
		n  int64
		ok bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"-1", -1, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"-9223372036854775808", -1 << 63, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"123456789012345678901", 0, false},
		{"-0", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1a", 0, false},
		{"-", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		n, ok := ParseInt([]byte(tt.in))
		if n != tt.n || ok != tt.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
}
