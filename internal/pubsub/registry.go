package pubsub

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
)

// Kind is what a subscription names.
type Kind uint8

// The kinds of subscription. Shard channels are a namespace of their own:
// PUBLISH never reaches a shard channel, nor SPUBLISH a channel.
const (
	Channel Kind = iota
	Pattern
	Shard
	kinds
)

// Subscriber is one client's side of the registry. Owner identifies the
// client to the publisher (it is what receives the messages); set it before
// the first Subscribe and leave it. The zero value has no subscriptions.
type Subscriber[T any] struct {
	Owner T

	// names maps each subscription to its sequence number, which orders
	// them as they were made; guarded by the registry's lock.
	names [kinds]map[string]uint64
	seq   uint64
	// counts mirror len(names[k]) for readers without the lock (CLIENT
	// LIST, the subscribed-mode check on every command).
	counts [kinds]atomic.Int32
}

// Count returns how many subscriptions of kind k s holds.
func (s *Subscriber[T]) Count(k Kind) int { return int(s.counts[k].Load()) }

// Total returns how many subscriptions s holds, of every kind.
func (s *Subscriber[T]) Total() int {
	return s.Count(Channel) + s.Count(Pattern) + s.Count(Shard)
}

// Registry maps channels, patterns and shard channels to their
// subscribers. The zero value is empty and ready.
type Registry[T any] struct {
	mu   sync.RWMutex
	subs [kinds]map[string]map[*Subscriber[T]]struct{}
}

// Subscribe adds s to name's subscribers, reporting false when it already
// was one.
func (r *Registry[T]) Subscribe(s *Subscriber[T], k Kind, name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := s.names[k][name]; ok {
		return false
	}
	if s.names[k] == nil {
		s.names[k] = map[string]uint64{}
	}
	s.seq++
	s.names[k][name] = s.seq
	s.counts[k].Store(int32(len(s.names[k])))
	if r.subs[k] == nil {
		r.subs[k] = map[string]map[*Subscriber[T]]struct{}{}
	}
	set := r.subs[k][name]
	if set == nil {
		set = map[*Subscriber[T]]struct{}{}
		r.subs[k][name] = set
	}
	set[s] = struct{}{}
	return true
}

// Unsubscribe removes s from name's subscribers, reporting false when it
// was not one.
func (r *Registry[T]) Unsubscribe(s *Subscriber[T], k Kind, name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unsubscribe(s, k, name)
}

func (r *Registry[T]) unsubscribe(s *Subscriber[T], k Kind, name string) bool {
	if _, ok := s.names[k][name]; !ok {
		return false
	}
	delete(s.names[k], name)
	s.counts[k].Store(int32(len(s.names[k])))
	set := r.subs[k][name]
	delete(set, s)
	// A channel nobody listens to does not exist (PUBSUB CHANNELS).
	if len(set) == 0 {
		delete(r.subs[k], name)
	}
	return true
}

// UnsubscribeAll removes every subscription s holds: its client is gone
// or was reset.
func (r *Registry[T]) UnsubscribeAll(s *Subscriber[T]) {
	if s.Total() == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range kinds {
		for name := range s.names[k] {
			r.unsubscribe(s, k, name)
		}
	}
}

// Names returns what s subscribed to of kind k, in subscription order.
func (r *Registry[T]) Names(s *Subscriber[T], k Kind) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(s.names[k]))
	for name := range s.names[k] {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(s.names[k][a], s.names[k][b]) })
	return names
}

// Publish calls deliver for every receiver of a message sent to channel,
// with the kind of subscription it arrives by: for kind Channel the
// channel's subscribers, then, once per matching pattern, the subscribers
// of every pattern that match accepts (via Pattern, with the pattern); for
// kind Shard the shard channel's subscribers. It returns the number of
// deliveries. deliver runs under the registry's lock and must not call
// back into it.
func (r *Registry[T]) Publish(k Kind, channel string, match func(pattern, channel string) bool,
	deliver func(s *Subscriber[T], via Kind, pattern string)) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n := 0
	for s := range r.subs[k][channel] {
		deliver(s, k, "")
		n++
	}
	if k != Channel {
		return n
	}
	for pattern, set := range r.subs[Pattern] {
		if !match(pattern, channel) {
			continue
		}
		for s := range set {
			deliver(s, Pattern, pattern)
			n++
		}
	}
	return n
}

// Channels returns the channels (or shard channels) with at least one
// subscriber that keep accepts, in no particular order (PUBSUB CHANNELS).
func (r *Registry[T]) Channels(k Kind, keep func(name string) bool) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for name := range r.subs[k] {
		if keep(name) {
			out = append(out, name)
		}
	}
	return out
}

// NumSub returns how many clients subscribed to name (PUBSUB NUMSUB).
func (r *Registry[T]) NumSub(k Kind, name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.subs[k][name])
}

// Len returns how many distinct channels, patterns or shard channels have
// subscribers (PUBSUB NUMPAT, INFO's pubsub_channels).
func (r *Registry[T]) Len(k Kind) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.subs[k])
}
