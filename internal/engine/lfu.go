package engine

import "math/rand/v2"

// LFU as Redis does it: an 8-bit logarithmic counter that a hit increments
// with probability 1/((counter-5)*lfu-log-factor+1), and that loses one per
// lfu-decay-time minutes without access. The key's access time doubles as
// the last decrement time, as Redis's ldt is refreshed on every access.
//
// Redis keeps a key's recency and frequency in one 24-bit field, robj.lru,
// written in the form of the policy in force at the last access: the LRU
// clock, or the LFU minute and counter. After maxmemory-policy changes, a
// key not accessed since is read in the other form, which gives OBJECT
// FREQ, OBJECT IDLETIME, DEBUG OBJECT and eviction numbers that mean
// nothing but that clients see. An entry's access time, counter and
// LFU-form flag are enough to rebuild that field, so Shoal reads through
// it and answers as Redis does.

const (
	lruClockMax = 1<<24 - 1 // LRU_CLOCK_MAX
	lfuMinutes  = 0xffff    // LFUGetTimeInMinutes keeps 16 bits
)

// lruField is Redis's robj.lru for a key last accessed at access (Unix
// seconds) with LFU counter freq, in LFU form when lfu is set.
func lruField(access uint32, freq uint8, lfu bool) uint32 {
	if lfu {
		return (access/60&lfuMinutes)<<8 | uint32(freq)
	}
	return access & lruClockMax
}

// lfuCounter is LFUDecrAndReturn: the counter of Redis's field with the
// decay due by now (Unix ms), counted in whole minutes of the clock.
func lfuCounter(field uint32, now int64, decayMinutes int) uint8 {
	counter := int64(field & 0xff)
	if decayMinutes <= 0 {
		return uint8(counter)
	}
	ldt := int64(field >> 8)
	minute := now / 60000 & lfuMinutes
	elapsed := minute - ldt
	if minute < ldt {
		elapsed = lfuMinutes - ldt + minute
	}
	periods := elapsed / int64(decayMinutes)
	if periods > counter {
		return 0
	}
	return uint8(counter - periods)
}

// idleSeconds is estimateObjectIdleTime in seconds: Redis's field read as
// an LRU clock, against the clock at now (Unix ms).
func idleSeconds(field uint32, now int64) int64 {
	clock := now / 1000 & lruClockMax
	if clock >= int64(field) {
		return clock - int64(field)
	}
	return clock + lruClockMax - int64(field)
}

// lfuIncr is the logarithmic increment.
func lfuIncr(counter uint8, logFactor int) uint8 {
	if counter == 255 {
		return 255
	}
	base := float64(counter) - lfuInitVal
	if base < 0 {
		base = 0
	}
	if rand.Float64() < 1/(base*float64(logFactor)+1) {
		counter++
	}
	return counter
}

// touch records an access to a stored entry: the time, and under an LFU
// policy the counter, in the form of the policy in force.
func (v View) touch(e *Entry) {
	s := v.db.eng.eviction.Load()
	if s.Policy.lfu() {
		e.freq = lfuIncr(lfuCounter(e.LRUField(), v.now, s.LFUDecayTime), s.LFULogFactor)
	}
	e.access, e.lfu = uint32(v.now/1000), s.Policy.lfu()
	setAccess(e.sh.arena.Bytes(e.loc), e.access, e.freq, e.lfu)
}

// FreqNow returns the key's LFU counter with the decay due by now, as
// OBJECT FREQ reports it.
func (v View) FreqNow(e *Entry) uint8 {
	return lfuCounter(e.LRUField(), v.now, v.db.eng.eviction.Load().LFUDecayTime)
}

// IdleSeconds returns the seconds since the key's last access as OBJECT
// IDLETIME and DEBUG OBJECT report them.
func (v View) IdleSeconds(e *Entry) int64 { return idleSeconds(e.LRUField(), v.now) }

// lfuPolicyNow reports whether an LFU policy is in force, the form a key
// created now takes.
func (v View) lfuPolicyNow() bool { return v.db.eng.eviction.Load().Policy.lfu() }
