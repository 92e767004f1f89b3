package stripe

import (
	"sync"
	"testing"
	"unsafe"
)

func TestCounterSumsStripes(t *testing.T) {
	var c Counter
	for s := range 3 * Count {
		c.Add(s, int64(s))
	}
	want := int64(3 * Count * (3*Count - 1) / 2)
	if got := c.Load(); got != want {
		t.Fatalf("Load = %d, want %d", got, want)
	}
	c.Reset()
	if got := c.Load(); got != 0 {
		t.Fatalf("after Reset, Load = %d", got)
	}
}

// TestCounterConcurrentAdds: goroutines sharing a stripe lose no add.
func TestCounterConcurrentAdds(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10000 {
				c.Add(g%2, 1)
			}
		}()
	}
	wg.Wait()
	if got := c.Load(); got != 40000 {
		t.Fatalf("Load = %d, want 40000", got)
	}
}

func TestCellFillsALine(t *testing.T) {
	if n := unsafe.Sizeof(cell{}); n != lineSize {
		t.Fatalf("cell is %d bytes, want %d", n, lineSize)
	}
}

// TestNewCounterAligned: a Counter allocated alone starts on a cache
// line, so each stripe has a line of its own.
func TestNewCounterAligned(t *testing.T) {
	keep := make([]*Counter, 0, 64)
	for range 64 {
		c := new(Counter)
		if p := uintptr(unsafe.Pointer(c)); p%lineSize != 0 {
			t.Fatalf("new(Counter) at %#x, not on a %d-byte line", p, lineSize)
		}
		keep = append(keep, c)
	}
}
