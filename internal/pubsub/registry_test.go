package pubsub

import (
	"path"
	"slices"
	"sort"
	"sync"
	"testing"
)

type delivery struct {
	owner   string
	via     Kind
	pattern string
}

// publish collects who receives a message sent to channel, sorted.
func publish(r *Registry[string], k Kind, channel string) []delivery {
	var got []delivery
	var mu sync.Mutex
	n := r.Publish(k, channel, func(p, c string) bool { ok, _ := path.Match(p, c); return ok },
		func(s *Subscriber[string], via Kind, pattern string) {
			mu.Lock()
			got = append(got, delivery{s.Owner, via, pattern})
			mu.Unlock()
		})
	if n != len(got) {
		panic("Publish miscounted")
	}
	sort.Slice(got, func(i, j int) bool {
		if got[i].owner != got[j].owner {
			return got[i].owner < got[j].owner
		}
		if got[i].via != got[j].via {
			return got[i].via < got[j].via
		}
		return got[i].pattern < got[j].pattern
	})
	return got
}

func TestPublishReachesChannelsPatternsAndShardsApart(t *testing.T) {
	var r Registry[string]
	a, b, c := &Subscriber[string]{Owner: "a"}, &Subscriber[string]{Owner: "b"}, &Subscriber[string]{Owner: "c"}
	r.Subscribe(a, Channel, "news")
	r.Subscribe(a, Pattern, "n*")
	r.Subscribe(b, Pattern, "n*")
	r.Subscribe(b, Pattern, "ne?s")
	r.Subscribe(c, Shard, "news")
	tests := []struct {
		kind    Kind
		channel string
		want    []delivery
	}{
		{Channel, "news", []delivery{{"a", Channel, ""}, {"a", Pattern, "n*"}, {"b", Pattern, "n*"}, {"b", Pattern, "ne?s"}}},
		{Channel, "nope", []delivery{{"a", Pattern, "n*"}, {"b", Pattern, "n*"}}},
		{Channel, "other", nil},
		{Shard, "news", []delivery{{"c", Shard, ""}}},
		{Shard, "nope", nil}, // patterns never match shard channels
	}
	for _, tt := range tests {
		if got := publish(&r, tt.kind, tt.channel); !slices.Equal(got, tt.want) {
			t.Errorf("publish(%d, %q) = %v, want %v", tt.kind, tt.channel, got, tt.want)
		}
	}
}

func TestSubscribeCountsAndOrder(t *testing.T) {
	var r Registry[string]
	s := &Subscriber[string]{Owner: "s"}
	steps := []struct {
		op         string // "+" subscribe, "-" unsubscribe
		kind       Kind
		name       string
		wantChange bool
	}{
		{"+", Channel, "b", true},
		{"+", Channel, "a", true},
		{"+", Channel, "b", false},
		{"+", Pattern, "p*", true},
		{"+", Shard, "s", true},
		{"-", Channel, "zz", false},
		{"+", Channel, "c", true},
		{"-", Channel, "a", true},
		{"-", Channel, "a", false},
	}
	for _, st := range steps {
		var changed bool
		if st.op == "+" {
			changed = r.Subscribe(s, st.kind, st.name)
		} else {
			changed = r.Unsubscribe(s, st.kind, st.name)
		}
		if changed != st.wantChange {
			t.Errorf("%s%d %q: changed %v, want %v", st.op, st.kind, st.name, changed, st.wantChange)
		}
	}
	if got := r.Names(s, Channel); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("Names(Channel) = %v, want [b c] (subscription order)", got)
	}
	if s.Count(Channel) != 2 || s.Count(Pattern) != 1 || s.Count(Shard) != 1 || s.Total() != 4 {
		t.Errorf("counts %d/%d/%d total %d, want 2/1/1 total 4", s.Count(Channel), s.Count(Pattern), s.Count(Shard), s.Total())
	}
}

func TestUnsubscribeAllLeavesNothing(t *testing.T) {
	var r Registry[string]
	a, b := &Subscriber[string]{Owner: "a"}, &Subscriber[string]{Owner: "b"}
	for _, s := range []*Subscriber[string]{a, b} {
		r.Subscribe(s, Channel, "x")
		r.Subscribe(s, Pattern, "*")
		r.Subscribe(s, Shard, "y")
	}
	r.Subscribe(a, Channel, "only-a")
	r.UnsubscribeAll(a)
	if a.Total() != 0 || len(r.Names(a, Channel)) != 0 {
		t.Fatalf("a still holds %d subscriptions", a.Total())
	}
	if n := r.NumSub(Channel, "x"); n != 1 {
		t.Errorf("NumSub(x) = %d, want 1", n)
	}
	if got := r.Channels(Channel, func(string) bool { return true }); !slices.Equal(got, []string{"x"}) {
		t.Errorf("Channels = %v, want [x]: a channel without subscribers must go", got)
	}
	r.UnsubscribeAll(b)
	for k := range kinds {
		if n := r.Len(k); n != 0 {
			t.Errorf("Len(%d) = %d after everyone left, want 0", k, n)
		}
	}
}

func TestChannelsFiltersAndLenCountsDistinctNames(t *testing.T) {
	var r Registry[string]
	a, b := &Subscriber[string]{Owner: "a"}, &Subscriber[string]{Owner: "b"}
	r.Subscribe(a, Pattern, "p*")
	r.Subscribe(b, Pattern, "p*")
	r.Subscribe(b, Pattern, "q*")
	r.Subscribe(a, Channel, "apple")
	r.Subscribe(b, Channel, "avocado")
	r.Subscribe(b, Channel, "banana")
	if n := r.Len(Pattern); n != 2 {
		t.Errorf("Len(Pattern) = %d, want 2 distinct patterns", n)
	}
	got := r.Channels(Channel, func(n string) bool { return n[0] == 'a' })
	sort.Strings(got)
	if !slices.Equal(got, []string{"apple", "avocado"}) {
		t.Errorf("Channels(a...) = %v", got)
	}
	if n := r.NumSub(Pattern, "p*"); n != 2 {
		t.Errorf("NumSub(p*) = %d, want 2", n)
	}
}

// TestConcurrentUse runs subscribers and publishers side by side; run
// with -race.
func TestConcurrentUse(t *testing.T) {
	var r Registry[int]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			s := &Subscriber[int]{Owner: i}
			for range 200 {
				r.Subscribe(s, Channel, "c")
				r.Subscribe(s, Pattern, "c*")
				s.Total()
				r.Unsubscribe(s, Channel, "c")
			}
			r.UnsubscribeAll(s)
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				r.Publish(Channel, "c", func(p, c string) bool { return true }, func(s *Subscriber[int], _ Kind, _ string) { _ = s.Owner })
				r.Channels(Channel, func(string) bool { return true })
			}
		}()
	}
	wg.Wait()
	for k := range kinds {
		if n := r.Len(k); n != 0 {
			t.Errorf("Len(%d) = %d, want 0", k, n)
		}
	}
}
