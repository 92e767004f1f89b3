//go:build race

package command_test

// raceEnabled: under the race detector commands run several times slower
// and a background walk takes a larger share of the CPU, so latency
// bounds are looser.
const raceEnabled = true
