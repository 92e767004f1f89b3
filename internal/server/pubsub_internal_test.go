package server

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/config"
)

// TestOverLimit plays sequences of (pending bytes, time) checks against
// the limits as Redis's checkClientOutputBufferLimits decides them.
func TestOverLimit(t *testing.T) {
	type check struct {
		used uint64
		now  int64
		want bool
	}
	tests := []struct {
		name   string
		lim    config.OutputBufferLimit
		checks []check
	}{
		{"no limits", config.OutputBufferLimit{}, []check{{1 << 40, 1, false}, {1 << 40, 100, false}}},
		{"hard at once, at the limit", config.OutputBufferLimit{Hard: 100}, []check{{99, 1, false}, {100, 1, true}}},
		{"soft only after more than its seconds", config.OutputBufferLimit{Soft: 10, SoftSeconds: 2}, []check{
			{10, 100, false}, // first seen over: the clock starts
			{50, 101, false},
			{50, 102, false}, // 2 s is not more than 2 s
			{50, 103, true},
		}},
		{"soft clock restarts below the limit", config.OutputBufferLimit{Soft: 10, SoftSeconds: 1}, []check{
			{10, 100, false},
			{9, 101, false},
			{10, 102, false},
			{10, 103, false},
			{10, 104, true},
		}},
		{"soft of 0 s still needs a second", config.OutputBufferLimit{Soft: 10}, []check{{10, 5, false}, {10, 5, false}, {10, 6, true}}},
		{"hard wins while soft waits", config.OutputBufferLimit{Hard: 100, Soft: 10, SoftSeconds: 60}, []check{{10, 1, false}, {100, 1, true}}},
	}
	for _, tt := range tests {
		var p pushState
		for i, c := range tt.checks {
			if got := p.overLimit(tt.lim, c.used, c.now); got != c.want {
				t.Errorf("%s: check %d (%d bytes at %d s) = %v, want %v", tt.name, i, c.used, c.now, got, c.want)
			}
		}
	}
}
