//go:build race

package set

// raceEnabled: the race detector turns the tiny allocator off, so small
// strings take more heap than SizeBytes counts for a normal build.
const raceEnabled = true
