package netloop

import "testing"

// TestBalancerRules feeds the balancer windows and checks how many loops
// it has take clients after each.
func TestBalancerRules(t *testing.T) {
	// Shorthands: a window with n active loops of 2 and their load.
	saturatedIdle := func(n int) sample { return sample{active: n, loops: 2, maxBusy: 0.95, sumBusy: 0.95, idle: 1} }
	saturatedBusyMachine := func(n int) sample { return sample{active: n, loops: 2, maxBusy: 0.95, sumBusy: 0.95, idle: 0.2} }
	crowded := func(n int) sample { return sample{active: n, loops: 2, maxBusy: 0.6, sumBusy: 1.2, idle: 0.1} }
	light := func(n int) sample { return sample{active: n, loops: 2, maxBusy: 0.2, sumBusy: 0.3, idle: 1.5} }
	busy1 := sample{active: 1, loops: 2, maxBusy: 0.8, sumBusy: 0.8, idle: 1} // one loop, busy, not saturated
	stuck := func(n int) sample {
		return sample{active: n, loops: 2, maxBusy: 1, sumBusy: 1, idle: 0, anyStuck: true, allStuck: true}
	}
	repeat := func(w sample, times, want int) []step {
		out := make([]step, times)
		for i := range out {
			out[i] = step{w, want}
		}
		return out
	}
	join := func(parts ...[]step) []step {
		var all []step
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a saturated loop with a processor idle gets another", []step{{saturatedIdle(1), 2}}},
		{"not on a machine with none idle", repeat(saturatedBusyMachine(1), 20, 1)},
		{"not beyond the loops there are", []step{{saturatedIdle(2), 2}}},
		{"a stuck loop gets another whatever the machine", []step{{stuck(1), 2}}},
		{"a light load gives one back after four windows", join(repeat(light(2), 3, 2), []step{{light(2), 1}})},
		{"a light window between does not count", join(repeat(light(2), 3, 2), []step{{crowded(2), 2}}, repeat(light(2), 3, 2), []step{{light(2), 1}})},
		// After a probe the loops left are measured for a window before
		// the loop comes back (the window of the change is not one).
		{"crowded loops are probed after 8 windows; a wrong probe doubles the wait", join(
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 1}, {saturatedIdle(1), 2}},
			repeat(crowded(2), 15, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 1}, {saturatedIdle(1), 2}},
			repeat(crowded(2), 31, 2), []step{{crowded(2), 1}},
		)},
		{"a right probe stays, and a light spell resets the wait", join(
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 1}, {saturatedIdle(1), 2}}, // wrong: 16 next
			repeat(light(2), 3, 2), []step{{light(2), 1}},
			[]step{{saturatedIdle(1), 2}},
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			repeat(saturatedBusyMachine(1), 10, 1),
		)},
		{"a stuck loop is not probed away", repeat(sample{active: 2, loops: 2, maxBusy: 1, sumBusy: 1.5, idle: 0, anyStuck: true}, 20, 2)},
		{"one stuck loop of two active gets no third", []step{{sample{active: 2, loops: 3, maxBusy: 1, sumBusy: 1.1, idle: 0, anyStuck: true}, 2}}},
		{"one hot loop of two does not get a third it would give back", []step{{sample{active: 2, loops: 3, maxBusy: 0.95, sumBusy: 0.97, idle: 1.5}, 2}}},
		{"two hot loops of two get a third", []step{{sample{active: 2, loops: 3, maxBusy: 0.95, sumBusy: 1.8, idle: 1}, 3}}},

		// The work taken with each number of loops (rate).
		{"a second loop that takes more work stays", join(
			[]step{{rated(busy1, 100), 1}, {rated(busy1, 100), 1}}, // measured at one
			[]step{{rated(saturatedIdle(1), 100), 2}},
			repeat(rated(saturatedIdle(2), 130), 20, 2),
		)},
		{"a second loop that takes no more work goes after two measured windows", join(
			[]step{{rated(busy1, 100), 1}, {rated(busy1, 100), 1}},
			[]step{{rated(saturatedIdle(1), 100), 2}},
			[]step{{rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 1}},
			// Not tried again while that is trusted (16 windows, now 32),
			repeat(rated(saturatedIdle(1), 100), 32, 1),
			// then tried again; it fails again and is trusted for 64.
			[]step{{rated(saturatedIdle(1), 100), 2}},
			[]step{{rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 1}},
			repeat(rated(saturatedIdle(1), 100), 64, 1),
			[]step{{rated(saturatedIdle(1), 100), 2}},
		)},
		{"within 5 % of one loop's work is not paying", join(
			[]step{{rated(busy1, 100), 1}, {rated(busy1, 100), 1}, {rated(saturatedIdle(1), 100), 2}},
			[]step{{rated(saturatedIdle(2), 104), 2}, {rated(saturatedIdle(2), 104), 2}, {rated(saturatedIdle(2), 104), 1}},
		)},
		{"a probe whose one loop takes as much work keeps one loop", join(
			[]step{{rated(saturatedIdle(1), 100), 2}}, // one loop never measured: grown at once
			repeat(rated(crowded(2), 100), 7, 2), []step{{rated(crowded(2), 100), 1}},
			// Two loops' rate is trusted for 16 windows; then they are
			// tried again.
			repeat(rated(saturatedIdle(1), 110), 16, 1),
			[]step{{rated(saturatedIdle(1), 110), 2}},
			[]step{{rated(crowded(2), 100), 2}, {rated(crowded(2), 100), 2}, {rated(crowded(2), 100), 1}},
			repeat(rated(saturatedIdle(1), 110), 32, 1),
		)},
		{"a probe whose one loop takes less work brings the loop back", join(
			[]step{{rated(saturatedIdle(1), 100), 2}},
			repeat(rated(crowded(2), 100), 7, 2), []step{{rated(crowded(2), 100), 1}},
			[]step{{rated(saturatedIdle(1), 60), 1}, {rated(saturatedIdle(1), 60), 2}},
			repeat(rated(crowded(2), 100), 4, 2),
		)},
		{"another load forgets the rates measured before it", join(
			[]step{{rated(busy1, 100), 1}, {rated(busy1, 100), 1}, {rated(saturatedIdle(1), 100), 2}},
			[]step{{rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 1}},
			repeat(rated(saturatedIdle(1), 100), 5, 1),
			// Twice the work with one loop: two loops are tried at once.
			[]step{{rated(saturatedIdle(1), 200), 2}},
		)},
		{"a stuck loop gets another whatever the rates", join(
			[]step{{rated(busy1, 100), 1}, {rated(busy1, 100), 1}, {rated(saturatedIdle(1), 100), 2}},
			[]step{{rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 2}, {rated(saturatedIdle(2), 80), 1}},
			[]step{{stuck(1), 2}},
		)},
	}
	for _, tt := range tests {
		b := newBalancer()
		for i, st := range tt.steps {
			if got := b.next(st.w); got != st.want {
				t.Fatalf("%s: window %d (%+v): %d loops, want %d", tt.name, i, st.w, got, st.want)
			}
		}
	}
}

// rated is w with rate r.
func rated(w sample, r float64) sample {
	w.rate = r
	return w
}

type step struct {
	w    sample
	want int
}
