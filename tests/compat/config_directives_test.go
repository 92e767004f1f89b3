package compat

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/node"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// redisConfig is CONFIG GET * of a redis-server 7.0, name to value.
func redisConfig(t *testing.T, addr string) map[string]string {
	t.Helper()
	r := parse(dialRedis(t, addr).Do("CONFIG", "GET", "*"))
	if len(r.elems)%2 != 0 || len(r.elems) == 0 {
		t.Fatalf("CONFIG GET * = %v", r)
	}
	out := map[string]string{}
	for i := 0; i < len(r.elems); i += 2 {
		out[r.elems[i].body] = r.elems[i+1].body
	}
	return out
}

// TestConfigNamesCoverRedis checks that every name redis-server 7.0's
// CONFIG GET * lists, aliases included, is one Shoal's lists too.
func TestConfigNamesCoverRedis(t *testing.T) {
	redisAddr := testserver.StartRedis(t)
	want := redisConfig(t, redisAddr)
	s := testserver.Start(t)
	got := parse(s.Raw(t).Do("CONFIG", "GET", "*"))
	have := map[string]bool{}
	for i := 0; i+1 < len(got.elems); i += 2 {
		have[got.elems[i].body] = true
	}
	var missing []string
	for name := range want {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("CONFIG GET * of Shoal lacks %d of redis-server's %d names: %v", len(missing), len(want), missing)
	}
}

// TestConfigSetMatchesRedis sends CONFIG SET with values good and bad to
// every directive both servers have, except those that would cut the
// connection off (requirepass) or that Shoal refuses on purpose (the
// features it lacks, README), and compares the replies and what CONFIG
// GET shows after.
func TestConfigSetMatchesRedis(t *testing.T) {
	redisAddr := testserver.StartRedis(t)
	names := redisConfig(t, redisAddr)
	s := testserver.Start(t, "save ")
	p := newPair(t, redisAddr, s, 2)
	skip := map[string]bool{
		// Cut the test's own connection off, or are given differently
		// to the two test servers.
		"requirepass": true, "masterauth": true, "masteruser": true, "protected-mode": true, "bind": true, "port": true,
		"dir": true, "dbfilename": true, "save": true, "appendonly": true, "replicaof": true, "slaveof": true,
		"maxmemory": true, "maxclients": true,
		// Shoal's own default (README).
		"io-threads": true, "enable-debug-command": true,
		// Refused by Shoal when on (README: what is refused).
		"tls-port": true, "tls-replication": true, "tls-cluster": true, "maxmemory-clients": true,
		"aof-timestamp-enabled": true, "aof-disable-auto-gc": true, "aof-use-rdb-preamble": true,
		"propagation-error-behavior": true,
	}
	values := []string{"zzz", "-9223372036854775808", "9223372036854775808", "", "1 2", "yes", "no", "0", "1", "100",
		"0 200 801", "10 5 3", "nosave now", "default"}
	for _, name := range slices.Sorted(mapsKeys(names)) {
		if skip[name] {
			continue
		}
		for _, v := range values {
			p.do("CONFIG", "SET", name, v)
			p.do("CONFIG", "GET", name)
		}
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestConfigFileOfEveryRedisDirective writes a config file with every
// directive of redis-server 7.0's CONFIG GET * at the value it has there
// (its defaults, but for the test flags) and starts a Shoal node from it.
func TestConfigFileOfEveryRedisDirective(t *testing.T) {
	redisAddr := testserver.StartRedis(t)
	names := redisConfig(t, redisAddr)
	// Words, not one value, on a config file line.
	multi := map[string]bool{"save": true, "client-output-buffer-limit": true, "oom-score-adj-values": true,
		"latency-tracking-info-percentiles": true, "bind": true, "shutdown-on-sigint": true, "shutdown-on-sigterm": true}
	var b strings.Builder
	for _, name := range slices.Sorted(mapsKeys(names)) {
		v := names[name]
		switch {
		case name == "port":
			v = "0"
		case name == "dir":
			v = t.TempDir()
		case name == "bind":
			v = "127.0.0.1"
		}
		if multi[name] && v != "" {
			b.WriteString(name + " " + v + "\n")
		} else {
			b.WriteString(name + " " + quoteConf(v) + "\n")
		}
	}
	b.WriteString("metrics-addr \"\"\n")
	file := filepath.Join(t.TempDir(), "redis.conf")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromArgs([]string{file})
	if err != nil {
		t.Fatalf("loading every Redis 7.0 directive at its value:\n%v", err)
	}
	n := node.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	s := &testserver.Server{Addr: n.Addr(), Node: n}
	if got := s.Raw(t).Do("CONFIG", "GET", "tcp-backlog"); got != "*2\r\n$11\r\ntcp-backlog\r\n$3\r\n511\r\n" {
		t.Errorf("CONFIG GET tcp-backlog = %q", got)
	}
}

func quoteConf(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}
