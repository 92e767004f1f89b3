package engine

import (
	"sync"
	"sync/atomic"
)

// WATCH: a client watches keys, and any change to one of them (a write, a
// delete, an expiry, an eviction, a flush) marks it dirty, so that its
// EXEC fails. The engine calls touch from every path that changes a key,
// under the key's shard lock; with nothing watched that costs one atomic
// load.

// Watcher is one client's WATCH state.
type Watcher struct {
	dirty atomic.Bool
	keys  []watchKey // under the registry's lock
}

type watchKey struct {
	db  int
	key string
}

// Dirty reports whether a watched key changed since it was watched.
func (w *Watcher) Dirty() bool { return w.dirty.Load() }

// Watching reports whether the client watches any key.
func (w *Watcher) Watching() bool { return len(w.keys) > 0 }

type watchRegistry struct {
	mu    sync.Mutex
	count atomic.Int64 // watched keys, over every client
	keys  map[watchKey][]*Watcher
}

// Watch adds key of database db to w's watched keys.
func (e *Engine) Watch(w *Watcher, db int, key []byte) {
	r := &e.watch
	r.mu.Lock()
	defer r.mu.Unlock()
	k := watchKey{db, string(key)}
	for _, have := range w.keys {
		if have == k {
			return
		}
	}
	if r.keys == nil {
		r.keys = map[watchKey][]*Watcher{}
	}
	r.keys[k] = append(r.keys[k], w)
	w.keys = append(w.keys, k)
	r.count.Add(1)
}

// Unwatch forgets every key w watches and clears its dirty mark (UNWATCH,
// EXEC, DISCARD, and a client that goes away).
func (e *Engine) Unwatch(w *Watcher) {
	r := &e.watch
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range w.keys {
		ws := r.keys[k]
		for i, other := range ws {
			if other == w {
				ws[i] = ws[len(ws)-1]
				ws = ws[:len(ws)-1]
				break
			}
		}
		if len(ws) == 0 {
			delete(r.keys, k)
		} else {
			r.keys[k] = ws
		}
		r.count.Add(-1)
	}
	w.keys = w.keys[:0]
	w.dirty.Store(false)
}

// WatchedKeys returns the keys w watches, as database and name.
func (e *Engine) WatchedKeys(w *Watcher) (dbs []int, keys []string) {
	e.watch.mu.Lock()
	defer e.watch.mu.Unlock()
	for _, k := range w.keys {
		dbs, keys = append(dbs, k.db), append(keys, k.key)
	}
	return dbs, keys
}

// touch marks the watchers of key in database db dirty.
func (r *watchRegistry) touch(db int, key []byte) {
	if r.count.Load() == 0 {
		return
	}
	r.mu.Lock()
	for _, w := range r.keys[watchKey{db, string(key)}] {
		w.dirty.Store(true)
	}
	r.mu.Unlock()
}

// touchWhere marks dirty the watchers of the keys of database db for
// which exists reports true (FLUSHDB and SWAPDB change only keys that
// were there).
func (r *watchRegistry) touchWhere(db int, exists func(key []byte) bool) {
	if r.count.Load() == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, ws := range r.keys {
		if k.db != db || !exists([]byte(k.key)) {
			continue
		}
		for _, w := range ws {
			w.dirty.Store(true)
		}
	}
}
