package command

import (
	"testing"
	"unsafe"
)

// TestCmdCellFillsALine: a stripe's counters, with its share of the
// latency histogram's pointer, are one cache line, so that two stripes
// never share one.
func TestCmdCellFillsALine(t *testing.T) {
	if n := unsafe.Sizeof(cmdCell{}); n != 64 {
		t.Fatalf("cmdCell is %d bytes, want 64", n)
	}
}
