package command

import (
	"strings"
)

// CLIENT: a connection's view of itself and of the other clients.

func clientID(c *Ctx) { c.W.Int(c.Conn.ID()) }

func clientInfo(c *Ctx) { c.W.Verbatim("txt", c.Conn.Info()+"\n") }

func clientSetName(c *Ctx) {
	name := string(c.Args[2])
	if !validClientName(name) {
		c.Error(errClientName)
		return
	}
	c.Conn.SetName(name)
	c.W.OK()
}

func clientGetName(c *Ctx) {
	if name := c.Conn.Name(); name != "" {
		c.W.BulkString(name)
		return
	}
	c.W.Null()
}

// clientSetInfo is Redis 7.2's CLIENT SETINFO, which client libraries send
// right after connecting.
func clientSetInfo(c *Ctx) {
	attr, value := string(c.Args[2]), string(c.Args[3])
	isName := strings.EqualFold(attr, "lib-name")
	if !isName && !strings.EqualFold(attr, "lib-ver") {
		c.Errorf("ERR Unrecognized option '%s'", attr)
		return
	}
	if !validClientName(value) {
		c.Errorf("ERR %s cannot contain spaces, newlines or special characters.", attr)
		return
	}
	if isName {
		c.Conn.SetLib(value, "")
	} else {
		c.Conn.SetLib("", value)
	}
	c.W.OK()
}

func clientNoEvict(c *Ctx) {
	switch {
	case is(c.Args[2], "on"):
		c.Conn.SetNoEvict(true)
	case is(c.Args[2], "off"):
		c.Conn.SetNoEvict(false)
	default:
		c.Error(errSyntax)
		return
	}
	c.W.OK()
}

// clientListArgs is CLIENT LIST's parsed form: every client, those of one
// type, or those with the given ids, in the order asked.
type clientListArgs struct {
	typ   string
	ids   []int64
	byIDs bool
}

func parseClientList(c *Ctx) (clientListArgs, bool) {
	args := c.Args[2:]
	var a clientListArgs
	switch {
	case len(args) == 0:
	case len(args) == 2 && is(args[0], "type"):
		typ, ok := clientTypeByName(args[1])
		if !ok {
			c.Errorf("ERR Unknown client type '%s'", cString(args[1]))
			return a, false
		}
		a.typ = typ
	case len(args) > 1 && is(args[0], "id"):
		a.byIDs = true
		for _, arg := range args[1:] {
			id, ok := parseInt(arg)
			if !ok {
				c.Error("ERR Invalid client ID")
				return a, false
			}
			a.ids = append(a.ids, id)
		}
	default:
		c.Error(errSyntax)
		return a, false
	}
	return a, true
}

