package command

import (
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/shoal-cache/shoal/internal/config"
)

// CONFIG: read and change the node's directives at run time. The
// directives, their syntax and CONFIG SET's error texts live in the config
// package; this file turns the command's arguments into calls on it.

func configGet(c *Ctx) {
	seen := map[string]bool{}
	var pairs [][2]string
	add := func(reply, name, value string) {
		if !seen[name] {
			seen[name] = true
			pairs = append(pairs, [2]string{reply, value})
		}
	}
	cfg := c.Node.Config
	value := func(name, v string) string {
		if name == "replicaof" || name == "slaveof" {
			return liveReplicaOf(c)
		}
		return v
	}
	for _, arg := range c.Args[2:] {
		pattern := string(arg)
		// As Redis, an argument without glob characters is a name, looked
		// up as such and answered with the name as it was asked
		// ("CONFIG GET MaxClients" replies "MaxClients").
		if !strings.ContainsAny(pattern, "*?[") {
			if name := lowerString(pattern); cfg.Has(name) {
				add(pattern, name, value(name, cfg.String(name)))
			}
			continue
		}
		for _, kv := range cfg.Match([]string{pattern}, configGlob) {
			add(kv[0], kv[0], value(kv[0], kv[1]))
		}
	}
	c.W.Map(len(pairs))
	for _, kv := range pairs {
		c.W.BulkString(kv[0])
		c.W.BulkString(kv[1])
	}
}

func configSet(c *Ctx) {
	args := c.Args[2:]
	if len(args)%2 != 0 {
		c.Error(errSyntax)
		return
	}
	pairs := make([][2]string, 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		pairs = append(pairs, [2]string{string(args[i]), string(args[i+1])})
	}
	if err := c.Node.Config.SetChecked(pairs, protectedAllowed(c)); err != nil {
		c.Error(err.Error())
		return
	}
	c.W.OK()
}

// protectedAllowed reports whether enable-protected-configs lets this
// client change the protected directives (dir, dbfilename): yes, or local
// for a client on the loopback interface, as Redis's allowProtectedAction.
func protectedAllowed(c *Ctx) bool {
	switch c.Node.Config.String("enable-protected-configs") {
	case "yes":
		return true
	case "local":
		return isLocalClient(c)
	}
	return false
}

// LocalHost is Redis's test of a local client (islocalClient, and
// protected mode's): the address, as text, is 127.0.0.1 or ::1, so other
// loopback addresses (127.0.0.2) do not count.
func LocalHost(host string) bool { return host == "127.0.0.1" || host == "::1" }

// isLocalClient reports whether c's peer is local as LocalHost says.
func isLocalClient(c *Ctx) bool {
	host, _, err := net.SplitHostPort(c.Conn.Addr())
	return err == nil && LocalHost(host)
}

// errDebugNotAllowed is Redis's refusal of DEBUG under
// enable-debug-command no, or local from elsewhere.
const errDebugNotAllowed = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`

// debugRefused reports whether enable-debug-command refuses DEBUG to c.
func debugRefused(c *Ctx) bool {
	switch c.Node.Config.String("enable-debug-command") {
	case "yes":
		return false
	case "local":
		return !isLocalClient(c)
	}
	return true
}

// configResetStat zeroes what INFO counts: keyspace, command, error and
// connection counters, and the memory peak.
func configResetStat(c *Ctx, st *serverState) {
	c.Node.Engine.ResetStats()
	c.Node.Table.ResetStats()
	if c.Node.Clients != nil {
		c.Node.Clients.ResetStats()
	}
	st.reset()
	c.W.OK()
}

// configRewrite rewrites the config file the node was started with so
// that it holds the live configuration (config.Config.Rewrite); started
// without one, the node says so, as Redis does. The primary written is the
// one the node follows now, which REPLICAOF may have changed.
func configRewrite(c *Ctx) {
	cfg := c.Node.Config
	switch err := cfg.Rewrite(liveReplicaOf(c)); {
	case errors.Is(err, config.ErrNoConfigFile):
		c.Error("ERR " + err.Error())
	case err != nil:
		reason := err.Error()
		if rerr := (*config.RewriteError)(nil); errors.As(err, &rerr) {
			reason = rerr.Reason()
		}
		c.Node.Log.Warn("CONFIG REWRITE failed", "file", cfg.File(), "error", err)
		c.Error("ERR Rewriting config file: " + reason)
	default:
		c.Node.Log.Info("CONFIG REWRITE executed with success", "file", cfg.File())
		c.W.OK()
	}
}

func configHelp(c *Ctx) {
	replyHelp(c, "CONFIG", []string{
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.",
	})
}

// replyHelp writes a HELP reply as Redis's addReplyHelp does: a usage line,
// the subcommands, and HELP itself, each a status reply.
func replyHelp(c *Ctx, container string, lines []string) {
	c.W.Array(len(lines) + 3)
	c.W.Simple(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Prints this help.")
}

// lowerString is s in ASCII lower case.
func lowerString(s string) string { return string(lower(nil, []byte(s))) }

// configGlob reports whether name matches the glob pattern, ignoring case,
// as CONFIG GET and COMMAND LIST FILTERBY PATTERN match.
func configGlob(pattern, name string) bool {
	return matchGlob([]byte(pattern), []byte(name), true)
}

func configCommand(st *serverState) *Spec {
	const sub = Admin | NoScript | Loading | Stale
	return &Spec{Name: "config", Arity: -2, Group: "server", Summary: "A container for server configuration commands", Since: "2.0.0",
		Subcommands: []*Spec{
			{Name: "get", Arity: -3, Flags: sub, Summary: "Get the values of configuration parameters", Since: "2.0.0", Handler: configGet},
			{Name: "set", Arity: -4, Flags: sub, Summary: "Set configuration parameters to the given values", Since: "2.0.0", Handler: configSet},
			{Name: "resetstat", Arity: 2, Flags: sub, Summary: "Reset the stats returned by INFO", Since: "2.0.0",
				Handler: func(c *Ctx) { configResetStat(c, st) }},
			{Name: "rewrite", Arity: 2, Flags: sub, Summary: "Rewrite the configuration file with the in memory configuration", Since: "2.8.0", Handler: configRewrite},
			{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Handler: configHelp},
		}}
}

// liveReplicaOf is the replicaof directive's value as the node stands:
// "host port" of the primary it follows now, which REPLICAOF may have
// changed since start, or "" on a primary (CONFIG GET and CONFIG REWRITE
// show it so, as Redis does).
func liveReplicaOf(c *Ctx) string {
	if c.Node.Repl == nil {
		return c.Node.Config.String("replicaof")
	}
	if r := c.Node.Repl.Role(); r.Replica {
		return r.Host + " " + strconv.Itoa(r.Port)
	}
	return ""
}
