// Package hash is the value of a Redis hash key: fields and values in
// Redis 7.0's two encodings.
//
// A small hash is a listpack ([listpack.go]): one pointer-free byte slice,
// laid out byte for byte as Redis's, with integer-looking strings stored
// as integers. Lookups walk it, as Redis does; it is small by definition.
// Its DUMP payload is the blob itself.
//
// Past the thresholds ([Limits]: hash-max-listpack-entries and
// hash-max-listpack-value) the hash converts, for good, to a hashtable
// ([table.go]): a chained table whose buckets HSCAN walks with Redis's
// reverse-binary cursor, so that a scan keeps Redis's guarantee while the
// hash changes under it.
//
// Both encodings also come from DUMP payloads: [FromListpack] checks a
// listpack as Redis's deep integrity check does, and [FromZiplist] reads
// the ziplists of Redis 6 and before ([ziplist.go]) into a listpack.
//
// Reads hand out [Elem]s, which alias the hash's memory and may be an
// integer instead of bytes (a listpack entry): a reply writer formats
// them without copying. SizeBytes is what the hash holds on the Go heap,
// allocation size classes included, kept in O(1).
package hash
