package command

import "time"

// LatencyObserver records how long executions of one command took. The
// metrics package implements it with a histogram per command, striped
// (package stripe): stripe is the Ctx's.
type LatencyObserver interface {
	ObserveLatency(stripe int, d time.Duration)
}

// SetLatencyObservers gives every command and subcommand the observer
// newObserver returns for it, so that Exec records each execution's
// duration with no lookup on the hot path; a nil newObserver (or a nil
// observer) records nothing, which costs Exec one nil check. Call it
// before the table serves commands: Exec reads the observers without
// synchronization.
func (t *Table) SetLatencyObservers(newObserver func(*Spec) LatencyObserver) {
	for _, s := range t.cmds {
		for _, x := range append([]*Spec{s}, s.Subcommands...) {
			x.latency = nil
			if newObserver != nil {
				x.latency = newObserver(x)
			}
		}
	}
}
