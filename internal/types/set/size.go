package set

import "unsafe"

// Memory accounting. SizeBytes must be O(1), so the hashtable keeps a
// running total of its members' string bytes and the rest is computed from
// capacities with the Go runtime's allocation rules: objects
// are rounded up to a size class, and pointer-free objects under 16 bytes
// share 16-byte blocks (the tiny allocator).

// sizeClasses are the Go runtime's small object size classes (up to 32 KB).
var sizeClasses = [...]int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

// allocBytes is what an allocation of n bytes takes.
func allocBytes(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n > sizeClasses[len(sizeClasses)-1] {
		const page = 8192
		return int64((n + page - 1) / page * page)
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int64(sizeClasses[lo])
}

// stringBytes is what a member's string of n bytes takes: short ones come
// from the tiny allocator, packed with a little alignment waste.
func stringBytes(n int) int64 {
	if n < 16 {
		return int64((n + 3) &^ 3)
	}
	return allocBytes(n)
}

const (
	setStruct   = int64(unsafe.Sizeof(Set{}))
	tableStruct = int64(unsafe.Sizeof(table{}))
	stringSlot  = int64(unsafe.Sizeof(""))
)

// SizeBytes estimates the heap memory the set holds.
func (s *Set) SizeBytes() int64 {
	n := allocBytes(int(setStruct)) + allocBytes(cap(s.ints))
	if t := s.ht; t != nil {
		n += allocBytes(int(tableStruct)) + allocBytes(len(t.slots)*4) + allocBytes(cap(t.members)*int(stringSlot)) + t.data
	}
	return n
}
