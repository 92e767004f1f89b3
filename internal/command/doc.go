// Package command owns the command table and the handlers of every command,
// one file per family (strings.go, keys.go, server.go, ...). Each family file
// ends with the list of its [Spec]s: name, arity, flags, key positions and
// handler, Redis's metadata for the command. COMMAND, COMMAND INFO and
// GETKEYS, and later the cluster router, ACLs and the proxy, all read that one
// table.
//
// Handlers parse their arguments into a typed form before they touch the
// keyspace, lock what they need through the connection's [engine.Txn], and
// write their reply with the connection's [resp.Writer]. The package never
// imports the server: what a handler needs from the connection and from the
// node around it is the [Conn] and [Node] seam.
package command
