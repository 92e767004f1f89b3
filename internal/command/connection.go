package command

// Connection commands: the ones a client sends to set up and probe its
// connection.

func ping(c *Ctx) {
	if len(c.Args) <= 2 && c.subscribedRESP2() {
		pingSubscribed(c)
		return
	}
	switch len(c.Args) {
	case 1:
		c.W.Simple("PONG")
	case 2:
		c.W.Bulk(c.Args[1])
	default:
		c.Error("ERR wrong number of arguments for 'ping' command")
	}
}

func echo(c *Ctx) { c.W.Bulk(c.Args[1]) }

func quit(c *Ctx) {
	c.W.OK()
	c.Conn.CloseAfterReply()
}

func reset(c *Ctx) {
	c.resetTransaction()
	c.Conn.Reset()
	c.W.Simple("RESET")
}

func selectDB(c *Ctx) {
	n, ok := parseInt(c.Args[1])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if n < 0 || n >= int64(c.Node.Engine.NumDBs()) {
		c.Error(errDBIndex)
		return
	}
	c.Conn.SetDB(int(n))
	c.W.OK()
}

func auth(c *Ctx) {
	if len(c.Args) > 3 {
		c.Error(errSyntax)
		return
	}
	user, pass := "default", c.Args[len(c.Args)-1]
	if len(c.Args) == 3 {
		user = string(c.Args[1])
	}
	if len(c.Args) == 2 && c.Node.Config.String("requirepass") == "" {
		c.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if !c.checkPassword(user, pass) {
		c.Error(errInvalidPass)
		return
	}
	c.Conn.Authenticate(user)
	c.W.OK()
}

// checkPassword checks credentials against the default user, whose
// password is requirepass (any password when it is empty, as Redis's
// "nopass" default user).
func (c *Ctx) checkPassword(user string, pass []byte) bool {
	want := c.Node.Config.String("requirepass")
	return user == "default" && (want == "" || want == string(pass))
}

// hello switches the protocol and replies with the server's description.
func hello(c *Ctx) {
	args := c.Args[1:]
	proto := c.Conn.Proto()
	if len(args) > 0 {
		v, ok := parseInt(args[0])
		if !ok {
			c.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v != 2 && v != 3 {
			c.Error("NOPROTO unsupported protocol version")
			return
		}
		proto = int(v)
		args = args[1:]
	}
	var user, name string
	var pass []byte
	var haveAuth, haveName bool
	for i := 0; i < len(args); i++ {
		switch {
		case is(args[i], "auth") && i+2 < len(args):
			user, pass, haveAuth = string(args[i+1]), args[i+2], true
			i += 2
		case is(args[i], "setname") && i+1 < len(args):
			name, haveName = string(args[i+1]), true
			i++
		default:
			c.Errorf("ERR Syntax error in HELLO option '%s'", cString(args[i]))
			return
		}
	}
	if haveAuth {
		if !c.checkPassword(user, pass) {
			c.Error(errInvalidPass)
			return
		}
		c.Conn.Authenticate(user)
	}
	if !c.Conn.Authenticated() {
		c.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if haveName {
		if !validClientName(name) {
			c.Error(errClientName)
			return
		}
		c.Conn.SetName(name)
	}
	c.Conn.SetProto(proto)
	c.W.Map(7)
	c.W.BulkString("server")
	c.W.BulkString("redis")
	c.W.BulkString("version")
	c.W.BulkString(RedisVersion)
	c.W.BulkString("proto")
	c.W.Int(int64(proto))
	c.W.BulkString("id")
	c.W.Int(c.Conn.ID())
	c.W.BulkString("mode")
	c.W.BulkString("standalone")
	c.W.BulkString("role")
	c.W.BulkString(helloRole(c))
	c.W.BulkString("modules")
	c.W.Array(0)
}

// helloRole is HELLO's role: "replica" on a replica, as Redis says it
// there (ROLE and INFO say "slave").
func helloRole(c *Ctx) string {
	if c.Node.Repl != nil && c.Node.Repl.Role().Replica {
		return "replica"
	}
	return "master"
}

// RedisVersion is the Redis version whose behaviour Shoal matches. HELLO
// and INFO report it so that client libraries that gate features on the
// server's version treat Shoal as that Redis.
const RedisVersion = "7.0.15"

const errClientName = "ERR Client names cannot contain spaces, newlines or special characters."

// validClientName allows the printable ASCII characters but space, as
// Redis does.
func validClientName(name string) bool {
	for i := range len(name) {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}

func connectionCommands() []*Spec {
	return []*Spec{
		{Name: "ping", Arity: -1, Flags: Fast, Group: "connection", Summary: "Returns the server's liveliness response.", Since: "1.0.0", Handler: ping},
		{Name: "echo", Arity: 2, Flags: Fast | Loading | Stale, Group: "connection", Summary: "Returns the given string.", Since: "1.0.0", Handler: echo},
		{Name: "quit", Arity: -1, Flags: Fast | NoAuth | NoScript | Stale | Loading | AllowBusy, Group: "connection", Summary: "Closes the connection.", Since: "1.0.0", Handler: quit},
		{Name: "reset", Arity: 1, Flags: Fast | NoAuth | Stale | Loading | NoScript | AllowBusy, Group: "connection", Summary: "Resets the connection.", Since: "6.2.0", Handler: reset},
		{Name: "select", Arity: 2, Flags: Fast | Loading | Stale, Group: "connection", Summary: "Changes the selected database.", Since: "1.0.0", Handler: selectDB},
		{Name: "auth", Arity: -2, Flags: Fast | NoAuth | NoScript | Loading | Stale | AllowBusy, Group: "connection", Summary: "Authenticates the connection.", Since: "1.0.0", Handler: auth},
		{Name: "hello", Arity: -1, Flags: Fast | NoAuth | NoScript | Loading | Stale | AllowBusy, Group: "connection", Summary: "Handshakes with the Redis server.", Since: "6.0.0", Handler: hello},
	}
}
