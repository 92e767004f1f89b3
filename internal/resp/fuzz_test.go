package resp

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
)

// FuzzReader feeds arbitrary bytes to a Reader, whole and cut at random
// points (seed picks the cuts; its low bit turns on the unauthenticated
// limits). The Reader must not panic, must consume input with every
// command it returns, must return only arguments the input holds, and must
// parse the same commands however the input is cut.
//
// The seed corpus is in testdata/fuzz/FuzzReader; run the fuzzer with
//
//	go test -fuzz=FuzzReader -fuzztime=60s ./internal/resp
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		auth := seed&1 == 1
		whole := fuzzParse(t, bytes.NewReader(data), data, auth)
		cuts := &chunkReader{data, rand.New(rand.NewPCG(seed, 0)), 1 + int(seed>>1%32)}
		split := fuzzParse(t, cuts, data, auth)
		// Past 64 KB the line-length limits fire at a point that depends
		// on how much had arrived, as they do in Redis.
		if len(data) > InlineMax {
			return
		}
		if !slices.EqualFunc(whole.cmds, split.cmds, slices.Equal) || whole.err != split.err {
			t.Fatalf("whole input: %q, %q\ncut input:   %q, %q", whole.cmds, whole.err, split.cmds, split.err)
		}
	})
}

type fuzzResult struct {
	cmds [][]string
	err  string // the protocol error, "" when the input just ran out
}

// fuzzParse reads every command from src, whose bytes are data, checking
// the Reader's invariants along the way.
func fuzzParse(t *testing.T, src io.Reader, data []byte, auth bool) fuzzResult {
	fed := &countReader{r: src}
	r := NewReader(fed)
	r.AuthRequired = auth
	var res fuzzResult
	for {
		start := fed.n - r.Buffered()
		args, err := r.Next()
		switch {
		case err == nil:
			end := fed.n - r.Buffered()
			checkCommand(t, data[start:end], args)
			if len(res.cmds) > len(data) {
				t.Fatalf("%d commands from %d bytes", len(res.cmds), len(data))
			}
			cmd := []string{}
			for _, a := range args {
				cmd = append(cmd, string(a))
			}
			res.cmds = append(res.cmds, cmd)
		case errors.Is(err, ErrIncomplete):
			if r.Fill() != nil {
				return res
			}
		default:
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("Next returned %v", err)
			}
			res.err = pe.Msg
			return res
		}
	}
}

// checkCommand checks that a command was parsed from a non-empty stretch
// of the input and says no more than that stretch: a multibulk command's
// arguments are pieces of it; an inline command's are no longer in total,
// since quotes and escapes only shrink.
func checkCommand(t *testing.T, raw []byte, args [][]byte) {
	t.Helper()
	if len(raw) == 0 {
		t.Fatalf("command %q consumed no input", args)
	}
	total := 0
	for _, a := range args {
		total += len(a)
		if raw[0] == '*' && !bytes.Contains(raw, a) {
			t.Fatalf("argument %q is not in the input %q", a, raw)
		}
	}
	if total > len(raw) {
		t.Fatalf("arguments %q hold more than the input %q", args, raw)
	}
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
