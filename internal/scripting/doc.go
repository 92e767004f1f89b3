// Package scripting runs Redis's Lua scripts on gopher-lua, the Lua 5.1
// that Redis embeds: the sandbox (the libraries Redis exposes, read-only
// globals), the redis.* library, the conversions between Lua values and
// RESP replies both ways, and Redis 7.0's error texts.
//
// It knows nothing of the command table or the keyspace. A script reaches
// the node through a [Host], which runs the commands of redis.call and
// redis.pcall and hands back their replies as RESP bytes; this package
// turns those into Lua values by Redis's rules, and the script's result
// into a reply. The command package owns EVAL, EVALSHA and SCRIPT, and the
// atomicity around a run.
//
// Function libraries (library.go) are loaded into a VM of their own by
// [VM.LoadLibrary], which runs a library's body in Redis's load
// environment and collects what it registers; [VM.Call] runs one of its
// [Function]s. The command package keeps the libraries.
//
// A [VM] runs one script at a time: Redis runs scripts one after another,
// and so does a node, so one VM per node serves every script. Compiled
// [Script]s do not belong to a VM and may be shared.
//
// What differs from Redis's Lua, because gopher-lua is not the C Lua
// (runtime errors are rewritten into Lua 5.1's texts, the value named as
// Lua names it: errors.go, names.go): compile errors say
// "syntax error" or "unexpected symbol" where Lua gives its specific
// reason, numbers concatenated into strings (..) take Go's shortest form
// rather than Lua's %.14g (tostring does follow %.14g), and tables with
// keys other than 1..n iterate in insertion order, not Lua's hash order,
// which shows in the order of a map reply.
package scripting
