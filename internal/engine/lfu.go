package engine

import "math/rand/v2"

// LFU as Redis does it: an 8-bit logarithmic counter that a hit increments
// with probability 1/((counter-5)*lfu-log-factor+1), and that loses one per
// lfu-decay-time minutes without access. The key's access time doubles as
// the last decrement time, as Redis's ldt is refreshed on every access.

// lfuDecayed is the counter after the decay due since the last access.
func lfuDecayed(freq uint8, access uint32, now int64, decayMinutes int) uint8 {
	if decayMinutes <= 0 {
		return freq
	}
	idleMinutes := (now/1000 - int64(access)) / 60
	periods := idleMinutes / int64(decayMinutes)
	if periods >= int64(freq) {
		return 0
	}
	return freq - uint8(periods)
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
// policy the counter.
func (v View) touch(e *Entry) {
	if s := v.db.eng.eviction.Load(); s.Policy.lfu() {
		e.freq = lfuIncr(lfuDecayed(e.freq, e.access, v.now, s.LFUDecayTime), s.LFULogFactor)
	}
	e.access = uint32(v.now / 1000)
	setAccess(e.sh.arena.Bytes(e.loc), e.access, e.freq)
}

// FreqNow returns the key's LFU counter with the decay due by now, as
// OBJECT FREQ reports it.
func (v View) FreqNow(e *Entry) uint8 {
	return lfuDecayed(e.freq, e.access, v.now, v.db.eng.eviction.Load().LFUDecayTime)
}
