// Package zset is Shoal's sorted set: members (byte strings) ordered by a
// float64 score, then by the members' bytes, as Redis 7.0's zset.
//
// A set has two forms, as in Redis:
//
//   - compact (OBJECT ENCODING "listpack"): every member and score in one
//     pointer-free byte slice, in order; lookups walk it. Scores that are
//     integers are stored as varints, others as 8 bytes, so that a small
//     set costs about what Redis's listpack does. A set starts so.
//   - large ("skiplist"): a skiplist with spans ordered by (score, member)
//     for O(log n) ranks and ranges, plus a chained hash table from member
//     to node for O(1) lookups, whose buckets ZSCAN walks with Redis's
//     reverse-binary cursor.
//
// A compact set turns large, for good, once it would hold more than
// Limits.MaxEntries members or a member longer than Limits.MaxValue bytes
// (zset-max-listpack-entries and -value). A set built whole (Build: the
// result of ZUNIONSTORE and friends, a RESTORE) is compact when it fits.
//
// Range arguments are parsed here as Redis parses them: score bounds with
// C's strtod syntax ("(1.5", "-inf", "0x1p3", leading spaces), member
// bounds "[a", "(a", "-", "+" (ParseScoreRange, ParseLexRange, fuzzed).
// AppendListpack and ParseListpack read and write Redis's listpack bytes,
// which DUMP and RESTORE carry.
//
// SizeBytes keeps a running estimate of the heap the set holds, built from
// the Go allocator's size classes; a test measures it against the heap.
package zset
