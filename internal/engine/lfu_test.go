package engine

import "testing"

// The numbers Redis derives from its one lru field, in either form, with
// the clocks' wrap-arounds: what OBJECT FREQ, OBJECT IDLETIME and DEBUG
// OBJECT show after maxmemory-policy changed under a key. The LFU-form
// idle times follow estimateObjectIdleTime, as redis-server 7.0 printed.
func TestLRUField(t *testing.T) {
	const at = 1795730881 // Unix seconds of the last access
	tests := []struct {
		name    string
		access  uint32
		freq    uint8
		lfu     bool
		nowMs   int64
		field   uint32
		counter uint8 // with lfu-decay-time 1
		idle    int64
	}{
		{"LRU form, same second", at, 5, false, at * 1000, at & lruClockMax, 0, 0},
		{"LRU form, 90 s later", at, 5, false, (at + 90) * 1000, at & lruClockMax, 0, 90},
		{"LFU form, same minute", at, 7, true, at * 1000, 11374599, 7, 5971385},
		{"LFU form, two minutes later", at, 7, true, (at/60*60 + 120) * 1000, 11374599, 5, 5971504},
		{"LFU form, decayed past zero", at, 3, true, (at + 600) * 1000, 11374595, 0, 5971989},
		{"LRU clock wrapped", lruClockMax, 5, false, (lruClockMax + 11) * 1000, lruClockMax, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := lruField(tt.access, tt.freq, tt.lfu)
			if field != tt.field {
				t.Errorf("field %d, want %d", field, tt.field)
			}
			if tt.lfu {
				if c := lfuCounter(field, tt.nowMs, 1); c != tt.counter {
					t.Errorf("counter %d, want %d", c, tt.counter)
				}
			}
			if idle := idleSeconds(field, tt.nowMs); idle != tt.idle {
				t.Errorf("idle %d, want %d", idle, tt.idle)
			}
		})
	}
}
