package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// processDirectives are how the node runs as a process and whom it lets
// in: Redis 7.0's names, defaults and checks, each applied by Shoal
// (cmd/shoal for the process, internal/server for connections).
func processDirectives() []*param {
	return []*param{
		// protected-mode refuses clients from other addresses than
		// 127.0.0.1 and ::1 while the default user has no password.
		{name: "protected-mode", kind: kindBool, def: "yes"},
		// daemonize yes detaches: the process starts itself again in a
		// session of its own and exits once that one listens.
		{name: "daemonize", kind: kindBool, def: "no", immutable: true},
		// pidfile is written at start and removed at a clean exit.
		{name: "pidfile", kind: kindString, def: "", immutable: true, rewrite: rewriteUnlessEmpty},
		// supervised tells systemd (NOTIFY_SOCKET) or upstart (SIGSTOP)
		// that the node is ready; auto picks by the environment.
		{name: "supervised", kind: kindEnum, def: "no", enum: []string{"upstart", "systemd", "auto", "no"}, immutable: true},
		// tcp-backlog is listen(2)'s backlog, which the kernel caps at
		// net.core.somaxconn.
		{name: "tcp-backlog", kind: kindInt, def: "511", min: 0, max: math.MaxInt32, immutable: true},
		// shutdown-on-sigint and shutdown-on-sigterm are SHUTDOWN's
		// flags for the signal: default saves when save points are set.
		{name: "shutdown-on-sigint", kind: kindFlags, def: "default", multiArg: true,
			parseFlags: parseShutdownFlags, formatFlags: formatShutdownFlags},
		{name: "shutdown-on-sigterm", kind: kindFlags, def: "default", multiArg: true,
			parseFlags: parseShutdownFlags, formatFlags: formatShutdownFlags},
		// enable-debug-command defaults to yes, where Redis 7.0's is no:
		// DEBUG DIGEST is how nodes are compared (README); no and local
		// refuse it as Redis does. There is no MODULE command.
		{name: "enable-debug-command", kind: kindEnum, def: "yes", enum: []string{"no", "yes", "local"}, immutable: true},
		{name: "enable-module-command", kind: kindEnum, def: "no", enum: []string{"no", "yes", "local"}, immutable: true},
	}
}

// Shutdown flags, as SHUTDOWN's options (Redis's SHUTDOWN_* bits).
const (
	ShutdownSave   = 1 << iota // save even without save points
	ShutdownNoSave             // do not save
	ShutdownNow                // do not wait for replicas
	ShutdownForce              // stop even when the save fails
)

var shutdownFlagNames = []string{"save", "nosave", "now", "force"}

// parseShutdownFlags reads "default" or a space-separated set of save,
// nosave, now and force, as Redis 7.0's multi-value enum does.
func parseShutdownFlags(v string) (int64, error) {
	var n int64
	for w := range strings.SplitSeq(v, " ") {
		if strings.EqualFold(w, "default") {
			continue
		}
		i := -1
		for j, name := range shutdownFlagNames {
			if strings.EqualFold(w, name) {
				i = j
			}
		}
		if i < 0 {
			return 0, fmt.Errorf("argument(s) must be one of the following: default, save, nosave, now, force")
		}
		n |= 1 << i
	}
	if n&ShutdownSave != 0 && n&ShutdownNoSave != 0 {
		return 0, fmt.Errorf("shutdown options SAVE and NOSAVE can't be used simultaneously")
	}
	return n, nil
}

func formatShutdownFlags(n int64) string {
	var names []string
	for i, name := range shutdownFlagNames {
		if n&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "default"
	}
	return strings.Join(names, " ")
}

// checkOctalPerm reads unixsocketperm, an octal mode, with Redis's texts.
func checkOctalPerm(v string) error {
	n, err := strconv.ParseInt(v, 8, 64)
	if err != nil {
		return fmt.Errorf("argument couldn't be parsed as an octal number")
	}
	if n < 0 || n > 0o777 {
		return fmt.Errorf("argument must be between 0 and 777 inclusive")
	}
	return nil
}

// octal shows an octal mode as Redis does: "0700" reads back "700".
func octal(v string) string {
	if n, err := strconv.ParseInt(v, 8, 64); err == nil {
		return strconv.FormatInt(n, 8)
	}
	return v
}
