//go:build race

package hash

// raceEnabled: the race detector slows the heavier tests down tenfold.
const raceEnabled = true
