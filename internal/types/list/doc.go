// Package list is the data structure behind Redis lists: a quicklist, as
// Redis 7.0 stores every list, a deque of nodes each holding a listpack.
//
// # Layout
//
// A listpack is one allocation holding a run of elements back to back,
// byte for byte in Redis's format (listpack.go): a six-byte header, each
// element as an encoding byte, its data and a back-length, then an end
// byte. Elements that are canonical decimal integers take 1 to 9 bytes;
// others their length plus 2 to 7. Nothing in a listpack is a pointer, so a
// list of any length costs the garbage collector a handful of objects: the
// List, its deque of nodes and one byte slice per node.
//
// A node holds up to list-max-listpack-size elements (a positive fill,
// within 8 KB) or bytes (-1 to -5: 4 to 64 KB; the default -2 is 8 KB).
// Pushes and pops at either end touch only the end node; finding element i
// walks the nodes by their counts, then one listpack from its nearer end.
//
// # Redis's shapes
//
// Nodes fill, split and merge exactly as Redis's quicklist's do (the size
// estimates included: 8 bytes of overhead per insert, 11 saved per merge),
// and LINSERT, LSET, LREM and LTRIM leave the nodes Redis would leave. So
// the listpacks are the very bytes Redis would DUMP ([List.Listpacks]), and
// a payload from Redis loads node for node ([List.AppendListpack]) after a
// full check of every byte. Two things Redis does are left out: nodes are
// never compressed in memory (list-compress-depth; DUMP is the same either
// way, since Redis writes a node it compressed as the LZF string it would
// have made of it anyway), and an element of 1 GB or more gets a listpack
// node of its own rather than a "plain" one.
package list
