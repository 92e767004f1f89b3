package hash

import "sort"

// sizeClasses are the Go runtime's small allocation size classes
// (runtime/sizeclasses.go): an allocation of n bytes takes the first class
// not below n. Sizes are accounted through them so that SizeBytes is what
// the heap really holds, not what was asked for.
var sizeClasses = [...]int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
	1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
	6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072,
	20480, 21760, 24576, 27264, 28672, 32768,
}

const pageSize = 8192

// allocSize returns the heap bytes an allocation of n bytes takes.
func allocSize(n int) int64 {
	switch {
	case n == 0:
		return 0
	case n > sizeClasses[len(sizeClasses)-1]:
		return int64((n + pageSize - 1) / pageSize * pageSize)
	}
	return int64(sizeClasses[sort.SearchInts(sizeClasses[:], n)])
}

// roundCap returns the capacity to allocate for n bytes: all of the size
// class they fall in, which the runtime would hand out anyway.
func roundCap(n int) int { return int(allocSize(n)) }
