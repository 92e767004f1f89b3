package loadgen

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeClient is a client with no connection, whose counters and histogram
// a test sets directly.
func fakeClient() *client { return &client{hist: NewHistogram()} }

// record makes c look as if it sent gets GETs (hits of them found) and
// sets SETs, each taking d.
func (c *client) record(gets, hits, sets int64, d time.Duration) {
	c.total.add(counters{Gets: gets, Hits: hits, Misses: gets - hits, Sets: sets})
	c.hist.Record(d, gets+sets)
}

// sampleResult runs a collector over two fake clients for two seconds and
// a short tail.
func sampleResult(t *testing.T) *Result {
	t.Helper()
	a, b := fakeClient(), fakeClient()
	start := time.Unix(1700000000, 0)
	col := newCollector([]*client{a, b}, start)
	a.record(900, 900, 100, 100*time.Microsecond)
	b.record(900, 800, 100, 200*time.Microsecond)
	col.collect(start.Add(time.Second), false)
	a.record(450, 450, 50, time.Millisecond)
	col.collect(start.Add(2*time.Second), false)
	b.record(9, 9, 1, 2*time.Millisecond)
	col.collect(start.Add(2*time.Second+100*time.Millisecond), true) // a tail to fold
	cfg := Default()
	cfg.Password, cfg.Seed = "secret", 42
	return newResult(&cfg, col, false)
}

func TestCollectorSeries(t *testing.T) {
	r := sampleResult(t)
	if r.Requests != 2510 || r.Gets != 2259 || r.Hits != 2159 || r.Sets != 251 {
		t.Errorf("totals: %d requests, %d GET, %d hits, %d SET", r.Requests, r.Gets, r.Hits, r.Sets)
	}
	if r.Elapsed != 2.1 || r.OpsPerSec != 2510/2.1 {
		t.Errorf("elapsed %v, ops/s %v", r.Elapsed, r.OpsPerSec)
	}
	if len(r.Series) != 2 {
		t.Fatalf("series has %d points, want 2 (the 0.1 s tail folded into the second): %+v", len(r.Series), r.Series)
	}
	first, second := r.Series[0], r.Series[1]
	if first.Ops != 2000 || first.OpsPerSec != 2000 || !nearUs(first.P50, 100) || !nearUs(first.P99, 200) {
		t.Errorf("first second: %+v", first)
	}
	if second.Ops != 510 || second.T != 2.1 || !nearUs(second.Max, 2000) || second.Seconds < 1.0999 || second.Seconds > 1.1001 {
		t.Errorf("second second with the tail: %+v", second)
	}
	if !nearUs(r.Latency.Max, 2000) || !nearUs(r.Latency.P50, 200) {
		t.Errorf("latency: %+v", r.Latency)
	}
}

func nearUs(got, want float64) bool { return got >= want*0.999 && got <= want*1.001 }

// TestJSONShape pins the fields scripts read from --json.
func TestJSONShape(t *testing.T) {
	r := sampleResult(t)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("the password is in the JSON output")
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	wantKeys(t, "result", doc, "config", "started", "elapsed_s", "interrupted", "requests", "gets", "sets",
		"fills", "hits", "misses", "errors", "ops_per_sec", "hit_ratio", "latency_us", "series")
	wantKeys(t, "config", doc["config"].(map[string]any), "addr", "db", "resp", "clients", "pipeline",
		"duration_s", "requests", "keys", "key_prefix", "key_dist", "read_ratio", "value_size", "ttl_s", "on_miss", "prefill", "seed")
	wantKeys(t, "latency_us", doc["latency_us"].(map[string]any), "p50", "p90", "p99", "p99_9", "max", "mean")
	series := doc["series"].([]any)
	wantKeys(t, "series point", series[0].(map[string]any), "t", "seconds", "ops", "ops_per_sec", "errors",
		"p50_us", "p99_us", "max_us")
	cfg := doc["config"].(map[string]any)
	if cfg["key_dist"] != "uniform" || cfg["value_size"] != "100" || cfg["on_miss"] != "none" || cfg["duration_s"] != 10.0 || cfg["seed"] != 42.0 {
		t.Errorf("config: %v", cfg)
	}
	if doc["hit_ratio"] != float64(2159)/2259 {
		t.Errorf("hit_ratio = %v", doc["hit_ratio"])
	}
}

func wantKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(keys)
	if !slices.Equal(got, keys) {
		t.Errorf("%s keys = %v, want %v", what, got, keys)
	}
}

func TestTable(t *testing.T) {
	r := sampleResult(t)
	r.FirstError = "ERR something"
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"target    127.0.0.1:6379  RESP2  50 clients  pipeline 1\n",
		"workload  90% GET / 10% SET  100000 keys uniform  values 100 B  no TTL\n",
		"ran       2.10 s, 2,510 requests (2,259 GET, 251 SET)\n",
		"ops/s  p50 ms  p90 ms  p99 ms  p99.9 ms  max ms  hit ratio  errors",
		"1,195   0.200",
		"95.57 %",
		"first error: ERR something\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestTableSetOnMiss: a cache-aside run says so, and counts the SETs sent
// after a miss apart from the workload's.
func TestTableSetOnMiss(t *testing.T) {
	r := sampleResult(t)
	r.Config.SetOnMiss, r.Fills, r.Requests = true, 100, r.Requests+100
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"workload  90% GET / 10% SET, SET on a miss  100000 keys uniform",
		"ran       2.10 s, 2,610 requests (2,259 GET, 251 SET, 100 SET on a miss)\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
