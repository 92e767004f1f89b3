package command_test

import (
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestLatencyMonitor: a command past latency-monitor-threshold is a
// "command" event in LATENCY LATEST and HISTORY, DOCTOR reports it (and
// says when monitoring is off), RESET forgets it, and GRAPH says what it
// does not do. (HISTOGRAM is latency tracking's: latency_tracking_test.go.)
func TestLatencyMonitor(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	if got := r.Do("LATENCY", "DOCTOR"); !strings.Contains(got, "Latency monitoring is disabled") {
		t.Errorf("LATENCY DOCTOR with the monitor off: %q", got)
	}
	r.Do("DEBUG", "SLEEP", "0.02")
	if got := r.Do("LATENCY", "LATEST"); got != "*0\r\n" {
		t.Errorf("LATENCY LATEST with the monitor off after a slow command: %q", got)
	}
	r.Do("CONFIG", "SET", "latency-monitor-threshold", "10")
	if got := r.Do("LATENCY", "DOCTOR"); !strings.Contains(got, "no latency spike was observed") {
		t.Errorf("LATENCY DOCTOR with nothing seen: %q", got)
	}
	r.Do("PING")
	if got := r.Do("LATENCY", "LATEST"); got != "*0\r\n" {
		t.Errorf("LATENCY LATEST after a quick command: %q", got)
	}
	r.Do("DEBUG", "SLEEP", "0.02")
	latest := r.Do("LATENCY", "LATEST")
	if !strings.HasPrefix(latest, "*1\r\n*4\r\n$7\r\ncommand\r\n:") {
		t.Fatalf("LATENCY LATEST after a 20 ms command: %q", latest)
	}
	if got := r.Do("LATENCY", "HISTORY", "command"); !strings.HasPrefix(got, "*1\r\n*2\r\n:") {
		t.Errorf("LATENCY HISTORY command: %q", got)
	}
	if got := r.Do("LATENCY", "HISTORY", "nothing"); got != "*0\r\n" {
		t.Errorf("LATENCY HISTORY of an unknown event: %q", got)
	}
	if got := r.Do("LATENCY", "DOCTOR"); !strings.Contains(got, "1. command: 1 latency spikes") {
		t.Errorf("LATENCY DOCTOR after a spike: %q", got)
	}
	if got := r.Do("LATENCY", "GRAPH", "nothing"); got != "-ERR No samples available for event 'nothing'\r\n" {
		t.Errorf("LATENCY GRAPH of an unknown event: %q", got)
	}
	if got := r.Do("LATENCY", "RESET", "command", "nothing"); got != ":1\r\n" {
		t.Errorf("LATENCY RESET command nothing: %q", got)
	}
	if got := r.Do("LATENCY", "LATEST"); got != "*0\r\n" {
		t.Errorf("LATENCY LATEST after RESET: %q", got)
	}
}
