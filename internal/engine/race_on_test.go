//go:build race

package engine

// raceEnabled: the race detector's shadow memory grows the resident set
// with every page the program touches, so RSS figures mean nothing then.
const raceEnabled = true
