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
		{"crowded loops are probed after 8 windows; a wrong probe doubles the wait", join(
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 2}},
			repeat(crowded(2), 15, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 2}},
			repeat(crowded(2), 31, 2), []step{{crowded(2), 1}},
		)},
		{"a right probe stays, and a light spell resets the wait", join(
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			[]step{{saturatedIdle(1), 2}}, // wrong: 16 next
			repeat(light(2), 3, 2), []step{{light(2), 1}},
			[]step{{saturatedIdle(1), 2}},
			repeat(crowded(2), 7, 2), []step{{crowded(2), 1}},
			repeat(saturatedBusyMachine(1), 10, 1),
		)},
		{"a stuck loop is not probed away", repeat(sample{active: 2, loops: 2, maxBusy: 1, sumBusy: 1.5, idle: 0, anyStuck: true}, 20, 2)},
		{"one stuck loop of two active gets no third", []step{{sample{active: 2, loops: 3, maxBusy: 1, sumBusy: 1.1, idle: 0, anyStuck: true}, 2}}},
		{"one hot loop of two does not get a third it would give back", []step{{sample{active: 2, loops: 3, maxBusy: 0.95, sumBusy: 0.97, idle: 1.5}, 2}}},
		{"two hot loops of two get a third", []step{{sample{active: 2, loops: 3, maxBusy: 0.95, sumBusy: 1.8, idle: 1}, 3}}},
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

type step struct {
	w    sample
	want int
}
