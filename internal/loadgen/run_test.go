package loadgen_test

import (
	"context"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/loadgen"
	"github.com/shoal-cache/shoal/internal/testserver"
)

func config(addr string, change func(*loadgen.Config)) loadgen.Config {
	cfg := loadgen.Default()
	cfg.Addr, cfg.Clients, cfg.Keys, cfg.Seed = addr, 4, 1000, 1
	change(&cfg)
	return cfg
}

// TestRunPrefilled runs the brief's short bench: half a second, 4 clients,
// zipf keys over a prefilled key space, so every GET must hit; then plots.
func TestRunPrefilled(t *testing.T) {
	s := testserver.Start(t)
	cfg := config(s.Addr, func(c *loadgen.Config) {
		c.Duration, c.Pipeline, c.Prefill = 500*time.Millisecond, 4, true
		c.KeyDist = loadgen.KeyDist{Zipf: true, S: loadgen.DefaultZipfS}
	})
	r, err := loadgen.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Gets == 0 || r.Sets == 0 || r.Errors != 0 || r.Interrupted {
		t.Fatalf("requests %d, GET %d, SET %d, errors %d (%s), interrupted %v",
			r.Requests, r.Gets, r.Sets, r.Errors, r.FirstError, r.Interrupted)
	}
	if r.Hits != r.Gets || r.Misses != 0 || r.HitRatio != 1 {
		t.Errorf("prefilled, yet %d hits and %d misses of %d GETs (ratio %v)", r.Hits, r.Misses, r.Gets, r.HitRatio)
	}
	if r.Elapsed < 0.5 || r.Elapsed > 1.5 || len(r.Series) == 0 || r.Latency.P50 <= 0 {
		t.Errorf("elapsed %v s, %d points, p50 %v µs", r.Elapsed, len(r.Series), r.Latency.P50)
	}
	if n := s.Client(t).DBSize(context.Background()).Val(); n != 1000 {
		t.Errorf("DBSIZE after prefill = %d, want 1000", n)
	}
	path := filepath.Join(t.TempDir(), "bench.png")
	if err := loadgen.WritePlot(r, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the plot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 864 || b.Dy() != 1056 {
		t.Errorf("plot is %dx%d, want 864x1056", b.Dx(), b.Dy())
	}
}

// TestRunRequests bounds a run by count on an empty server: exactly that
// many GETs, all misses.
func TestRunRequests(t *testing.T) {
	s := testserver.Start(t)
	cfg := config(s.Addr, func(c *loadgen.Config) {
		c.Duration, c.Requests, c.Pipeline, c.ReadRatio, c.Clients = 0, 5003, 16, 1, 3
	})
	r, err := loadgen.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 5003 || r.Gets != 5003 || r.Misses != 5003 || r.HitRatio != 0 || r.Errors != 0 {
		t.Errorf("requests %d, GET %d, misses %d, hit ratio %v, errors %d", r.Requests, r.Gets, r.Misses, r.HitRatio, r.Errors)
	}
}

// TestRunSetOnMiss: a cache-aside run SETs each key its GETs miss, so on
// an empty server one client with no pipeline misses every key exactly
// once; with concurrent clients and pipelines a key may miss again before
// its fill lands, but every miss is filled and the fills come on top of
// the requested count.
func TestRunSetOnMiss(t *testing.T) {
	for _, tc := range []struct {
		name              string
		clients, pipeline int
	}{
		{"sequential", 1, 1},
		{"concurrent", 3, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testserver.Start(t)
			cfg := config(s.Addr, func(c *loadgen.Config) {
				c.Duration, c.Requests, c.ReadRatio, c.Keys, c.SetOnMiss = 0, 3000, 1, 50, true
				c.Clients, c.Pipeline, c.ValueSize = tc.clients, tc.pipeline, loadgen.ValueSize{Min: 7, Max: 7}
			})
			r, err := loadgen.Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Errors != 0 || r.Gets != 3000 || r.Sets != 0 || r.Fills != r.Misses || r.Requests != 3000+r.Fills {
				t.Fatalf("GET %d, SET %d, fills %d, misses %d, requests %d, errors %d (%s)",
					r.Gets, r.Sets, r.Fills, r.Misses, r.Requests, r.Errors, r.FirstError)
			}
			if tc.clients == 1 && tc.pipeline == 1 && (r.Misses != 50 || r.Hits != 2950) {
				t.Errorf("%d misses, %d hits; want each of the 50 keys to miss once", r.Misses, r.Hits)
			}
			if r.Misses < 50 || r.Misses > 50*int64(tc.clients*tc.pipeline) {
				t.Errorf("%d misses over 50 keys with %d clients of pipeline %d", r.Misses, tc.clients, tc.pipeline)
			}
			rdb := s.Client(t)
			ctx := context.Background()
			if n := rdb.DBSize(ctx).Val(); n != 50 {
				t.Errorf("DBSIZE = %d after the fills, want 50", n)
			}
			if v := rdb.Get(ctx, "key:000000000042").Val(); len(v) != 7 {
				t.Errorf("a filled value is %d bytes, want 7", len(v))
			}
		})
	}
}

