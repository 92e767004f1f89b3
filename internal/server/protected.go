package server

import (
	"net"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
)

// errProtectedMode is Redis 7.0's reply, typos included, to a client it
// refuses in protected mode.
const errProtectedMode = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

// deniedByProtectedMode reports whether a client from remote is refused:
// protected-mode is on, the default user has no password, and the peer
// is neither 127.0.0.1 nor ::1. As in Redis 7.0, which compares the
// address text, other loopback addresses (127.0.0.2) count as remote.
func deniedByProtectedMode(cfg *config.Config, remote net.Addr) bool {
	if !cfg.Bool("protected-mode") || cfg.String("requirepass") != "" {
		return false
	}
	ta, ok := remote.(*net.TCPAddr)
	if !ok {
		return false
	}
	return !command.LocalHost(ta.IP.String())
}
