package metrics_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/node"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// scrape fetches /metrics in Prometheus's text format and returns each
// sample's value keyed by its series as written: `name{label="v"}`.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", res.Status)
	}
	series := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("scrape: bad sample %q", line)
		}
		series[line[:i]] = v
	}
	return series
}

// TestScrape drives a node through go-redis and a raw connection and
// checks what /metrics reports of it.
func TestScrape(t *testing.T) {
	srv := testserver.Start(t, "metrics-addr 127.0.0.1:0")
	ctx := context.Background()
	rdb := srv.Client(t) // HELLO 3, PING
	// "{t}1".."{t}3" share slot 15891; a and b have slots of their own.
	for _, kv := range [][2]string{{"a", "1"}, {"b", "x"}, {"{t}1", "1"}, {"{t}2", "2"}, {"{t}3", "3"}} {
		if err := rdb.Set(ctx, kv[0], kv[1], 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	rdb.Expire(ctx, "a", time.Hour)
	for range 3 {
		rdb.Get(ctx, "a") // hits
	}
	for range 2 {
		rdb.Get(ctx, "missing") // misses
	}
	rdb.Incr(ctx, "b")      // ERR value is not an integer: failed
	rdb.Do(ctx, "GET")      // wrong number of arguments: rejected
	raw := srv.Raw(t)       // a second client, in db 3
	raw.Do("SELECT", "3")   //
	raw.Do("SET", "k", "v") //
	raw.Do("SET", "k", "v", "EX", "100")

	got := scrape(t, srv.Node.MetricsAddr())
	want := map[string]float64{
		`shoal_commands_total{cmd="hello"}`:        1,
		`shoal_commands_total{cmd="ping"}`:         1,
		`shoal_commands_total{cmd="set"}`:          7,
		`shoal_commands_total{cmd="get"}`:          5,
		`shoal_commands_total{cmd="expire"}`:       1,
		`shoal_commands_total{cmd="select"}`:       1,
		`shoal_commands_failed_total{cmd="incr"}`:  1,
		`shoal_commands_rejected_total{cmd="get"}`: 1,
		// INCR, GET's arity, and the CLIENT MAINT_NOTIFICATIONS go-redis
		// sends on connecting, an unknown subcommand in Redis 7.0 too.
		`shoal_errors_total{code="ERR"}`:                             3,
		`shoal_command_duration_seconds_count{cmd="get"}`:            5,
		`shoal_command_duration_seconds_bucket{cmd="get",le="+Inf"}`: 5,
		`shoal_command_duration_seconds_count{cmd="set"}`:            7,
		`shoal_keyspace_hits_total`:                                  3,
		`shoal_keyspace_misses_total`:                                2,
		`shoal_keys{db="0"}`:                                         5,
		`shoal_expiring_keys{db="0"}`:                                1,
		`shoal_keys{db="3"}`:                                         1,
		`shoal_expiring_keys{db="3"}`:                                1,
		`shoal_connected_clients`:                                    2,
		`shoal_blocked_clients`:                                      0,
		`shoal_connections_received_total`:                           2,
		`shoal_rejected_connections_total`:                           0,
		`shoal_slot_keys_max`:                                        3,
		`shoal_slots_nonempty`:                                       3,
		`shoal_slot_keys_mean`:                                       5.0 / 3,
		`shoal_slot_keys_imbalance`:                                  3 / (5.0 / 3),
		`shoal_build_info{version="` + node.Version + `"}`:           1,
		`shoal_maxmemory_bytes`:                                      0,
		`shoal_evicted_keys_total`:                                   0,
	}
	for series, v := range want {
		if g, ok := got[series]; !ok || math.Abs(g-v) > 1e-9 {
			t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
		}
	}
	for _, series := range []string{`shoal_keys{db="1"}`, `shoal_commands_total{cmd="incrby"}`, `shoal_command_duration_seconds_count{cmd="incrby"}`} {
		if _, ok := got[series]; ok {
			t.Errorf("%s is exported, want it left out", series)
		}
	}
	for _, series := range []string{"shoal_net_input_bytes_total", "shoal_net_output_bytes_total", "shoal_used_memory_bytes",
		`shoal_command_duration_seconds_sum{cmd="get"}`, "go_goroutines", "process_resident_memory_bytes"} {
		if got[series] <= 0 {
			t.Errorf("%s = %v, want > 0", series, got[series])
		}
	}
	// The buckets are cumulative: each holds at least the one before.
	prev := 0.0
	for _, le := range []string{"1e-06", "2.5e-06", "5e-06", "1e-05", "2.5e-05", "0.0001", "0.001", "0.01", "0.1", "1", "+Inf"} {
		series := `shoal_command_duration_seconds_bucket{cmd="get",le="` + le + `"}`
		if got[series] < prev {
			t.Errorf("%s = %v, less than the bucket before (%v)", series, got[series], prev)
		}
		prev = got[series]
	}
}

// TestScrapeCountsResetStat: CONFIG RESETSTAT zeroes the counters INFO
// shows, and the metrics read them, so they restart from zero, which
// Prometheus's rate() takes as a counter reset.
func TestScrapeCountsResetStat(t *testing.T) {
	srv := testserver.Start(t, "metrics-addr 127.0.0.1:0")
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Get(ctx, "x")
	rdb.ConfigResetStat(ctx)
	rdb.Get(ctx, "x")
	got := scrape(t, srv.Node.MetricsAddr())
	if v := got[`shoal_commands_total{cmd="get"}`]; v != 1 {
		t.Errorf("commands_total get = %v after RESETSTAT, want 1", v)
	}
	if v := got["shoal_keyspace_misses_total"]; v != 1 {
		t.Errorf("keyspace_misses_total = %v after RESETSTAT, want 1", v)
	}
}

func TestMetricsOff(t *testing.T) {
	srv := testserver.Start(t)
	if addr := srv.Node.MetricsAddr(); addr != "" {
		t.Errorf("MetricsAddr() = %q with metrics-addr empty", addr)
	}
}

// TestMetricsAddrTaken: a node whose metrics port is taken does not start,
// and says which directive to change.
func TestMetricsAddrTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg, err := config.FromArgs([]string{"--port", "0", "--metrics-addr", taken.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	n := node.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	err = n.Start()
	if err == nil {
		n.Stop()
		t.Fatal("Start succeeded with the metrics port taken")
	}
	want := "can't serve metrics on metrics-addr " + taken.Addr().String() + ": "
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("Start() = %q, want it to start with %q and name the cause", err, want)
	}
	n.Stop()
}

// TestMetricsStop: Stop closes the endpoint.
func TestMetricsStop(t *testing.T) {
	srv := testserver.Start(t, "metrics-addr 127.0.0.1:0")
	addr := srv.Node.MetricsAddr()
	scrape(t, addr)
	srv.Node.Stop()
	if res, err := http.Get("http://" + addr + "/metrics"); err == nil {
		res.Body.Close()
		t.Errorf("scrape after Stop answered %s", res.Status)
	}
}
