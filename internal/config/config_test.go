package config

import (
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"100", 100, true}, {"1k", 1000, true}, {"1kb", 1024, true},
		{"100mb", 100 << 20, true}, {"2GB", 2 << 30, true}, {"1g", 1e9, true}, {"5b", 5, true},
		{"", 0, true}, {"mb", 0, true}, {"007k", 7000, true}, {"-1", 0, false}, {"-0", 0, false}, {"+5", 0, false},
		{" 5", 0, false}, {"1.5gb", 0, false}, {"10xb", 0, false}, {"1tb", 0, false},
		// Past 2^64 strtoull saturates; a product wraps; both as Redis.
		{"99999999999999999999", -1, true}, {"99999999999gb", -3306282043331051520, true},
		{"9223372036854775808", math.MinInt64, true},
	}
	for _, tt := range tests {
		got, ok := ParseMemory(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSetErrorsMatchRedis(t *testing.T) {
	tests := []struct {
		pairs [][2]string
		err   string
	}{
		{[][2]string{{"foo", "bar"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"databases", "3"}}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		// The names are looked at in order: the first problem is the error.
		{[][2]string{{"databases", "3"}, {"foo", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[][2]string{{"foo", "1"}, {"databases", "3"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"hz", "abc"}, {"foo", "1"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"maxmemory", "1"}, {"maxmemory", "2"}, {"foo", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"},
		{[][2]string{{"hz", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
		{[][2]string{{"loglevel", "loud"}}, "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"},
		{[][2]string{{"maxclients", "0"}}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"},
		{[][2]string{{"proto-max-bulk-len", "lots"}}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value"},
	}
	for _, tt := range tests {
		err := Default().Set(tt.pairs)
		if err == nil || err.Error() != tt.err {
			t.Errorf("Set(%v) = %v, want %q", tt.pairs, err, tt.err)
		}
	}
	// dir and dbfilename are protected: CONFIG SET refuses them unless
	// enable-protected-configs allows, before it looks at later names.
	protected := "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"
	for _, pairs := range [][][2]string{{{"dir", "/tmp"}}, {{"dir", "/tmp"}, {"nosuch", "1"}}, {{"hz", "abc"}, {"dir", "/tmp"}}} {
		if err := Default().SetChecked(pairs, false); err == nil || err.Error() != protected {
			t.Errorf("SetChecked(%v, false) = %v, want %q", pairs, err, protected)
		}
	}
	if err := Default().SetChecked([][2]string{{"dbfilename", "x.rdb"}}, true); err != nil {
		t.Errorf("SetChecked(dbfilename, true) = %v", err)
	}
}

func TestSetIsAllOrNothing(t *testing.T) {
	c := Default()
	err := c.Set([][2]string{{"maxclients", "7"}, {"hz", "nope"}})
	if err == nil {
		t.Fatal("want an error")
	}
	if c.Int("maxclients") != 10000 {
		t.Fatalf("maxclients changed to %d by a failed CONFIG SET", c.Int("maxclients"))
	}
	if err := c.Set([][2]string{{"MaxClients", "7"}, {"timeout", "3"}}); err != nil {
		t.Fatal(err)
	}
	if c.Int("maxclients") != 7 || c.String("timeout") != "3" {
		t.Fatal("CONFIG SET not applied")
	}
}

func TestFromArgs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "shoal.conf")
	os.WriteFile(file, []byte("# a comment\nport 7000\nmaxclients 10\n\nproto-max-bulk-len 2mb\n"), 0o644)
	c, err := FromArgs([]string{file, "--maxclients", "20", "--timeout", "5"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Int("port") != 7000 || c.Int("maxclients") != 20 || c.Int("timeout") != 5 || c.Int("proto-max-bulk-len") != 2<<20 {
		t.Fatalf("port=%d maxclients=%d timeout=%d", c.Int("port"), c.Int("maxclients"), c.Int("timeout"))
	}
	c, err = FromArgs([]string{"--config", file, "--port", "7001"})
	if err != nil || c.Int("port") != 7001 || c.Int("maxclients") != 10 {
		t.Fatalf("--config: %v", err)
	}
}

func TestFromArgsErrorsNameTheDirective(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.conf")
	os.WriteFile(file, []byte("port 7000\nmaxclientz 10\n"), 0o644)
	_, err := FromArgs([]string{file})
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "maxclientz") {
		t.Fatalf("error = %v; want it to name line 2 and the directive", err)
	}
	_, err = FromArgs([]string{"--port", "notaport"})
	if err == nil || !strings.Contains(err.Error(), "port notaport") || !strings.Contains(err.Error(), "integer") {
		t.Fatalf("error = %v", err)
	}
	if _, err := FromArgs([]string{"--hz"}); err == nil {
		t.Fatal("a directive without a value must be refused")
	}
}

func TestStoredAsRedisStoresThem(t *testing.T) {
	c := Default()
	for in, want := range map[string]string{"0": "1", "1000": "500", "20": "20"} {
		if err := c.Set([][2]string{{"hz", in}}); err != nil {
			t.Fatal(err)
		}
		if got := c.String("hz"); got != want {
			t.Errorf("CONFIG SET hz %s: GET = %s, want %s", in, got, want)
		}
	}
	if dir := c.String("dir"); !filepath.IsAbs(dir) {
		t.Errorf("dir = %q, want an absolute path", dir)
	}
}

// TestAliases checks Redis 7's old names for the encoding thresholds:
// CONFIG GET patterns list both names, either name sets the one value, and
// both may be set at once, the last winning.
func TestAliases(t *testing.T) {
	c := Default()
	got := c.Match([]string{"hash-max-*-entries"}, func(p, n string) bool {
		ok, _ := path.Match(p, n)
		return ok
	})
	want := [][2]string{{"hash-max-listpack-entries", "512"}, {"hash-max-ziplist-entries", "512"}}
	if !slices.Equal(got, want) {
		t.Fatalf("Match = %v, want %v", got, want)
	}
	if err := c.Set([][2]string{{"zset-max-ziplist-entries", "7"}}); err != nil || c.Int("zset-max-listpack-entries") != 7 {
		t.Fatalf("set through the alias: %v, value %d", err, c.Int("zset-max-listpack-entries"))
	}
	if err := c.Set([][2]string{{"hash-max-ziplist-value", "1"}, {"hash-max-listpack-value", "2"}}); err != nil || c.Int("hash-max-listpack-value") != 2 {
		t.Fatalf("set both names: %v, value %d", err, c.Int("hash-max-listpack-value"))
	}
	if !c.Has("LIST-MAX-ZIPLIST-SIZE") {
		t.Fatal("Has does not know the alias")
	}
}

// TestReplicationSetMatchesRedis: repl-backlog-size below 16 KB is
// accepted and stored as 16384, as Redis's resize does;
// replica-ignore-disk-write-errors exists.
func TestReplicationSetMatchesRedis(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"repl-backlog-size", "100", "16384"},
		{"repl-backlog-size", "10kb", "16384"},
		{"repl-backlog-size", "16384", "16384"},
		{"repl-backlog-size", "16385", "16385"},
		{"repl-backlog-size", "1mb", "1048576"},
		{"replica-ignore-disk-write-errors", "yes", "yes"},
		{"replica-ignore-disk-write-errors", "no", "no"},
		{"repl-backlog-ttl", "9223372036854775807", "9223372036854775807"},
	}
	for _, tt := range tests {
		c := Default()
		if err := c.Set([][2]string{{tt.name, tt.value}}); err != nil {
			t.Errorf("CONFIG SET %s %s: %v", tt.name, tt.value, err)
			continue
		}
		if got := c.String(tt.name); got != tt.want {
			t.Errorf("CONFIG SET %s %s, then GET = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
	err := Default().Set([][2]string{{"repl-backlog-size", "0"}})
	if want := "ERR CONFIG SET failed (possibly related to argument 'repl-backlog-size') - argument must be between 1 and 9223372036854775807 inclusive"; err == nil || err.Error() != want {
		t.Errorf("CONFIG SET repl-backlog-size 0 = %v, want %q", err, want)
	}
	err = Default().Set([][2]string{{"repl-backlog-ttl", "-1"}})
	if want := "ERR CONFIG SET failed (possibly related to argument 'repl-backlog-ttl') - argument must be between 0 and 9223372036854775807 inclusive"; err == nil || err.Error() != want {
		t.Errorf("CONFIG SET repl-backlog-ttl -1 = %v, want %q", err, want)
	}
}

// FuzzConfigRoundTrip sets a directive to any value: a value refused
// leaves the directive as it was, and one accepted reads back (CONFIG GET)
// as a value that is accepted again unchanged, as CONFIG REWRITE and a
// restart from the rewritten file rely on.
func FuzzConfigRoundTrip(f *testing.F) {
	for _, seed := range []struct {
		i uint16
		v string
	}{{0, "1"}, {3, "100mb"}, {7, "yes"}, {11, "allkeys-lru"}, {13, "900 1 300 10"}, {17, "-1"}, {19, "0x10"}, {23, "1gb"}} {
		f.Add(seed.i, seed.v)
	}
	f.Fuzz(func(t *testing.T, i uint16, v string) {
		c := Default()
		p := c.order[int(i)%len(c.order)]
		if p.immutable {
			return
		}
		before := p.get()
		if err := c.Set([][2]string{{p.name, v}}); err != nil {
			if got := p.get(); got != before {
				t.Fatalf("%s: refused %q (%v) but changed %q to %q", p.name, v, err, before, got)
			}
			return
		}
		shown := p.get()
		if err := c.Set([][2]string{{p.name, shown}}); err != nil {
			t.Fatalf("%s: accepted %q, shows %q, which it refuses: %v", p.name, v, shown, err)
		}
		if again := p.get(); again != shown {
			t.Fatalf("%s: %q shows %q, set again shows %q", p.name, v, shown, again)
		}
	})
}

func TestNotifyKeyspaceEvents(t *testing.T) {
	for _, tc := range []struct{ set, get string }{
		{"KEA", "AKE"}, {"AKE", "AKE"}, {"KA", "AK"}, {"Kg", "gK"}, {"$l", "$l"},
		{"KEAmn", "AKEm"}, {"KEnm", "nKEm"}, {"zzz", "z"}, {"", ""}, {"Ex", "xE"},
		{"KEtxd", "xtdKE"}, {"mnd", "dnm"}, {"Ag$lshzxeKEtmd", "AKEm"},
	} {
		c := Default()
		if err := c.Set([][2]string{{"notify-keyspace-events", tc.set}}); err != nil {
			t.Fatalf("set %q: %v", tc.set, err)
		}
		if got := c.String("notify-keyspace-events"); got != tc.get {
			t.Errorf("set %q: get %q, want %q", tc.set, got, tc.get)
		}
	}
	c := Default()
	c.Set([][2]string{{"notify-keyspace-events", "KEAmn"}})
	if got := c.Int("notify-keyspace-events"); got&NotifyNew == 0 || got&NotifyKeyMiss == 0 {
		t.Errorf("KEAmn: flags %b lack n or m (Redis keeps n though it does not print it)", got)
	}
	err := c.Set([][2]string{{"notify-keyspace-events", "K!"}})
	want := "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	if err == nil || err.Error() != want {
		t.Errorf("K!: %v, want %s", err, want)
	}
	if got := c.String("notify-keyspace-events"); got != "AKEm" {
		t.Errorf("a refused value changed the setting to %q", got)
	}
}

// TestSaveLinesAddUp checks that save lines read at start-up add up, as
// redis-server 7.0 reads them (each expectation was checked against it):
// the first replaces the default schedule, save "" clears what came
// before, and the flags' lines add to the file's.
func TestSaveLinesAddUp(t *testing.T) {
	tests := []struct {
		file  string
		flags []string
		want  string
	}{
		{"port 7000\n", nil, "3600 1 300 100 60 10000"},
		{"save 900 1\n", nil, "900 1"},
		{"save 900 1\nsave 300 10\n", nil, "900 1 300 10"},
		{"save 900 1\nsave \"\"\nsave 300 10 200 3\n", nil, "300 10 200 3"},
		{"save 900 1\n", []string{"--save", "60 5"}, "900 1 60 5"},
		{"save 900 1\n", []string{"--save", "", "--save", "70 7"}, "70 7"},
		{"port 7000\n", []string{"--save", ""}, ""},
	}
	for _, tt := range tests {
		file := filepath.Join(t.TempDir(), "shoal.conf")
		if err := os.WriteFile(file, []byte(tt.file), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := FromArgs(append([]string{file}, tt.flags...))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.String("save"); got != tt.want {
			t.Errorf("file %q, flags %q: save = %q, want %q", tt.file, tt.flags, got, tt.want)
		}
	}
	// CONFIG SET replaces the schedule.
	c := Default()
	if err := c.Set([][2]string{{"save", "10 1"}}); err != nil || c.String("save") != "10 1" {
		t.Fatalf("CONFIG SET save 10 1: %v, save = %q", err, c.String("save"))
	}
}
