package engine

import "sync/atomic"

// Key notices feed keyspace notifications: what happens to a key beside
// the command's own change, which only the engine sees. Expiry (lazy or
// active) and eviction delete keys by themselves; a write creates a key
// (Redis's "new" event comes from where its dict adds one); a read finds
// no key (Redis's "keymiss" counts where the keyspace_misses stat does).
// The hook hears only of the events asked for: with none asked for, which
// is the default, each place costs one atomic load.

// KeyEvent is what happened to a key.
type KeyEvent uint8

// The key events.
const (
	KeyExpired KeyEvent = iota // the engine deleted it, expired
	KeyEvicted                 // maxmemory's policy deleted it
	KeyNew                     // a write created it
	KeyMiss                    // a read counted a keyspace miss on it
)

// KeyHook is told of the key events asked for (SetKeyEvents), as they
// happen. It runs with the key's shard locked: it must be quick and must
// not lock shards.
type KeyHook func(ev KeyEvent, db int, key []byte)

type keyNotices struct {
	hook KeyHook
	want atomic.Uint32 // bit 1<<KeyEvent per event wanted
}

// SetKeyHook installs h (nil removes it). Set it before the engine serves
// commands: the hook is read without synchronisation.
func (e *Engine) SetKeyHook(h KeyHook) { e.notices.hook = h }

// SetKeyEvents sets the events the hook hears of, bit 1<<ev for each.
func (e *Engine) SetKeyEvents(mask uint32) { e.notices.want.Store(mask) }

// notice tells the hook of ev on key in database db, if it asked for it.
func (n *keyNotices) notice(ev KeyEvent, db int, key []byte) {
	if n.want.Load()&(1<<ev) != 0 && n.hook != nil {
		n.hook(ev, db, key)
	}
}
