package command

import (
	"bytes"
	"io"
	"testing"

	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/types/list"
)

// BenchmarkLRangeReply is the reply of redis-benchmark's LRANGE_100: the
// first 100 elements, 100 bytes each, of a list filled by LPUSH.
func BenchmarkLRangeReply(b *testing.B) {
	lv := &listValue{List: *list.New(list.DefaultFill)}
	val := bytes.Repeat([]byte("x"), 100)
	for range 1000 {
		lv.Push(val, true)
	}
	w := resp.NewWriter(io.Discard)
	b.SetBytes(100 * 100)
	for b.Loop() {
		from, n := clipRange(0, 99, lv.Len())
		writeRange(w, lv, from, n, false)
		w.Flush()
	}
}
