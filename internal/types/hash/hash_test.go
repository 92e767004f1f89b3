package hash

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var defaults = Limits{MaxEntries: 512, MaxValue: 64}

// fields returns the hash's contents as a map, checking that iteration,
// Get and Len agree.
func fields(t *testing.T, h *Hash) map[string]string {
	t.Helper()
	m := map[string]string{}
	for f, v := range h.All() {
		if _, dup := m[f.String()]; dup {
			t.Fatalf("field %q iterated twice", f.String())
		}
		m[f.String()] = v.String()
		if got, ok := h.Get(f.Append(nil)); !ok || got.String() != v.String() {
			t.Fatalf("Get(%q) = %q, %v; iteration gave %q", f.String(), got.String(), ok, v.String())
		}
	}
	if len(m) != h.Len() {
		t.Fatalf("iterated %d fields, Len %d", len(m), h.Len())
	}
	return m
}

// TestConversion checks when the listpack becomes a hashtable, as Redis
// 7.0 converts (checked against redis-server with small thresholds).
func TestConversion(t *testing.T) {
	lim := Limits{MaxEntries: 3, MaxValue: 4}
	type op struct{ f, v string }
	for _, tc := range []struct {
		name string
		ops  []op
		want string
	}{
		{"at the entry limit", []op{{"a", "1"}, {"b", "2"}, {"c", "3"}}, "listpack"},
		{"past the entry limit", []op{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}, "hashtable"},
		{"updates do not count", []op{{"a", "1"}, {"a", "2"}, {"a", "3"}, {"a", "4"}}, "listpack"},
		{"value at the length limit", []op{{"a", "1234"}}, "listpack"},
		{"value past the length limit", []op{{"a", "12345"}}, "hashtable"},
		{"field past the length limit", []op{{"abcde", "1"}}, "hashtable"},
		{"long update", []op{{"a", "1"}, {"a", "12345"}}, "hashtable"},
		{"empty strings", []op{{"", ""}}, "listpack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New()
			want := map[string]string{}
			for _, o := range tc.ops {
				h.Set([]byte(o.f), []byte(o.v), lim)
				want[o.f] = o.v
			}
			if got := h.Encoding(); got != tc.want {
				t.Errorf("encoding %s, want %s", got, tc.want)
			}
			if got := fields(t, h); !maps.Equal(got, want) {
				t.Errorf("fields %v, want %v", got, want)
			}
		})
	}
	t.Run("zero entries", func(t *testing.T) {
		h := New()
		h.Set([]byte("a"), []byte("b"), Limits{MaxEntries: 0, MaxValue: 64})
		if h.Encoding() != "hashtable" {
			t.Errorf("encoding %s with hash-max-listpack-entries 0", h.Encoding())
		}
	})
	t.Run("update past a lowered entry limit", func(t *testing.T) {
		// redis-server 7.0: HSET h a 1 b 2 c 3; CONFIG SET
		// hash-max-listpack-entries 2; HSET h a 5 converts h.
		h := New()
		for _, f := range []string{"a", "b", "c"} {
			h.Set([]byte(f), []byte("1"), defaults)
		}
		if h.Set([]byte("a"), []byte("5"), Limits{MaxEntries: 2, MaxValue: 64}) || h.Encoding() != "hashtable" {
			t.Errorf("after an update past the limit: %s", h.Encoding())
		}
		if v, _ := h.Get([]byte("a")); v.String() != "5" || h.Len() != 3 {
			t.Errorf("after conversion: a=%q, %d fields", v.String(), h.Len())
		}
	})
	t.Run("one way", func(t *testing.T) {
		h := New()
		for i := range 5 {
			h.Set([]byte(strconv.Itoa(i)), []byte("v"), lim)
		}
		for i := range 4 {
			h.Delete([]byte(strconv.Itoa(i)))
		}
		if h.Encoding() != "hashtable" || h.Len() != 1 {
			t.Errorf("after shrinking: %s with %d fields", h.Encoding(), h.Len())
		}
	})
}

// TestAgainstMap runs random sets and deletes on both encodings and
// compares with a map after each step.
func TestAgainstMap(t *testing.T) {
	for _, lim := range []Limits{{MaxEntries: 1 << 20, MaxValue: 1 << 20}, {MaxEntries: 0, MaxValue: 0}, defaults} {
		t.Run(fmt.Sprintf("%+v", lim), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			h := New()
			model := map[string]string{}
			for step := range 4000 {
				f := randString(r, 300)
				if r.IntN(3) == 0 {
					_, had := model[f]
					if got := h.Delete([]byte(f)); got != had {
						t.Fatalf("step %d: Delete(%q) = %v, want %v", step, f, got, had)
					}
					delete(model, f)
				} else {
					v := randString(r, 100000)
					_, had := model[f]
					if got := h.Set([]byte(f), []byte(v), lim); got == had {
						t.Fatalf("step %d: Set(%q) added = %v, field existed %v", step, f, got, had)
					}
					model[f] = v
				}
				if step%97 == 0 {
					if got := fields(t, h); !maps.Equal(got, model) {
						t.Fatalf("step %d: hash differs from the model", step)
					}
				}
				if h.Exists([]byte(f)) != (model[f] != "" || hasKey(model, f)) {
					t.Fatalf("step %d: Exists(%q) wrong", step, f)
				}
			}
			if got := fields(t, h); !maps.Equal(got, model) {
				t.Fatalf("final hash differs from the model")
			}
		})
	}
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// randString returns integers (which a listpack stores as such) and other
// strings, from a space of n.
func randString(r *rand.Rand, n int) string {
	i := r.IntN(n)
	switch i % 4 {
	case 0:
		return strconv.Itoa(i - n/2)
	case 1:
		return "f" + strconv.Itoa(i)
	case 2:
		return strings.Repeat("x", i%70)
	}
	return "0" + strconv.Itoa(i) // not canonical: stays a string
}

