package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedisDirectivesSetAndShow covers the directives Shoal takes from
// Redis 7.0 beyond its own: each value is accepted and read back as
// Redis shows it, or refused with Redis's text or a "not supported by
// Shoal" one.
func TestRedisDirectivesSetAndShow(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // CONFIG GET after; "" when err is set
		err         string
	}{
		{"protected-mode", "no", "no", ""},
		{"oom-score-adj", "relative", "yes", ""},
		{"oom-score-adj-values", "10 5 3", "10 5 3", ""},
		{"oom-score-adj-values", "1 2", "", "wrong number of arguments"},
		{"oom-score-adj-values", "1 2 3000", "", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
		{"proc-title-template", "x{port}", "x{port}", ""},
		{"proc-title-template", "{title}", "", "template format is invalid or contains unknown variables"},
		{"proc-title-template", "{nosuch}", "", "template format is invalid or contains unknown variables"},
		{"shutdown-on-sigterm", "nosave now force", "nosave now force", ""},
		{"shutdown-on-sigterm", "default now", "now", ""},
		{"shutdown-on-sigterm", "save nosave", "", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{"shutdown-on-sigint", "", "", "argument(s) must be one of the following: default, save, nosave, now, force"},
		{"active-defrag-cycle-max", "100", "", "argument must be between 1 and 99 inclusive"},
		{"activedefrag", "yes", "", "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"},
		{"lazyfree-lazy-user-del", "yes", "yes", ""},
		{"sanitize-dump-payload", "clients", "clients", ""},
		{"maxmemory-clients", "0%", "0%", ""},
		{"maxmemory-clients", "101%", "", "percentage argument must be less or equal to 100"},
		{"maxmemory-clients", "5x", "", "argument must be a memory or percent value"},
		{"maxmemory-clients", "1mb", "", "a client memory limit (maxmemory-clients) is not supported by Shoal"},
		{"tls-port", "6380", "", "TLS (tls-port) is not supported by Shoal"},
		{"tls-port", "70000", "", "argument must be between 0 and 65535 inclusive"},
		{"tls-cert-file", "/etc/cert.pem", "/etc/cert.pem", ""},
		{"tls-replication", "yes", "", "TLS (tls-replication yes) is not supported by Shoal"},
		{"cluster-announce-hostname", "a b", "", "Hostnames may only contain alphanumeric characters, hyphens or dots"},
		{"cluster-slave-validity-factor", "3", "3", ""},
		{"cluster-link-sendbuf-limit", "1kb", "1024", ""},
		{"aof-timestamp-enabled", "yes", "", "AOF timestamp annotations (aof-timestamp-enabled yes) is not supported by Shoal"},
		{"propagation-error-behavior", "panic", "", "propagation-error-behavior other than ignore is not supported by Shoal"},
		{"bind-source-addr", "127.0.0.1", "127.0.0.1", ""},
		{"appendfsync", "sometimes", "", "argument(s) must be one of the following: everysec, always, no"},
	}
	for _, tt := range tests {
		c := Default()
		err := c.Set([][2]string{{tt.name, tt.value}})
		if tt.err != "" {
			want := "ERR CONFIG SET failed (possibly related to argument '" + tt.name + "') - " + tt.err
			if err == nil || err.Error() != want {
				t.Errorf("CONFIG SET %s %q = %v, want %q", tt.name, tt.value, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("CONFIG SET %s %q: %v", tt.name, tt.value, err)
			continue
		}
		if got := c.Match([]string{tt.name}, func(p, n string) bool { return p == n }); len(got) != 1 || got[0][1] != tt.want {
			t.Errorf("CONFIG GET %s after %q = %v, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// TestRedisDirectivesAtStart covers the config file: the values CONFIG
// SET cannot change, the multi-word lines, and the lines that are no
// directive of CONFIG GET.
func TestRedisDirectivesAtStart(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("hz 33\n"), 0o644)
	tests := []struct {
		line string
		err  string // "" when the line loads
	}{
		{"daemonize yes", ""},
		{"supervised systemd", ""},
		{"supervised x", "argument(s) must be one of the following: upstart, systemd, auto, no"},
		{"enable-debug-command local", ""},
		{"unixsocketperm 0700", ""},
		{"unixsocketperm 1000", "argument must be between 0 and 777 inclusive"},
		{"unixsocketperm 9", "argument couldn't be parsed as an octal number"},
		{"unixsocket /tmp/redis.sock", "unix sockets (unixsocket) is not supported by Shoal"},
		{"cluster-enabled yes", "cluster mode (cluster-enabled yes) is not supported by Shoal"},
		{"cluster-enabled no", ""},
		{"aclfile /etc/redis/users.acl", "ACL files (aclfile) is not supported by Shoal"},
		{"syslog-enabled yes", "syslog (syslog-enabled yes) is not supported by Shoal"},
		{"syslog-facility local7", ""},
		{"socket-mark-id -1", "argument must be between 0 and 4294967295 inclusive"},
		{"tcp-backlog 128", ""},
		{"oom-score-adj-values 0 200 800", ""},
		{"oom-score-adj-values 1 2", "wrong number of arguments"},
		{"shutdown-on-sigint save nosave", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{"shutdown-on-sigint nosave now", ""},
		{"timeout 1 2", "wrong number of arguments"},
		{"include " + inc, ""},
		{"include " + filepath.Join(dir, "none-*.conf"), ""},
		{"include " + filepath.Join(dir, "missing.conf"), "can't open config file"},
		{"rename-command CONFIG \"\"", "renaming commands (rename-command) is not supported by Shoal"},
		{"user default on nopass ~* +@all", "ACL users (user) is not supported by Shoal"},
		{"loadmodule /usr/lib/redis/modules/x.so", "loading modules (loadmodule) is not supported by Shoal"},
		{"list-max-ziplist-entries 512", ""},
		{"lua-replicate-commands yes", ""},
		{"no-such-directive 1", "Bad directive or wrong number of arguments"},
	}
	for _, tt := range tests {
		err := Default().load(strings.NewReader(tt.line+"\n"), "test.conf")
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.line, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q = %v, want an error with %q", tt.line, err, tt.err)
		}
	}
	c := Default()
	if err := c.load(strings.NewReader("include "+inc+"\nunixsocketperm 0700\n"), "test.conf"); err != nil {
		t.Fatal(err)
	}
	if c.String("hz") != "33" || c.String("unixsocketperm") != "700" {
		t.Errorf("hz = %s (want 33 from the included file), unixsocketperm = %s (want 700)", c.String("hz"), c.String("unixsocketperm"))
	}
}

// TestRewriteKeepsIncludeLines checks that CONFIG REWRITE leaves include
// lines where they are, as Redis does, and turns the lines Redis 7.0
// skips into "# ???" comments, as there.
func TestRewriteKeepsIncludeLines(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("hz 33\n"), 0o644)
	file := filepath.Join(dir, "main.conf")
	os.WriteFile(file, []byte("include "+inc+"\nlist-max-ziplist-entries 5\nprotected-mode yes\n"), 0o644)
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	c.Set([][2]string{{"protected-mode", "no"}})
	if err := c.Rewrite(""); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	for _, want := range []string{"include " + inc + "\n", "# ??? list-max-ziplist-entries 5\n", "protected-mode no\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
}
