//go:build linux || darwin || freebsd || netbsd || openbsd

package slab

import "syscall"

// mapMemory returns n bytes of zeroed memory mapped from the operating
// system, outside the Go heap. The pages take no physical memory until
// first written.
func mapMemory(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		// Out of address space or memory: nothing sensible can follow,
		// as with a failed heap allocation.
		panic("slab: mmap: " + err.Error())
	}
	return b
}

// unmapMemory gives memory from mapMemory back to the operating system.
func unmapMemory(b []byte) {
	if err := syscall.Munmap(b); err != nil {
		panic("slab: munmap: " + err.Error())
	}
}
