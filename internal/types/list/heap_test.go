package list

import "runtime"

// heapInUse returns the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// keep keeps v alive up to here.
func keep(v any) { runtime.KeepAlive(v) }
