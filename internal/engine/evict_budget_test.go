package engine

import (
	"testing"
	"time"
)

func TestEvictionBudget(t *testing.T) {
	tests := []struct {
		tenacity int
		want     time.Duration
	}{
		{0, 0},
		{1, 50 * time.Microsecond},
		{10, 500 * time.Microsecond}, // the default
		{11, 575 * time.Microsecond},
		{14, 874503 * time.Nanosecond},
		{15, time.Millisecond}, // Redis: 1,005 µs; capped
		{100, time.Millisecond},
	}
	for _, tt := range tests {
		got := EvictionSettings{Tenacity: tt.tenacity}.EvictionBudget()
		if diff := got - tt.want; diff < -time.Microsecond || diff > time.Microsecond {
			t.Errorf("tenacity %d: budget %v, want %v", tt.tenacity, got, tt.want)
		}
	}
}