// TestScanGuarantee: a field present for a whole scan is returned,
// whatever is added and deleted between steps (the table grows and
// shrinks meanwhile).
func TestScanGuarantee(t *testing.T) {
	lim := Limits{MaxEntries: 0, MaxValue: 64}
	rounds := 20
	if raceEnabled {
		rounds = 4
	}
	for round := range rounds {
		r := rand.New(rand.NewPCG(uint64(round), 7))
		h := New()
		stable := map[string]bool{}
		for i := range 50 {
			f := "stable" + strconv.Itoa(i)
			h.Set([]byte(f), []byte("v"), lim)
			stable[f] = true
		}
		churn := 0
		seen := map[string]bool{}
		cursor := uint64(0)
		for steps := 0; ; steps++ {
			cursor = h.Scan(cursor, func(f, _ Elem) { seen[f.String()] = true })
			if cursor == 0 {
				break
			}
			// Grow a lot, or shrink back, between steps.
			if steps%2 == 0 {
				for range r.IntN(300) {
					h.Set([]byte("churn"+strconv.Itoa(churn)), []byte("v"), lim)
					churn++
				}
			} else {
				for i := range churn {
					h.Delete([]byte("churn" + strconv.Itoa(i)))
				}
			}
			if steps > 100000 {
				t.Fatal("scan does not end")
			}
		}
		for f := range stable {
			if !seen[f] {
				t.Fatalf("round %d: field %s present throughout was not returned", round, f)
			}
		}
	}
}

func TestScanListpack(t *testing.T) {
	h := New()
	for i := range 10 {
		h.Set([]byte("f"+strconv.Itoa(i)), []byte(strconv.Itoa(i)), defaults)
	}
	var got []string
	if next := h.Scan(12345, func(f, v Elem) { got = append(got, f.String()+"="+v.String()) }); next != 0 {
		t.Errorf("listpack scan returned cursor %d, want 0", next)
	}
	if len(got) != 10 || got[0] != "f0=0" || got[9] != "f9=9" {
		t.Errorf("listpack scan gave %v", got)
	}
}

func TestSample(t *testing.T) {
	for _, lim := range []Limits{defaults, {MaxEntries: 0, MaxValue: 64}} {
		h := New()
		for i := range 100 {
			h.Set([]byte("f"+strconv.Itoa(i)), []byte("v"+strconv.Itoa(i)), lim)
		}
		for _, count := range []int{1, 10, 40, 99} {
			var got []string
			h.Sample(count, true, func(f, v Elem) {
				if "v"+f.String()[1:] != v.String() {
					t.Fatalf("pair %s=%s", f.String(), v.String())
				}
				got = append(got, f.String())
			})
			slices.Sort(got)
			if len(got) != count || len(slices.Compact(got)) != count {
				t.Errorf("%s: distinct sample of %d gave %d fields, with repeats", h.Encoding(), count, len(got))
			}
		}
		n := 0
		h.Sample(1000, false, func(f, v Elem) { n++ })
		if n != 1000 {
			t.Errorf("sample with repeats gave %d, want 1000", n)
		}
		f, v := h.Random()
		if "v"+f.String()[1:] != v.String() {
			t.Errorf("Random gave %s=%s", f.String(), v.String())
		}
	}
}

func TestClone(t *testing.T) {
	for _, lim := range []Limits{defaults, {MaxEntries: 0, MaxValue: 64}} {
		h := New()
		h.Set([]byte("a"), []byte("1"), lim)
		c := h.Clone()
		h.Set([]byte("a"), []byte("2"), lim)
		h.Set([]byte("b"), []byte("3"), lim)
		if got := fields(t, c); !maps.Equal(got, map[string]string{"a": "1"}) {
			t.Errorf("%s clone changed with the original: %v", c.Encoding(), got)
		}
	}
}

// TestSizeBytes compares SizeBytes with what the heap really grows by
// when many hashes are built, for both encodings and several shapes.
func TestSizeBytes(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("measures the heap, slowly under the race detector")
	}
	for _, tc := range []struct {
		name           string
		fields, valLen int
		lim            Limits
	}{
		{"listpack small", 5, 8, defaults},
		{"listpack full", 500, 20, defaults},
		{"hashtable small", 5, 8, Limits{MaxEntries: 0, MaxValue: 64}},
		{"hashtable large", 5000, 20, defaults},
		{"hashtable long values", 200, 300, defaults},
	} {
		t.Run(tc.name, func(t *testing.T) {
			count := max(100000/tc.fields, 20) // enough that the heap measure is not noise
			hs := make([]*Hash, count)
			val := []byte(strings.Repeat("v", tc.valLen))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range hs {
				h := New()
				for j := range tc.fields {
					h.Set([]byte("field:"+strconv.Itoa(j)), val, tc.lim)
				}
				hs[i] = h
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			var claimed int64
			for _, h := range hs {
				claimed += h.SizeBytes()
			}
			real := int64(after.HeapAlloc) - int64(before.HeapAlloc) - int64(8*len(hs))
			ratio := float64(claimed) / float64(real)
			t.Logf("%s: SizeBytes %d per hash, heap %d per hash (ratio %.3f)", hs[0].Encoding(), claimed/int64(count), real/int64(count), ratio)
			if ratio < 0.85 || ratio > 1.15 {
				t.Errorf("SizeBytes %d, heap grew by %d (ratio %.3f)", claimed, real, ratio)
			}
			runtime.KeepAlive(hs)
		})
	}
}