func clientList(c *Ctx) {
	a, ok := parseClientList(c)
	if !ok {
		return
	}
	clients := c.Node.Clients.List()
	var b strings.Builder
	if a.byIDs {
		for _, id := range a.ids {
			for _, conn := range clients {
				if conn.ID() == id {
					b.WriteString(conn.Info())
					b.WriteByte('\n')
				}
			}
		}
	} else {
		for _, conn := range clients {
			line := conn.Info()
			if a.typ == "" || clientTypeOf(line) == a.typ {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
	}
	c.W.Verbatim("txt", b.String())
}

// clientTypeByName maps a TYPE argument to a client type, accepting
// "slave" for "replica" as Redis does.
func clientTypeByName(name []byte) (string, bool) {
	for _, t := range []string{"normal", "master", "replica", "pubsub"} {
		if is(name, t) {
			return t, true
		}
	}
	if is(name, "slave") {
		return "replica", true
	}
	return "", false
}

// clientTypeOf derives a client's type from the flags of its CLIENT LIST
// line, as Redis's getClientType does from the client's flags.
func clientTypeOf(line string) string {
	flags := infoField(line, "flags")
	switch {
	case strings.Contains(flags, "M"):
		return "master"
	case strings.Contains(flags, "S") && !strings.Contains(flags, "O"):
		return "replica"
	case strings.Contains(flags, "P"):
		return "pubsub"
	}
	return "normal"
}

// infoField returns the value of field name in a CLIENT LIST line.
func infoField(line, name string) string {
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// killFilter is CLIENT KILL's parsed form. The old form names one address
// and may kill the caller; the new form ANDs its filters and skips the
// caller unless SKIPME no.
type killFilter struct {
	oldForm           bool
	addr, laddr, user string
	hasAddr, hasLaddr bool
	hasUser           bool
	typ               string
	id                int64
	skipMe            bool
}

func parseClientKill(c *Ctx) (killFilter, bool) {
	args := c.Args[2:]
	if len(args) == 1 {
		return killFilter{oldForm: true, addr: string(args[0]), hasAddr: true}, true
	}
	f := killFilter{skipMe: true}
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.Error(errSyntax)
			return f, false
		}
		opt, val := args[i], args[i+1]
		switch {
		case is(opt, "id"):
			id, ok := parseInt(val)
			if !ok || id < 1 {
				c.Error("ERR client-id should be greater than 0")
				return f, false
			}
			f.id = id
		case is(opt, "type"):
			typ, ok := clientTypeByName(val)
			if !ok {
				c.Errorf("ERR Unknown client type '%s'", cString(val))
				return f, false
			}
			f.typ = typ
		case is(opt, "addr"):
			f.addr, f.hasAddr = string(val), true
		case is(opt, "laddr"):
			f.laddr, f.hasLaddr = string(val), true
		case is(opt, "user"):
			// The default user is the only one until ACLs exist.
			if string(val) != "default" {
				c.Errorf("ERR No such user '%s'", cString(val))
				return f, false
			}
			f.user, f.hasUser = string(val), true
		case is(opt, "skipme") && is(val, "yes"):
			f.skipMe = true
		case is(opt, "skipme") && is(val, "no"):
			f.skipMe = false
		default:
			c.Error(errSyntax)
			return f, false
		}
	}
	return f, true
}

func (f *killFilter) matches(conn Conn) bool {
	return (!f.hasAddr || conn.Addr() == f.addr) &&
		(!f.hasLaddr || conn.LocalAddr() == f.laddr) &&
		(f.typ == "" || clientTypeOf(conn.Info()) == f.typ) &&
		(f.id == 0 || conn.ID() == f.id) &&
		(!f.hasUser || conn.User() == f.user)
}

func clientKill(c *Ctx) {
	f, ok := parseClientKill(c)
	if !ok {
		return
	}
	killed, killSelf := 0, false
	for _, conn := range c.Node.Clients.List() {
		if !f.matches(conn) {
			continue
		}
		if conn.ID() == c.Conn.ID() {
			if f.skipMe {
				continue
			}
			killSelf = true
		} else {
			conn.Kill()
		}
		killed++
	}
	switch {
	case !f.oldForm:
		c.W.Int(int64(killed))
	case killed == 0:
		c.Error("ERR No such client")
		return
	default:
		c.W.OK()
	}
	if killSelf {
		c.Conn.CloseAfterReply()
	}
}

// clientHelp is Redis 7.0's text, word for word: it also names the
// subcommands Shoal does not have yet (TRACKING, CACHING), and not
// SETINFO, which Redis added in 7.2.
func clientHelp(c *Ctx) {
	replyHelp(c, "CLIENT", []string{
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
	})
}

func clientCommand() *Spec {
	const self = NoScript | Loading | Stale
	const admin = Admin | self
	return &Spec{Name: "client", Arity: -2, Group: "connection", Summary: "A container for client connection commands", Since: "2.4.0",
		Subcommands: []*Spec{
			{Name: "id", Arity: 2, Flags: self, Summary: "Returns the client ID for the current connection", Since: "5.0.0", Handler: clientID},
			{Name: "info", Arity: 2, Flags: self, Summary: "Returns information about the current client connection.", Since: "6.2.0", Handler: clientInfo},
			{Name: "list", Arity: -2, Flags: admin, Summary: "Get the list of client connections", Since: "2.4.0", Handler: clientList},
			{Name: "kill", Arity: -3, Flags: admin, Summary: "Kill the connection of a client", Since: "2.4.0", Handler: clientKill},
			{Name: "setname", Arity: 3, Flags: self, Summary: "Set the current connection name", Since: "2.6.9", Handler: clientSetName},
			{Name: "getname", Arity: 2, Flags: self, Summary: "Get the current connection name", Since: "2.6.9", Handler: clientGetName},
			{Name: "setinfo", Arity: 4, Flags: self, Summary: "Set client or connection specific info", Since: "7.2.0", Handler: clientSetInfo},
			{Name: "unblock", Arity: -3, Flags: admin, Summary: "Unblock a client blocked in a blocking command from a different connection", Since: "5.0.0", Handler: clientUnblock},
			{Name: "pause", Arity: -3, Flags: admin, Summary: "Stop processing commands from clients for some time", Since: "3.0.0", Handler: clientPause},
			{Name: "unpause", Arity: 2, Flags: admin, Summary: "Resume processing of clients that were paused", Since: "6.2.0", Handler: clientUnpause},
			{Name: "no-evict", Arity: 3, Flags: admin, Summary: "Set client eviction mode for the current connection", Since: "7.0.0", Handler: clientNoEvict},
			{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Handler: clientHelp},
			{Name: "reply", Arity: 3, Flags: self, Summary: "Instruct the server whether to reply to commands", Since: "3.2.0", Handler: clientReply},
			{Name: "getredir", Arity: 2, Flags: self, Summary: "Get tracking notifications redirection client ID if any", Since: "6.0.0", Handler: clientGetRedir},
			{Name: "trackinginfo", Arity: 2, Flags: self, Summary: "Return information about server assisted client side caching for the current connection", Since: "6.2.0", Handler: clientTrackingInfo},
		}}
}

// ReplyController is a connection whose replies CLIENT REPLY can turn
// off (off) or drop for the next command only (skip).
type ReplyController interface {
	SetReplies(off, skip bool)
}

// clientReply is CLIENT REPLY ON|OFF|SKIP: ON answers OK; OFF and SKIP
// answer nothing, as the replies they turn off.
func clientReply(c *Ctx) {
	var off, skip bool
	switch {
	case is(c.Args[2], "on"):
	case is(c.Args[2], "off"):
		off = true
	case is(c.Args[2], "skip"):
		skip = true
	default:
		c.Error(errSyntax)
		return
	}
	if rc, ok := c.Conn.(ReplyController); ok {
		rc.SetReplies(off, skip)
	}
	if !off && !skip {
		c.W.OK()
	}
}

// Client-side caching (CLIENT TRACKING) is not supported: tracking is
// always off, which is what these report.
func clientGetRedir(c *Ctx) { c.W.Int(-1) }

func clientTrackingInfo(c *Ctx) {
	c.W.Map(3)
	c.W.BulkString("flags")
	c.W.Set(1)
	c.W.BulkString("off")
	c.W.BulkString("redirect")
	c.W.Int(-1)
	c.W.BulkString("prefixes")
	c.W.Array(0)
}
