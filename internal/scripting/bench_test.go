package scripting

import (
	"context"
	"testing"
)

// BenchmarkRun runs a one-call script, as EVALSHA of a GET does.
func BenchmarkRun(b *testing.B) {
	vm := NewVM("7.0.15")
	h := &benchHost{reply: []byte("$3\r\nbar\r\n")}
	s, _ := Compile("return redis.call('get', KEYS[1])")
	keys := [][]byte{[]byte("foo")}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		vm.Run(ctx, s, keys, nil, h)
	}
}

type benchHost struct{ reply []byte }

func (h *benchHost) Call([][]byte, int) ([]byte, string) { return h.reply, "" }
func (h *benchHost) CommandExists([][]byte) bool         { return true }
func (h *benchHost) Log(int, string)                     {}
