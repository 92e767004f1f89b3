// Package resp reads and writes the Redis serialization protocol, RESP2 and
// RESP3.
//
// The [Reader] turns a byte stream into commands: multibulk arrays as clients
// send them and the inline form that people type into telnet or nc. It parses
// only what is buffered ([Reader.Next]) and never blocks, so that the
// connection loop can execute every complete command of a pipelined batch and
// flush the replies once before it reads again. Lengths announced by a client
// are checked before anything is allocated for them.
//
// The [Writer] appends replies to a buffer in the shape of the protocol
// version the client chose with HELLO: maps, sets, doubles, booleans and nulls
// have distinct RESP3 types and fall back to arrays, bulk strings and integers
// under RESP2, as redis-server does.
//
// The package imports only the standard library.
package resp
