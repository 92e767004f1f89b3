package command

import (
	"strconv"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/pubsub"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// Keyspace notifications (notify-keyspace-events): a command that changed
// a key publishes what it did, as Redis 7.0 does, on two channels: the
// event name to __keyspace@<db>__:<key> and the key to
// __keyevent@<db>__:<event>, in that order. Handlers call c.notify after
// the change, with the event's class; what only the engine sees (a key
// expired, evicted, created, or missed by a read) comes through the
// engine's key hook (KeyNotice). Messages reach subscribers as PUBLISH's
// do, each in its own protocol; the client whose command caused one, if
// it subscribed, gets it in its reply stream where Redis puts it (before
// the reply of a command that notifies before replying). Those from the
// engine's hook know no client: that client gets them pushed after the
// replies of the batch it sent.
//
// Notifications are off by default: then c.notify costs two atomic loads
// (the hot configuration and its flags), and the engine's hook is not
// called at all.

// The classes of events, as notify-keyspace-events names them.
const (
	notifyGeneric  = config.NotifyGeneric
	notifyString   = config.NotifyString
	notifyList     = config.NotifyList
	notifySet      = config.NotifySet
	notifyHash     = config.NotifyHash
	notifyZset     = config.NotifyZset
	notifyChannels = config.NotifyKeyspace | config.NotifyKeyevent
)

// notify publishes event, of the given class, on key of the connection's
// database, if notify-keyspace-events asks for it.
func (c *Ctx) notify(class int64, event string, key []byte) {
	if flags := c.Node.hot().notify.Int(); flags&class != 0 && flags&notifyChannels != 0 {
		c.Node.publishKeyEvent(c, flags, event, key, c.Conn.DB())
	}
}

// notifyIn is notify for a key of database db (MOVE's destination).
func (c *Ctx) notifyIn(db int, class int64, event string, key []byte) {
	if flags := c.Node.hot().notify.Int(); flags&class != 0 && flags&notifyChannels != 0 {
		c.Node.publishKeyEvent(c, flags, event, key, db)
	}
}

// notifyDel publishes "del" on key, for a key deleted, whether by DEL or
// by a command that emptied it.
func (c *Ctx) notifyDel(key []byte) { c.notify(notifyGeneric, "del", key) }

// notifyLeft publishes event, then "del" if the command left the
// aggregate at key with no element (left 0), which deletes it.
func (c *Ctx) notifyLeft(class int64, event string, key []byte, left int) {
	c.notify(class, event, key)
	if left == 0 {
		c.notifyDel(key)
	}
}

// notifyReplaced publishes "new" for key if it exists in v: a command
// about to replace it the way Redis does, by deleting it and adding the
// new value (RENAME, COPY REPLACE, RESTORE REPLACE), creates it again,
// where the engine sees an overwrite.
func (c *Ctx) notifyReplaced(v engine.View, key []byte) {
	if flags := c.Node.hot().notify.Int(); flags&config.NotifyNew != 0 && flags&notifyChannels != 0 && v.Peek(key) != nil {
		c.Node.publishKeyEvent(c, flags, "new", key, v.DB().Index())
	}
}

// repliesBeforeNotifying are the commands whose handlers in Redis 7.0
// write the reply before they notify, so that a client subscribed to
// their events (RESP3) reads the reply first; the others notify first.
// Where Redis's order depends on the path taken, the common path's is
// kept (SINTERSTORE of a missing key notifies "del" first in Redis).
var repliesBeforeNotifying = map[string]bool{
	"lpush": true, "rpush": true, "lpushx": true, "rpushx": true, "lset": true,
	"hset": true, "hsetnx": true, "hmset": true, "hincrby": true, "hincrbyfloat": true,
	"sinterstore": true, "sunionstore": true, "sdiffstore": true,
	"zadd": true, "zincrby": true, "zunionstore": true, "zinterstore": true, "zdiffstore": true, "zrangestore": true,
}

// keyEventNames are the engine's key events as Redis names them, with
// their classes.
var keyEventNames = [...]struct {
	name  string
	class int64
}{
	engine.KeyExpired: {"expired", config.NotifyExpired},
	engine.KeyEvicted: {"evicted", config.NotifyEvicted},
	engine.KeyNew:     {"new", config.NotifyNew},
	engine.KeyMiss:    {"keymiss", config.NotifyKeyMiss},
}

// KeyNotice publishes a key event of the engine (its key hook). It runs
// under the key's shard lock: publishing only queues messages.
func (n *Node) KeyNotice(ev engine.KeyEvent, db int, key []byte) {
	e := keyEventNames[ev]
	if flags := n.hot().notify.Int(); flags&e.class != 0 {
		n.publishKeyEvent(nil, flags, e.name, key, db)
	}
}

// WatchKeyspaceEvents makes the engine tell KeyNotice of the events that
// notify-keyspace-events asks for, now and after every CONFIG SET.
func (n *Node) WatchKeyspaceEvents() {
	apply := func() {
		flags := n.hot().notify.Int()
		var mask uint32
		if flags&notifyChannels != 0 {
			for ev, e := range keyEventNames {
				if flags&e.class != 0 {
					mask |= 1 << ev
				}
			}
		}
		n.Engine.SetKeyEvents(mask)
	}
	n.Engine.SetKeyHook(n.KeyNotice)
	apply()
	n.Config.Watch(apply)
}

// publishKeyEvent publishes event on key of database db to the channels
// flags ask for: keyspace first, then keyevent, as Redis orders them. by
// is the command that caused it, nil for the engine's own events.
func (n *Node) publishKeyEvent(by *Ctx, flags int64, event string, key []byte, db int) {
	var buf [128]byte
	if flags&config.NotifyKeyspace != 0 {
		ch := append(strconv.AppendInt(append(buf[:0], "__keyspace@"...), int64(db), 10), "__:"...)
		n.publishEvent(by, append(ch, key...), []byte(event))
	}
	if flags&config.NotifyKeyevent != 0 {
		ch := append(strconv.AppendInt(append(buf[:0], "__keyevent@"...), int64(db), 10), "__:"...)
		n.publishEvent(by, append(ch, event...), key)
	}
}

// publishEvent publishes payload on channel as PUBLISH run by by would.
func (n *Node) publishEvent(by *Ctx, channel, payload []byte) {
	d := delivery{c: by, channel: channel, payload: payload}
	n.PubSub.Publish(pubsub.Channel, string(channel), matchChannel, d.deliver)
}

// replyMoved replies with the element LMOVE moved and publishes its
// events where Redis's lmoveHandlePush puts them: the push on the
// destination before the reply; the pop from the source, then "del" if
// the source is left empty (left elements), after it.
func (c *Ctx) replyMoved(src, dst []byte, fromHead, toHead bool, left int, elem []byte) {
	c.notify(notifyList, pushEvent(toHead), dst)
	c.W.Bulk(elem)
	c.notifyLeft(notifyList, popEvent(fromHead), src, left)
}

func pushEvent(head bool) string {
	if head {
		return "lpush"
	}
	return "rpush"
}

func popEvent(head bool) string {
	if head {
		return "lpop"
	}
	return "rpop"
}

func zaddEvent(flags zset.AddFlags) string {
	if flags&zset.Incr != 0 {
		return "zincr"
	}
	return "zadd"
}

func zpopEvent(max bool) string {
	if max {
		return "zpopmax"
	}
	return "zpopmin"
}
