// Package slab allocates the memory that holds the keyspace's records,
// outside the Go heap.
//
// A cache that keeps one heap object per key makes the garbage collector
// mark every key on every cycle, and GOGC lets the heap grow to twice the
// live data between cycles. An [Arena] instead hands out chunks of large
// segments mapped from the operating system: the collector never scans
// them, and their memory is the data plus a bounded slack, not twice it.
//
// Chunks come in size classes about 12.5 % apart, so a record wastes at
// most an eighth of its chunk. Each class fills its segments by bumping an
// offset and reuses freed chunks through a free list kept inside the chunks
// themselves, so a steady overwrite workload reuses space instead of
// growing. A segment whose chunks are all free is given back to the
// operating system by [Arena.ReleaseEmpty]. Records too large for a class
// get a mapping of their own.
//
// A chunk is named by a [Loc], a 48-bit integer holding no Go pointer, so
// indexes of millions of chunks are plain integer arrays the collector
// ignores too. An Arena is not safe for concurrent use: its owner (a shard)
// serialises access with its lock.
package slab
