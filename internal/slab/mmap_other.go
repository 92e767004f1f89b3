//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package slab

// mapMemory falls back to the Go heap where anonymous mappings are not
// available: correct, but the collector then sees the segments.
func mapMemory(n int) []byte { return make([]byte, n) }

func unmapMemory([]byte) {}
