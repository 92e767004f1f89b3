package command

import (
	"strconv"

	"github.com/shoal-cache/shoal/internal/pubsub"
)

// Pub/Sub: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE add the connection to the
// node's registry; PUBLISH and SPUBLISH find the receivers there and push
// each a message in its own protocol (Conn.Push queues it on the
// receiver's event loop). A message to the client running the command
// goes into its own reply stream instead, where Redis appends it: ahead
// of PUBLISH's reply, inside EXEC's array, ahead of a script's reply.
//
// A RESP2 connection with a subscription is in subscribed mode: only the
// (P|S)(UN)SUBSCRIBE commands, PING, QUIT and RESET run, and PING answers
// in a message's shape. RESP3 connections run anything while subscribed,
// their messages being out-of-band pushes.

// pubsubKind is one kind of subscription and its commands.
type pubsubKind struct {
	kind                   pubsub.Kind
	subscribe, unsubscribe string
	// countsWithOthers: channels and patterns are counted together.
	countsWithOthers bool
	// deniedNoBlock is the error for the command from a client that may
	// not block (inside EXEC), if any.
	deniedNoBlock string
}

var (
	channelKind = pubsubKind{kind: pubsub.Channel, subscribe: "subscribe", unsubscribe: "unsubscribe",
		countsWithOthers: true}
	patternKind = pubsubKind{kind: pubsub.Pattern, subscribe: "psubscribe", unsubscribe: "punsubscribe",
		countsWithOthers: true}
	// Redis refuses SSUBSCRIBE to a client that may not block, which
	// includes one running EXEC; SUBSCRIBE is let through there for
	// backward compatibility.
	shardKind = pubsubKind{kind: pubsub.Shard, subscribe: "ssubscribe", unsubscribe: "sunsubscribe",
		deniedNoBlock: "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"}
)

// subscriptionCount is the number a (un)subscribe confirmation reports:
// channels and patterns together, or shard channels alone.
func (c *Ctx) subscriptionCount(k pubsubKind) int {
	if k.countsWithOthers {
		return c.subs.Count(pubsub.Channel) + c.subs.Count(pubsub.Pattern)
	}
	return c.subs.Count(pubsub.Shard)
}

// SubscriptionCounts returns the connection's channel, pattern and shard
// channel subscriptions, for CLIENT LIST's sub, psub and ssub; safe from
// any goroutine.
func (c *Ctx) SubscriptionCounts() (channels, patterns, shards int) {
	return c.subs.Count(pubsub.Channel), c.subs.Count(pubsub.Pattern), c.subs.Count(pubsub.Shard)
}

// DropSubscriptions removes the connection's subscriptions. It is safe
// from any goroutine (the registry guards them), so a connection being
// killed leaves every channel at once.
func (c *Ctx) DropSubscriptions() { c.Node.PubSub.UnsubscribeAll(&c.subs) }

// subscribedRESP2 reports whether the connection is in RESP2's subscribed
// mode.
func (c *Ctx) subscribedRESP2() bool {
	return c.subs.Total() > 0 && c.Conn.Proto() == 2
}

