package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestBenchFlags(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		duration time.Duration
		requests int64
		check    func(f *benchFlags) bool
	}{
		{args: nil, duration: 10 * time.Second},
		{args: []string{"-n", "500"}, duration: 0, requests: 500},
		{args: []string{"-n", "500", "-d", "3"}, duration: 3 * time.Second, requests: 500},
		{args: []string{"--key-dist", "zipf:1.5", "--read-ratio", "75%", "--value-size", "8-16", "--ttl", "1500ms"},
			duration: 10 * time.Second, check: func(f *benchFlags) bool {
				c := f.cfg
				return c.KeyDist.S == 1.5 && c.ReadRatio == 0.75 && c.ValueSize.Max == 16 && c.TTL == 1500*time.Millisecond &&
					!c.SetOnMiss
			}},
		{args: []string{"--on-miss", "set"}, duration: 10 * time.Second,
			check: func(f *benchFlags) bool { return f.cfg.SetOnMiss }},
	} {
		cmd, f := newBench()
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if err := f.parse(cmd); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if f.cfg.Duration != tc.duration || f.cfg.Requests != tc.requests || (tc.check != nil && !tc.check(f)) {
			t.Errorf("%v: got %+v", tc.args, f.cfg)
		}
	}
}

func TestBenchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--key-dist", "zipf:0.5"}, {"--read-ratio", "2"}, {"--value-size", "9-3"}, {"--resp", "4"},
		{"--duration", "soon"}, {"--clients", "0"}, {"extra-arg"}, {"--on-miss", "get"},
	} {
		cmd := benchCommand()
		cmd.SetArgs(args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestBenchJSON runs the command end to end against a node and reads its
// JSON report.
func TestBenchJSON(t *testing.T) {
	s := testserver.Start(t)
	cmd := benchCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--addr", s.Addr, "-n", "2000", "-c", "2", "-P", "8", "--keys", "100", "--prefill", "--json", "-q"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Requests int64   `json:"requests"`
		HitRatio float64 `json:"hit_ratio"`
		Config   struct {
			Pipeline int  `json:"pipeline"`
			Prefill  bool `json:"prefill"`
		} `json:"config"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if r.Requests != 2000 || r.HitRatio != 1 || r.Config.Pipeline != 8 || !r.Config.Prefill {
		t.Errorf("report: %+v", r)
	}
}