// TestRunWrites checks what SETs leave behind: values of the configured
// sizes, with the TTL, under the prefix; RESP3 and a password on the way.
func TestRunWrites(t *testing.T) {
	s := testserver.Start(t, "requirepass sesame")
	cfg := config(s.Addr, func(c *loadgen.Config) {
		c.Duration, c.Requests, c.ReadRatio, c.Keys, c.Clients = 0, 400, 0, 20, 2
		c.TTL, c.ValueSize, c.KeyPrefix, c.Proto, c.Password = 100*time.Second, loadgen.ValueSize{Min: 10, Max: 20}, "w:", 3, "sesame"
	})
	r, err := loadgen.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sets != 400 || r.Gets != 0 || r.Errors != 0 {
		t.Fatalf("SET %d, GET %d, errors %d (%s)", r.Sets, r.Gets, r.Errors, r.FirstError)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Password: "sesame", DisableIdentity: true})
	defer c.Close()
	ctx := context.Background()
	keys := c.Keys(ctx, "*").Val()
	if len(keys) != 20 {
		t.Fatalf("%d keys after 400 SETs over 20, want 20: %v", len(keys), keys)
	}
	for _, k := range keys {
		v, ttl := c.Get(ctx, k).Val(), c.TTL(ctx, k).Val()
		if len(k) != len("w:000000000000") || k[:2] != "w:" || len(v) < 10 || len(v) > 20 || ttl <= 90*time.Second || ttl > 100*time.Second {
			t.Errorf("key %q: %d-byte value, TTL %v", k, len(v), ttl)
		}
	}
	cfg.Password = "wrong"
	if _, err := loadgen.Run(ctx, cfg, nil); err == nil {
		t.Errorf("a wrong password did not fail the run")
	}
}

// TestRunInterrupted cancels a one-minute run: it stops at once and still
// returns its result.
func TestRunInterrupted(t *testing.T) {
	s := testserver.Start(t)
	cfg := config(s.Addr, func(c *loadgen.Config) { c.Duration = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := loadgen.Run(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Interrupted || r.Requests == 0 || time.Since(start) > 5*time.Second {
		t.Errorf("interrupted %v, %d requests, took %v", r.Interrupted, r.Requests, time.Since(start))
	}
}

func TestRunNoServer(t *testing.T) {
	redis.SetLogger(discard{}) // go-redis logs every failed dial
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if _, err := loadgen.Run(context.Background(), config(addr, func(*loadgen.Config) {}), nil); err == nil {
		t.Errorf("no error with nothing listening on %s", addr)
	}
}

type discard struct{}

func (discard) Printf(context.Context, string, ...any) {}