// subscribedRefusal is Redis's error for a command that a RESP2
// connection may not run while subscribed, "" for one it may.
func (c *Ctx) subscribedRefusal(spec *Spec) string {
	if !c.subscribedRESP2() {
		return ""
	}
	switch spec.fullName {
	case "ping", "subscribe", "ssubscribe", "psubscribe", "unsubscribe", "sunsubscribe", "punsubscribe", "quit", "reset":
		return ""
	}
	return "ERR Can't execute '" + spec.fullName + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

// pingSubscribed is PING in RESP2's subscribed mode: a message-shaped
// ["pong", argument or ""].
func pingSubscribed(c *Ctx) {
	c.W.Array(2)
	c.W.BulkString("pong")
	if len(c.Args) == 2 {
		c.W.Bulk(c.Args[1])
	} else {
		c.W.BulkString("")
	}
}

func subscribe(c *Ctx)    { subscribeGeneric(c, channelKind) }
func psubscribe(c *Ctx)   { subscribeGeneric(c, patternKind) }
func ssubscribe(c *Ctx)   { subscribeGeneric(c, shardKind) }
func unsubscribe(c *Ctx)  { unsubscribeGeneric(c, channelKind) }
func punsubscribe(c *Ctx) { unsubscribeGeneric(c, patternKind) }
func sunsubscribe(c *Ctx) { unsubscribeGeneric(c, shardKind) }

// subscribeGeneric subscribes to every name given, confirming each, a name
// already subscribed to included.
func subscribeGeneric(c *Ctx, k pubsubKind) {
	if k.deniedNoBlock != "" && !c.CanBlock() {
		c.Error(k.deniedNoBlock)
		return
	}
	if c.subs.Owner == nil {
		c.subs.Owner = c.Conn
	}
	for _, name := range c.Args[1:] {
		c.Node.PubSub.Subscribe(&c.subs, k.kind, string(name))
		c.replySubscription(k.subscribe, name, c.subscriptionCount(k))
	}
}

// unsubscribeGeneric unsubscribes from the names given, or from all of
// the kind in the order they were subscribed to, confirming each; with
// nothing to unsubscribe from it confirms a null name.
func unsubscribeGeneric(c *Ctx, k pubsubKind) {
	var names []string
	if len(c.Args) == 1 {
		names = c.Node.PubSub.Names(&c.subs, k.kind)
		if len(names) == 0 {
			c.replySubscription(k.unsubscribe, nil, c.subscriptionCount(k))
			return
		}
	} else {
		for _, a := range c.Args[1:] {
			names = append(names, string(a))
		}
	}
	for _, name := range names {
		c.Node.PubSub.Unsubscribe(&c.subs, k.kind, name)
		c.replySubscription(k.unsubscribe, []byte(name), c.subscriptionCount(k))
	}
}

// replySubscription confirms a (un)subscription: [kind, name, count], a
// push in RESP3; a nil name is a null.
func (c *Ctx) replySubscription(kind string, name []byte, count int) {
	c.W.Push(3)
	c.W.BulkString(kind)
	if name == nil {
		c.W.Null()
	} else {
		c.W.Bulk(name)
	}
	c.W.Int(int64(count))
}

func publish(c *Ctx)  { publishGeneric(c, pubsub.Channel) }
func spublish(c *Ctx) { publishGeneric(c, pubsub.Shard) }

// publishGeneric delivers the message to every receiver and replies how
// many there were.
func publishGeneric(c *Ctx, k pubsub.Kind) {
	d := delivery{c: c, channel: c.Args[1], payload: c.Args[2]}
	n := c.Node.PubSub.Publish(k, string(c.Args[1]), matchChannel, d.deliver)
	c.W.Int(int64(n))
}

func matchChannel(pattern, channel string) bool {
	return matchGlob([]byte(pattern), []byte(channel), false)
}

// delivery is one message on its way to its receivers. Each receiver gets
// it in its own protocol; the encoding is made once per protocol and
// pattern, since the registry hands over a pattern's receivers together.
type delivery struct {
	c                *Ctx
	channel, payload []byte

	via     pubsub.Kind
	pattern string
	frames  [2][]byte // by protocol: RESP2, RESP3
}

func (d *delivery) deliver(s *pubsub.Subscriber[Conn], via pubsub.Kind, pattern string) {
	if d.c != nil && d.c.pushToSelf(s.Owner, via, pattern, d.channel, d.payload) {
		return
	}
	if via != d.via || pattern != d.pattern {
		d.via, d.pattern, d.frames = via, pattern, [2][]byte{}
	}
	proto := s.Owner.Proto()
	i := min(max(proto-2, 0), 1)
	if d.frames[i] == nil {
		d.frames[i] = encodeMessage(proto, via, pattern, d.channel, d.payload)
	}
	s.Owner.Push(d.frames[i])
}

// pushToSelf writes a message whose receiver, owner, is the client
// running the command into that client's reply stream, and reports
// whether it was. A script's commands write their replies for the
// script: a message to its caller waits in scriptPushes for the script's
// reply to follow it (writeScriptReply). A keyspace notification of a
// command that Redis replies to before notifying waits in heldPushes for
// the command's reply (Table.run).
func (c *Ctx) pushToSelf(owner Conn, via pubsub.Kind, pattern string, channel, payload []byte) bool {
	if sc, ok := c.Conn.(*scriptConn); ok {
		if owner != sc.Conn {
			return false
		}
		caller := sc.host.c
		caller.scriptPushes = appendMessage(caller.scriptPushes, owner.Proto(), via, pattern, channel, payload)
		return true
	}
	if owner != c.Conn {
		return false
	}
	if c.spec != nil && repliesBeforeNotifying[c.spec.Name] {
		c.heldPushes = appendMessage(c.heldPushes, owner.Proto(), via, pattern, channel, payload)
		return true
	}
	c.W.Push(messageLen(via))
	c.W.BulkString(messageKinds[via])
	if via == pubsub.Pattern {
		c.W.BulkString(pattern)
	}
	c.W.Bulk(channel)
	c.W.Bulk(payload)
	return true
}

var messageKinds = [...]string{pubsub.Channel: "message", pubsub.Pattern: "pmessage", pubsub.Shard: "smessage"}

func messageLen(via pubsub.Kind) int {
	if via == pubsub.Pattern {
		return 4
	}
	return 3
}

// encodeMessage is a message as its receiver reads it: an array in RESP2,
// a push in RESP3, of the kind, the pattern it matched (pmessage only),
// the channel and the payload. It is built here rather than by a
// resp.Writer because it goes to another connection.
func encodeMessage(proto int, via pubsub.Kind, pattern string, channel, payload []byte) []byte {
	size := 4 + 3*(16+2) + len(messageKinds[via]) + len(pattern) + len(channel) + len(payload)
	return appendMessage(make([]byte, 0, size), proto, via, pattern, channel, payload)
}

// appendMessage appends the message encodeMessage makes to b.
func appendMessage(b []byte, proto int, via pubsub.Kind, pattern string, channel, payload []byte) []byte {
	kind := messageKinds[via]
	if proto >= 3 {
		b = append(b, '>')
	} else {
		b = append(b, '*')
	}
	b = strconv.AppendInt(b, int64(messageLen(via)), 10)
	b = append(b, '\r', '\n')
	b = appendBulk(b, kind)
	if via == pubsub.Pattern {
		b = appendBulk(b, pattern)
	}
	b = appendBulk(b, channel)
	return appendBulk(b, payload)
}

func appendBulk[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// pubsubChannels lists the channels (or shard channels) with subscribers
// that match the optional pattern.
func pubsubChannels(c *Ctx, k pubsub.Kind) {
	if len(c.Args) > 3 {
		c.Errorf("ERR unknown subcommand or wrong number of arguments for '%s'. Try PUBSUB HELP.", truncate(c.Args[1], 128))
		return
	}
	keep := func(string) bool { return true }
	if len(c.Args) == 3 {
		pattern := c.Args[2]
		keep = func(name string) bool { return matchGlob(pattern, []byte(name), false) }
	}
	names := c.Node.PubSub.Channels(k, keep)
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// pubsubNumSub replies each channel named with its number of subscribers,
// as a flat array in both protocols.
func pubsubNumSub(c *Ctx, k pubsub.Kind) {
	names := c.Args[2:]
	c.W.Array(2 * len(names))
	for _, n := range names {
		c.W.Bulk(n)
		c.W.Int(int64(c.Node.PubSub.NumSub(k, string(n))))
	}
}

func pubsubNumPat(c *Ctx) { c.W.Int(int64(c.Node.PubSub.Len(pubsub.Pattern))) }

// pubsubHelp is Redis 7.0's text, word for word.
func pubsubHelp(c *Ctx) {
	replyHelp(c, "PUBSUB", []string{
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	})
}

func pubsubCommands() []*Spec {
	const sub = PubSub | NoScript | Loading | Stale
	const introspect = PubSub | Loading | Stale
	return []*Spec{
		{Name: "subscribe", Arity: -2, Flags: sub, Group: "pubsub", Summary: "Listen for messages published to the given channels", Since: "2.0.0", Handler: subscribe},
		{Name: "unsubscribe", Arity: -1, Flags: sub, Group: "pubsub", Summary: "Stop listening for messages posted to the given channels", Since: "2.0.0", Handler: unsubscribe},
		{Name: "psubscribe", Arity: -2, Flags: sub, Group: "pubsub", Summary: "Listen for messages published to channels matching the given patterns", Since: "2.0.0", Handler: psubscribe},
		{Name: "punsubscribe", Arity: -1, Flags: sub, Group: "pubsub", Summary: "Stop listening for messages posted to channels matching the given patterns", Since: "2.0.0", Handler: punsubscribe},
		{Name: "ssubscribe", Arity: -2, Flags: sub, FirstKey: 1, LastKey: -1, Step: 1, Group: "pubsub", Summary: "Listen for messages published to the given shard channels", Since: "7.0.0", Handler: ssubscribe},
		{Name: "sunsubscribe", Arity: -1, Flags: sub, FirstKey: 1, LastKey: -1, Step: 1, Group: "pubsub", Summary: "Stop listening for messages posted to the given shard channels", Since: "7.0.0", Handler: sunsubscribe},
		{Name: "publish", Arity: 3, Flags: PubSub | Loading | Stale | Fast | MayReplicate, Group: "pubsub", Summary: "Post a message to a channel", Since: "2.0.0", Handler: publish},
		{Name: "spublish", Arity: 3, Flags: PubSub | Loading | Stale | Fast | MayReplicate, FirstKey: 1, LastKey: 1, Step: 1, Group: "pubsub", Summary: "Post a message to a shard channel", Since: "7.0.0", Handler: spublish},
		{Name: "pubsub", Arity: -2, Group: "pubsub", Summary: "A container for Pub/Sub commands", Since: "2.8.0",
			Subcommands: []*Spec{
				{Name: "channels", Arity: -2, Flags: introspect, Summary: "List active channels", Since: "2.8.0",
					Handler: func(c *Ctx) { pubsubChannels(c, pubsub.Channel) }},
				{Name: "numsub", Arity: -2, Flags: introspect, Summary: "Get the count of subscribers for channels", Since: "2.8.0",
					Handler: func(c *Ctx) { pubsubNumSub(c, pubsub.Channel) }},
				{Name: "numpat", Arity: 2, Flags: introspect, Summary: "Get the count of unique patterns pattern subscriptions", Since: "2.8.0", Handler: pubsubNumPat},
				{Name: "shardchannels", Arity: -2, Flags: introspect, Summary: "List active shard channels", Since: "7.0.0",
					Handler: func(c *Ctx) { pubsubChannels(c, pubsub.Shard) }},
				{Name: "shardnumsub", Arity: -2, Flags: introspect, Summary: "Get the count of subscribers for shard channels", Since: "7.0.0",
					Handler: func(c *Ctx) { pubsubNumSub(c, pubsub.Shard) }},
				{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Handler: pubsubHelp},
			}},
	}
}
