package clients

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nodeModules returns the node_modules directory that node/install.sh
// filled: $SHOAL_NODE_CLIENTS/node_modules, or the one in the user's
// cache. The libraries are never installed into the repository, and the
// test does not install them: it skips, saying how, when they are absent.
func nodeModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SHOAL_NODE_CLIENTS")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Skipf("no cache directory for the node clients (%v); set SHOAL_NODE_CLIENTS", err)
		}
		dir = filepath.Join(cache, "shoal", "node-clients")
	}
	modules := filepath.Join(dir, "node_modules")
	for _, lib := range []string{"ioredis", "redis"} {
		if _, err := os.Stat(filepath.Join(modules, lib, "package.json")); err != nil {
			t.Skipf("%s is not installed in %s (run tests/clients/node/install.sh)", lib, modules)
		}
	}
	return modules
}

// TestNodeClients runs node_check.js with ioredis and node-redis, each in
// RESP2 and RESP3, against fresh servers for each run.
func TestNodeClients(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	env := []string{"NODE_PATH=" + nodeModules(t)}
	for _, client := range []string{"ioredis", "node-redis"} {
		for _, resp := range []string{"2", "3"} {
			t.Run(client+"/resp"+resp, func(t *testing.T) {
				redis, shoal := startTargets(t)
				args := []string{"node_check.js", "--client", client, "--resp", resp}
				want, got := runBoth(t, redis, shoal, env, node, args...)
				compareSteps(t, want, got, nodeKnown)
			})
		}
	}
}

// nodeKnown are the steps where Shoal must answer differently from
// redis-server, with the answers it may give.
var nodeKnown = map[string][]string{
	// Shoal has no streams: the client must get Redis's unknown-command
	// error (ioredis sends the name in lower case), not hang.
	"xadd": {
		`"!SimpleError: ERR unknown command 'xadd', with args beginning with: 'stream' '*' 'f' 'v' "`,
		`"!SimpleError: ERR unknown command 'XADD', with args beginning with: 'stream' '*' 'f' 'v' "`,
	},
}
