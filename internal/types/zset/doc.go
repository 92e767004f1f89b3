// Package zset is Shoal's sorted set: members (byte strings) ordered by a
// float64 score, then by the members' bytes, as Redis 7.0's zset.
//
// A set has two forms, as in Redis:
//
//   - compact (OBJECT ENCODING "listpack"): every member and score in one
//     pointer-free byte slice, in order; lookups walk it. Scores that are
//     integers are stored as varints, others as 8 bytes, so that a small
//     set costs about what Redis's listpack does. A set starts so.
//   - large (OBJECT ENCODING "skiplist", as Redis names it): a counted
//     B+tree ordered by (score, member), whose subtree counts make ranks
//     O(log n) as Redis's skiplist spans do, plus a chained hash table
//     from member to score for O(1) lookups, whose buckets ZSCAN walks
//     with Redis's reverse-binary cursor. A B+tree rather than Redis's
//     skiplist: a skiplist walk is a chain of a cache miss per node, some
//     25 for 100,000 members, where a descent here reads three or four
//     nodes of adjacent lines (btree.go).
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
