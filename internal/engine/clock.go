package engine

import (
	"sync/atomic"
	"time"
)

// Clock tells the engine the time in Unix milliseconds. Tests inject a
// [ManualClock] to move TTLs forward without sleeping.
type Clock interface {
	NowMs() int64
}

// SystemClock reads the wall clock.
type SystemClock struct{}

// NowMs returns the current Unix time in milliseconds.
func (SystemClock) NowMs() int64 { return time.Now().UnixMilli() }

// ManualClock is a clock that moves only when told to.
type ManualClock struct{ ms atomic.Int64 }

// NewManualClock returns a clock set to ms.
func NewManualClock(ms int64) *ManualClock {
	c := &ManualClock{}
	c.ms.Store(ms)
	return c
}

// NowMs returns the clock's time.
func (c *ManualClock) NowMs() int64 { return c.ms.Load() }

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
