package clients

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// step is one line a check script prints: STEP<TAB>MODE<TAB>PAYLOAD.
type step struct {
	name, mode, payload string
}

func parseSteps(t *testing.T, out string) []step {
	t.Helper()
	var steps []step
	for line := range strings.Lines(out) {
		parts := strings.SplitN(strings.TrimSuffix(line, "\n"), "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("malformed line from the check script: %q", line)
		}
		steps = append(steps, step{parts[0], parts[1], parts[2]})
	}
	return steps
}

// compareSteps compares the steps run against Redis (want) with those
// run against Shoal (got), in order. An "eq" step must print the same, or
// for a step in known, exactly one of known's payloads. A "keys" step's payload
// is a JSON object: the keys both print must have the same values; the
// keys only one prints (INFO fields, CONFIG parameters, commands Shoal
// lacks) are logged, as what Shoal does not have is not a wrong answer.
func compareSteps(t *testing.T, want, got []step, known map[string][]string) {
	t.Helper()
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) {
			t.Errorf("the runs printed %d and %d steps", len(want), len(got))
			return
		}
		w, g := want[i], got[i]
		if w.name != g.name || w.mode != g.mode {
			t.Errorf("step %d: redis ran %q, shoal %q: the runs diverged", i, w.name, g.name)
			return
		}
		if slices.Contains(known[w.name], g.payload) {
			continue
		}
		switch w.mode {
		case "eq":
			if w.payload != g.payload {
				t.Errorf("%s:\nredis: %s\nshoal: %s", w.name, w.payload, g.payload)
			}
		case "keys":
			compareKeys(t, w, g)
		default:
			t.Fatalf("%s: unknown mode %q", w.name, w.mode)
		}
	}
}

func compareKeys(t *testing.T, w, g step) {
	t.Helper()
	var wm, gm map[string]string
	if err := json.Unmarshal([]byte(w.payload), &wm); err != nil {
		t.Fatalf("%s: redis run: %v", w.name, err)
	}
	if err := json.Unmarshal([]byte(g.payload), &gm); err != nil {
		t.Fatalf("%s: shoal run: %v", g.name, err)
	}
	var onlyRedis, onlyShoal []string
	for k, v := range wm {
		gv, ok := gm[k]
		switch {
		case !ok:
			onlyRedis = append(onlyRedis, k)
		case gv != v:
			t.Errorf("%s: %s:\nredis: %s\nshoal: %s", w.name, k, v, gv)
		}
	}
	for k := range gm {
		if _, ok := wm[k]; !ok {
			onlyShoal = append(onlyShoal, k)
		}
	}
	slices.Sort(onlyRedis)
	slices.Sort(onlyShoal)
	if len(onlyRedis) > 0 {
		t.Logf("%s: only redis has %s", w.name, strings.Join(onlyRedis, " "))
	}
	if len(onlyShoal) > 0 {
		t.Logf("%s: only shoal has %s", w.name, strings.Join(onlyShoal, " "))
	}
}
