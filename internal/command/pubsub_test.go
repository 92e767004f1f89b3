package command_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// pubsubStep is one command on one of several raw connections: want is
// everything that connection receives for it, and others what other
// connections receive (messages), byte for byte. An empty want is set-up:
// one reply is read and not checked.
type pubsubStep struct {
	conn   int
	cmd    []string
	want   string
	others map[int]string
}

// runPubSubSteps plays steps over raw connections to s and checks every
// byte each connection receives, and that nothing else arrives.
func runPubSubSteps(t *testing.T, s *testserver.Server, steps []pubsubStep) {
	t.Helper()
	conns := map[int]*testserver.Raw{}
	raw := func(i int) *testserver.Raw {
		if conns[i] == nil {
			conns[i] = s.Raw(t)
		}
		return conns[i]
	}
	for _, st := range steps {
		r := raw(st.conn)
		if st.want == "" { // set-up: any one reply
			r.Do(st.cmd...)
			continue
		}
		r.Send(encodeCommand(st.cmd))
		if got := readExactly(t, r, len(st.want)); got != st.want {
			t.Fatalf("[%d] %q:\n got %q\nwant %q", st.conn, st.cmd, got, st.want)
		}
		for i, want := range st.others {
			if got := readExactly(t, raw(i), len(want)); got != want {
				t.Fatalf("[%d] after [%d] %q:\n got %q\nwant %q", i, st.conn, st.cmd, got, want)
			}
		}
	}
	for i, r := range conns {
		expectSilence(t, i, r)
	}
}

func encodeCommand(args []string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

// readExactly reads n bytes, failing the test if they do not come within
// 5 s.
func readExactly(t *testing.T, r *testserver.Raw, n int) string {
	t.Helper()
	r.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, n)
	if got, err := io.ReadFull(r.R, buf); err != nil {
		t.Fatalf("read: %v (got %q)", err, buf[:got])
	}
	return string(buf)
}

// expectSilence checks that nothing more arrives on r.
func expectSilence(t *testing.T, i int, r *testserver.Raw) {
	t.Helper()
	r.Conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if b, err := r.R.ReadByte(); err == nil {
		rest, _ := r.R.Peek(r.R.Buffered())
		t.Errorf("[%d] unexpected bytes %q", i, string(b)+string(rest))
	}
}

// Message and confirmation shapes, as redis-server 7.0 sends them.
func confirm(kind, name string, n int) string {
	return "*3\r\n" + bulk(kind) + bulk(name) + ":" + strconv.Itoa(n) + "\r\n"
}

func confirm3(kind, name string, n int) string { return ">" + confirm(kind, name, n)[1:] }

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

const errSubscribed = "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"

// TestPubSubRESP2Replies checks RESP2's confirmations, messages and
// subscribed mode against what redis-server 7.0 sends, byte for byte.
func TestPubSubRESP2Replies(t *testing.T) {
	s := testserver.Start(t)
	runPubSubSteps(t, s, []pubsubStep{
		// A repeated channel is confirmed again, with an unchanged count.
		{conn: 1, cmd: []string{"SUBSCRIBE", "a", "b", "a"}, want: confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2) + confirm("subscribe", "a", 2)},
		{conn: 1, cmd: []string{"GET", "x"}, want: "-ERR Can't execute 'get': " + errSubscribed},
		{conn: 1, cmd: []string{"CLIENT", "LIST"}, want: "-ERR Can't execute 'client|list': " + errSubscribed},
		{conn: 1, cmd: []string{"HELLO", "3"}, want: "-ERR Can't execute 'hello': " + errSubscribed},
		{conn: 1, cmd: []string{"MULTI"}, want: "-ERR Can't execute 'multi': " + errSubscribed},
		{conn: 1, cmd: []string{"PING"}, want: "*2\r\n$4\r\npong\r\n$0\r\n\r\n"},
		{conn: 1, cmd: []string{"PING", "hi"}, want: "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"},
		{conn: 1, cmd: []string{"PING", "a", "b"}, want: "-ERR wrong number of arguments for 'ping' command\r\n"},
		// Channels and patterns count together.
		{conn: 1, cmd: []string{"PSUBSCRIBE", "p*", "a?"}, want: confirm("psubscribe", "p*", 3) + confirm("psubscribe", "a?", 4)},
		{conn: 2, cmd: []string{"PUBLISH", "a", "hello"}, want: ":1\r\n",
			others: map[int]string{1: "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n"}},
		{conn: 2, cmd: []string{"PUBLISH", "ab", "m"}, want: ":1\r\n",
			others: map[int]string{1: "*4\r\n$8\r\npmessage\r\n$2\r\na?\r\n$2\r\nab\r\n$1\r\nm\r\n"}},
		{conn: 2, cmd: []string{"PUBLISH", "nobody", "m"}, want: ":0\r\n"},
		{conn: 1, cmd: []string{"UNSUBSCRIBE", "b", "a"}, want: confirm("unsubscribe", "b", 3) + confirm("unsubscribe", "a", 2)},
		// Nothing left to unsubscribe from: a null channel.
		{conn: 1, cmd: []string{"UNSUBSCRIBE"}, want: "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:2\r\n"},
		// Patterns go in the order they were subscribed to, as Redis
		// 7.0's list of them.
		{conn: 1, cmd: []string{"PUNSUBSCRIBE"}, want: confirm("punsubscribe", "p*", 1) + confirm("punsubscribe", "a?", 0)},
		{conn: 1, cmd: []string{"PUNSUBSCRIBE"}, want: "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n"},
		{conn: 1, cmd: []string{"GET", "x"}, want: "$-1\r\n"},
		// Shard channels count apart.
		{conn: 1, cmd: []string{"SUBSCRIBE", "a"}, want: confirm("subscribe", "a", 1)},
		{conn: 1, cmd: []string{"SSUBSCRIBE", "s1", "s2"}, want: confirm("ssubscribe", "s1", 1) + confirm("ssubscribe", "s2", 2)},
		{conn: 2, cmd: []string{"SPUBLISH", "s1", "hey"}, want: ":1\r\n",
			others: map[int]string{1: "*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$3\r\nhey\r\n"}},
		// PUBLISH does not reach shard channels, nor SPUBLISH channels.
		{conn: 2, cmd: []string{"PUBLISH", "s1", "x"}, want: ":0\r\n"},
		{conn: 2, cmd: []string{"SPUBLISH", "a", "x"}, want: ":0\r\n"},
		{conn: 1, cmd: []string{"SUNSUBSCRIBE"}, want: confirm("sunsubscribe", "s1", 1) + confirm("sunsubscribe", "s2", 0)},
		{conn: 1, cmd: []string{"UNSUBSCRIBE", "x"}, want: confirm("unsubscribe", "x", 1)},
		{conn: 1, cmd: []string{"GET", "x"}, want: "-ERR Can't execute 'get': " + errSubscribed},
		{conn: 1, cmd: []string{"SUNSUBSCRIBE"}, want: "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n"},
		{conn: 1, cmd: []string{"UNSUBSCRIBE"}, want: confirm("unsubscribe", "a", 0)},
		// A shard subscription alone is subscribed mode too.
		{conn: 1, cmd: []string{"SSUBSCRIBE", "x"}, want: confirm("ssubscribe", "x", 1)},
		{conn: 1, cmd: []string{"GET", "x"}, want: "-ERR Can't execute 'get': " + errSubscribed},
		{conn: 1, cmd: []string{"RESET"}, want: "+RESET\r\n"},
		{conn: 1, cmd: []string{"GET", "x"}, want: "$-1\r\n"},
		{conn: 2, cmd: []string{"SPUBLISH", "x", "gone"}, want: ":0\r\n"},
		// An empty pattern matches the empty channel only.
		{conn: 3, cmd: []string{"PSUBSCRIBE", ""}, want: confirm("psubscribe", "", 1)},
		{conn: 2, cmd: []string{"PUBLISH", "", "x"}, want: ":1\r\n",
			others: map[int]string{3: "*4\r\n$8\r\npmessage\r\n$0\r\n\r\n$0\r\n\r\n$1\r\nx\r\n"}},
		{conn: 2, cmd: []string{"PUBLISH", "a", "x"}, want: ":0\r\n"},
		{conn: 3, cmd: []string{"QUIT"}, want: "+OK\r\n"},
		{conn: 4, cmd: []string{"UNSUBSCRIBE", "never"}, want: confirm("unsubscribe", "never", 0)},
		{conn: 4, cmd: []string{"SUBSCRIBE"}, want: "-ERR wrong number of arguments for 'subscribe' command\r\n"},
		{conn: 4, cmd: []string{"PUBLISH", "a"}, want: "-ERR wrong number of arguments for 'publish' command\r\n"},
	})
}

// TestPubSubRESP3Replies checks RESP3's pushes: confirmations and
// messages are pushes, any command runs while subscribed, and a message to
// the publishing connection itself comes before PUBLISH's reply.
func TestPubSubRESP3Replies(t *testing.T) {
	s := testserver.Start(t)
	runPubSubSteps(t, s, []pubsubStep{
		{conn: 1, cmd: []string{"HELLO", "3"}},
		{conn: 1, cmd: []string{"SUBSCRIBE", "a"}, want: confirm3("subscribe", "a", 1)},
		{conn: 1, cmd: []string{"GET", "x"}, want: "_\r\n"},
		{conn: 1, cmd: []string{"PING"}, want: "+PONG\r\n"},
		{conn: 1, cmd: []string{"PUBLISH", "a", "self"}, want: ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$4\r\nself\r\n:1\r\n"},
		{conn: 1, cmd: []string{"PSUBSCRIBE", "*"}, want: confirm3("psubscribe", "*", 2)},
		{conn: 1, cmd: []string{"PUBLISH", "a", "self2"}, want: ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nself2\r\n" +
			">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$5\r\nself2\r\n:2\r\n"},
		// A RESP2 publisher, a RESP3 subscriber: each gets its own shape.
		{conn: 2, cmd: []string{"PUBLISH", "b", "other"}, want: ":1\r\n",
			others: map[int]string{1: ">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\nb\r\n$5\r\nother\r\n"}},
		{conn: 3, cmd: []string{"SUBSCRIBE", "a"}, want: confirm("subscribe", "a", 1)},
		{conn: 2, cmd: []string{"PUBLISH", "a", "both"}, want: ":3\r\n", others: map[int]string{
			1: ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$4\r\nboth\r\n>4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$4\r\nboth\r\n",
			3: "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$4\r\nboth\r\n"}},
		{conn: 1, cmd: []string{"UNSUBSCRIBE"}, want: confirm3("unsubscribe", "a", 1)},
		{conn: 1, cmd: []string{"PUNSUBSCRIBE"}, want: confirm3("punsubscribe", "*", 0)},
		{conn: 1, cmd: []string{"UNSUBSCRIBE"}, want: ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n"},
		{conn: 1, cmd: []string{"SSUBSCRIBE", "s"}, want: confirm3("ssubscribe", "s", 1)},
		{conn: 1, cmd: []string{"SPUBLISH", "s", "me"}, want: ">3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$2\r\nme\r\n:1\r\n"},
		{conn: 1, cmd: []string{"SUNSUBSCRIBE"}, want: confirm3("sunsubscribe", "s", 0)},
		{conn: 1, cmd: []string{"SUNSUBSCRIBE"}, want: ">3\r\n$12\r\nsunsubscribe\r\n_\r\n:0\r\n"},
		// Switching to RESP2 while subscribed enters subscribed mode.
		{conn: 1, cmd: []string{"SUBSCRIBE", "a"}, want: confirm3("subscribe", "a", 1)},
		{conn: 1, cmd: []string{"HELLO", "2"}},
		{conn: 1, cmd: []string{"GET", "x"}, want: "-ERR Can't execute 'get': " + errSubscribed},
	})
}

// TestPubSubInTransaction: SUBSCRIBE inside EXEC confirms within EXEC's
// reply and enters subscribed mode at once; SSUBSCRIBE is refused there,
// as Redis refuses it to a client that may not block.
func TestPubSubInTransaction(t *testing.T) {
	s := testserver.Start(t)
	runPubSubSteps(t, s, []pubsubStep{
		{conn: 1, cmd: []string{"MULTI"}, want: "+OK\r\n"},
		{conn: 1, cmd: []string{"SUBSCRIBE", "a"}, want: "+QUEUED\r\n"},
		{conn: 1, cmd: []string{"SSUBSCRIBE", "b"}, want: "+QUEUED\r\n"},
		{conn: 1, cmd: []string{"PING"}, want: "+QUEUED\r\n"},
		{conn: 1, cmd: []string{"EXEC"}, want: "*3\r\n" + confirm("subscribe", "a", 1) +
			"-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n"},
		{conn: 1, cmd: []string{"PING"}, want: "*2\r\n$4\r\npong\r\n$0\r\n\r\n"},
		{conn: 2, cmd: []string{"PUBSUB", "SHARDNUMSUB", "b"}, want: "*2\r\n$1\r\nb\r\n:0\r\n"},
	})
}

// TestPubSubIntrospection checks PUBSUB's subcommands and their errors.
func TestPubSubIntrospection(t *testing.T) {
	s := testserver.Start(t)
	sub := s.Raw(t)
	sub.Send(encodeCommand([]string{"SUBSCRIBE", "a"}))
	sub.Send(encodeCommand([]string{"PSUBSCRIBE", "a*", "b*"}))
	sub.Send(encodeCommand([]string{"SSUBSCRIBE", "s"}))
	readExactly(t, sub, len(confirm("subscribe", "a", 1)+confirm("psubscribe", "a*", 2)+confirm("psubscribe", "b*", 3)+confirm("ssubscribe", "s", 1)))
	other := s.Raw(t)
	other.Send(encodeCommand([]string{"PSUBSCRIBE", "a*"}))
	readExactly(t, other, len(confirm("psubscribe", "a*", 1)))
	r := s.Raw(t)
	tests := []struct {
		cmd  []string
		want string
	}{
		{[]string{"PUBSUB", "NUMSUB", "a", "b", "a"}, "*6\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:0\r\n$1\r\na\r\n:1\r\n"},
		{[]string{"PUBSUB", "NUMSUB"}, "*0\r\n"},
		// Patterns are counted once however many clients use them.
		{[]string{"PUBSUB", "NUMPAT"}, ":2\r\n"},
		{[]string{"PUBSUB", "CHANNELS"}, "*1\r\n$1\r\na\r\n"},
		{[]string{"PUBSUB", "CHANNELS", "a*"}, "*1\r\n$1\r\na\r\n"},
		{[]string{"PUBSUB", "CHANNELS", "b*"}, "*0\r\n"},
		{[]string{"PUBSUB", "SHARDCHANNELS"}, "*1\r\n$1\r\ns\r\n"},
		{[]string{"PUBSUB", "SHARDCHANNELS", "x"}, "*0\r\n"},
		{[]string{"PUBSUB", "SHARDNUMSUB", "s", "a"}, "*4\r\n$1\r\ns\r\n:1\r\n$1\r\na\r\n:0\r\n"},
		{[]string{"PUBSUB", "SHARDNUMSUB"}, "*0\r\n"},
		{[]string{"PUBSUB"}, "-ERR wrong number of arguments for 'pubsub' command\r\n"},
		{[]string{"PUBSUB", "foo"}, "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n"},
		{[]string{"PUBSUB", "CHANNELS", "a", "b"}, "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n"},
		{[]string{"PUBSUB", "shardchannels", "a", "b"}, "-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.\r\n"},
		{[]string{"PUBSUB", "NUMPAT", "x"}, "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"},
		{[]string{"PUBSUB", "HELP", "x"}, "-ERR wrong number of arguments for 'pubsub|help' command\r\n"},
		{[]string{"PUBSUB", "HELP"}, "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n" +
			"+    Return the currently active channels matching a <pattern> (default: '*').\r\n+NUMPAT\r\n" +
			"+    Return number of subscriptions to patterns.\r\n+NUMSUB [<channel> ...]\r\n" +
			"+    Return the number of subscribers for the specified channels, excluding\r\n" +
			"+    pattern subscriptions(default: no channels).\r\n+SHARDCHANNELS [<pattern>]\r\n" +
			"+    Return the currently active shard level channels matching a <pattern> (default: '*').\r\n" +
			"+SHARDNUMSUB [<shardchannel> ...]\r\n" +
			"+    Return the number of subscribers for the specified shard level channel(s)\r\n+HELP\r\n+    Prints this help.\r\n"},
		{[]string{"COMMAND", "GETKEYS", "SPUBLISH", "ch", "msg"}, "-ERR The command has no key arguments\r\n"},
		{[]string{"COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"}, "-ERR The command has no key arguments\r\n"},
	}
	for _, tt := range tests {
		if got := r.Do(tt.cmd...); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.cmd, got, tt.want)
		}
	}
	// RESP3 sees the same flat arrays.
	r.Do("HELLO", "3")
	if got, want := r.Do("PUBSUB", "NUMSUB", "a"), "*2\r\n$1\r\na\r\n:1\r\n"; got != want {
		t.Errorf("RESP3 PUBSUB NUMSUB: %q, want %q", got, want)
	}
}

// TestPubSubGoRedis drives subscriptions the way applications do, with
// go-redis's PubSub, in RESP2 and RESP3.
func TestPubSubGoRedis(t *testing.T) {
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			s := testserver.Start(t)
			pub := s.ClientProto(t, proto)
			sub := s.ClientProto(t, proto)
			ps := sub.Subscribe(ctx, "news")
			defer ps.Close()
			if err := ps.PSubscribe(ctx, "n*"); err != nil {
				t.Fatal(err)
			}
			if err := ps.SSubscribe(ctx, "shard"); err != nil {
				t.Fatal(err)
			}
			wantNext(t, ps, &redis.Subscription{Kind: "subscribe", Channel: "news", Count: 1})
			wantNext(t, ps, &redis.Subscription{Kind: "psubscribe", Channel: "n*", Count: 2})
			wantNext(t, ps, &redis.Subscription{Kind: "ssubscribe", Channel: "shard", Count: 1})
			if n := pub.Publish(ctx, "news", "hello").Val(); n != 2 {
				t.Errorf("PUBLISH news = %d, want 2 (channel and pattern)", n)
			}
			// The channel's subscribers first, then the patterns', as
			// Redis delivers them.
			wantNext(t, ps, &redis.Message{Channel: "news", Payload: "hello"})
			wantNext(t, ps, &redis.Message{Channel: "news", Pattern: "n*", Payload: "hello"})
			if n := pub.SPublish(ctx, "shard", "s1").Val(); n != 1 {
				t.Errorf("SPUBLISH = %d, want 1", n)
			}
			wantNext(t, ps, &redis.Message{Channel: "shard", Payload: "s1"})
			if err := ps.Ping(ctx, "hi"); err != nil {
				t.Fatal(err)
			}
			// RESP2 answers ["pong", "hi"], RESP3 the plain "hi".
			wantNext(t, ps, &redis.Pong{Payload: "hi"})
			if err := ps.Unsubscribe(ctx, "news"); err != nil {
				t.Fatal(err)
			}
			wantNext(t, ps, &redis.Subscription{Kind: "unsubscribe", Channel: "news", Count: 1})
			if got := pub.PubSubNumSub(ctx, "news").Val(); got["news"] != 0 {
				t.Errorf("NUMSUB news after UNSUBSCRIBE = %d", got["news"])
			}
			if got := pub.PubSubNumPat(ctx).Val(); got != 1 {
				t.Errorf("NUMPAT = %d, want 1", got)
			}
			if got := pub.PubSubShardChannels(ctx, "*").Val(); len(got) != 1 || got[0] != "shard" {
				t.Errorf("SHARDCHANNELS = %q", got)
			}
		})
	}
}

func wantNext(t *testing.T, ps *redis.PubSub, want any) {
	t.Helper()
	got, err := ps.ReceiveTimeout(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatalf("receive: %v (want %v)", err, want)
	}
	if !equalPubSub(got, want) {
		t.Fatalf("received %#v, want %#v", got, want)
	}
}

func equalPubSub(got, want any) bool {
	switch w := want.(type) {
	case *redis.Subscription:
		g, ok := got.(*redis.Subscription)
		return ok && *g == *w
	case *redis.Message:
		g, ok := got.(*redis.Message)
		return ok && g.Channel == w.Channel && g.Pattern == w.Pattern && g.Payload == w.Payload
	case *redis.Pong:
		g, ok := got.(*redis.Pong)
		return ok && *g == *w
	}
	return false
}

// TestPubSubClientListAndInfo checks CLIENT LIST's sub, psub, ssub and P
// flag, the pubsub client type (whatever the protocol, as in Redis 7.0),
// and INFO's counters.
func TestPubSubClientListAndInfo(t *testing.T) {
	ctx := context.Background()
	s := testserver.Start(t)
	sub := s.Raw(t)
	sub.Do("HELLO", "3")
	sub.Send(encodeCommand([]string{"SUBSCRIBE", "a", "b"}))
	sub.Send(encodeCommand([]string{"PSUBSCRIBE", "p*"}))
	sub.Send(encodeCommand([]string{"SSUBSCRIBE", "s"}))
	readExactly(t, sub, len(confirm3("subscribe", "a", 1)+confirm3("subscribe", "b", 2)+confirm3("psubscribe", "p*", 3)+confirm3("ssubscribe", "s", 1)))
	line := sub.Do("CLIENT", "INFO")
	for _, field := range []string{" flags=P ", " sub=2 ", " psub=1 ", " ssub=1 "} {
		if !strings.Contains(line, field) {
			t.Errorf("CLIENT INFO lacks %q: %s", field, line)
		}
	}
	rdb := s.Client(t)
	if list := rdb.ClientList(ctx).Val(); strings.Count(list, "flags=P") != 1 {
		t.Errorf("CLIENT LIST should show one subscriber:\n%s", list)
	}
	if list := rdb.Do(ctx, "CLIENT", "LIST", "TYPE", "pubsub").String(); !strings.Contains(list, "sub=2 psub=1 ssub=1") {
		t.Errorf("CLIENT LIST TYPE pubsub misses the RESP3 subscriber: %s", list)
	}
	info := rdb.Info(ctx, "stats").Val()
	for _, field := range []string{"pubsub_channels:2\r\n", "pubsub_patterns:1\r\n", "pubsubshard_channels:1\r\n"} {
		if !strings.Contains(info, field) {
			t.Errorf("INFO stats lacks %q", field)
		}
	}
	sub.Do("RESET")
	if line := rdb.ClientList(ctx).Val(); strings.Contains(line, "flags=P") || !strings.Contains(line, "sub=0 psub=0 ssub=0") {
		t.Errorf("after RESET:\n%s", line)
	}
	info = rdb.Info(ctx, "stats").Val()
	for _, field := range []string{"pubsub_channels:0\r\n", "pubsub_patterns:0\r\n", "pubsubshard_channels:0\r\n"} {
		if !strings.Contains(info, field) {
			t.Errorf("after RESET, INFO stats lacks %q", field)
		}
	}
}

// TestPubSubDisconnectLeavesNothing: a subscriber that goes away is gone
// from every channel, pattern and shard channel.
func TestPubSubDisconnectLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := testserver.Start(t)
	rdb := s.Client(t)
	for _, proto := range []int{2, 3} {
		sub := s.Raw(t)
		sub.Do("HELLO", strconv.Itoa(proto))
		sub.Send(encodeCommand([]string{"SUBSCRIBE", "a"}))
		sub.Send(encodeCommand([]string{"PSUBSCRIBE", "p*"}))
		sub.Send(encodeCommand([]string{"SSUBSCRIBE", "s"}))
		sub.Send(encodeCommand([]string{"PING"}))
		sub.ReadReply()
		sub.ReadReply()
		sub.ReadReply()
		sub.ReadReply()
		if n := rdb.PubSubNumSub(ctx, "a").Val()["a"]; n != 1 {
			t.Fatalf("NUMSUB a = %d before the disconnect", n)
		}
		sub.Conn.Close()
		waitFor(t, "the subscriber's channels to go", func() bool {
			return rdb.PubSubNumSub(ctx, "a").Val()["a"] == 0 && rdb.PubSubNumPat(ctx).Val() == 0 &&
				rdb.PubSubShardNumSub(ctx, "s").Val()["s"] == 0
		})
		if n := rdb.Publish(ctx, "a", "x").Val(); n != 0 {
			t.Errorf("PUBLISH after the disconnect reached %d", n)
		}
		if got := rdb.PubSubChannels(ctx, "*").Val(); len(got) != 0 {
			t.Errorf("PUBSUB CHANNELS after the disconnect = %q", got)
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPubSubSlowSubscriberIsDisconnected: a subscriber that never reads
// is closed once its pending output passes client-output-buffer-limit
// pubsub, while the publisher and a subscriber that reads carry on, the
// latter receiving every message.
func TestPubSubSlowSubscriberIsDisconnected(t *testing.T) {
	ctx := context.Background()
	s := testserver.Start(t)
	rdb := s.Client(t)
	if err := rdb.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 256kb 0 0").Err(); err != nil {
		t.Fatal(err)
	}
	// The slow subscriber's small receive buffer keeps what the kernels
	// absorb, before the server's own buffer grows, small.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	slow, err := d.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.Write([]byte(encodeCommand([]string{"SUBSCRIBE", "ch"})))
	good := s.Client2(t).Subscribe(ctx, "ch")
	defer good.Close()
	wantNext(t, good, &redis.Subscription{Kind: "subscribe", Channel: "ch", Count: 1})
	waitFor(t, "both subscribers", func() bool { return rdb.PubSubNumSub(ctx, "ch").Val()["ch"] == 2 })

	// The reading subscriber reports each message; the publisher waits
	// for it before the next, so that this one never lags (a reader that
	// fell a few messages behind would pass the limit too, in Redis as
	// here).
	got := make(chan string)
	go func() {
		defer close(got)
		for {
			m, err := good.ReceiveTimeout(ctx, 5*time.Second)
			if err != nil {
				return
			}
			if msg, ok := m.(*redis.Message); ok {
				got <- msg.Payload
			}
		}
	}()
	payload := strings.Repeat("x", 64<<10)
	published, after := 0, 0
	for ; published < 2000 && after < 20; published++ {
		msg := strconv.Itoa(published) + ":" + payload
		switch n := rdb.Publish(ctx, "ch", msg).Val(); {
		case n == 1:
			after++
		case n != 2 || after > 0:
			t.Fatalf("PUBLISH %d reached %d subscribers (%d after the slow one left)", published, n, after)
		}
		if p := <-got; p != msg {
			t.Fatalf("the reading subscriber got %.20q, want message %d", p, published)
		}
	}
	t.Logf("published %d messages, the last %d after the slow subscriber left", published, after)
	if after == 0 {
		t.Fatalf("the slow subscriber was never disconnected after %d messages of 64 KB", published)
	}
	if n := rdb.PubSubNumSub(ctx, "ch").Val()["ch"]; n != 1 {
		t.Errorf("NUMSUB after the disconnect = %d, want 1", n)
	}
	// The slow connection was closed: after what the kernel buffered, EOF.
	slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, slow); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reading the slow subscriber's connection: %v, want EOF", err)
	}
}

// TestPubSubClientKill: a killed subscriber leaves its channels at once,
// as Redis frees a killed client at once: a command pipelined right after
// CLIENT KILL no longer counts it.
func TestPubSubClientKill(t *testing.T) {
	s := testserver.Start(t)
	sub := s.Raw(t)
	sub.Send(encodeCommand([]string{"PSUBSCRIBE", "x"}))
	readExactly(t, sub, len(confirm("psubscribe", "x", 1)))
	r := s.Raw(t)
	r.Send(encodeCommand([]string{"CLIENT", "KILL", "TYPE", "pubsub"}) + encodeCommand([]string{"PUBSUB", "NUMPAT"}))
	if got := readExactly(t, r, len(":1\r\n:0\r\n")); got != ":1\r\n:0\r\n" {
		t.Errorf("CLIENT KILL TYPE pubsub then PUBSUB NUMPAT: %q", got)
	}
}

// TestPubSubWhileBlocked: a RESP3 subscriber blocked in BLPOP still gets
// its messages, then its BLPOP reply; a RESP2 subscriber may not block.
func TestPubSubWhileBlocked(t *testing.T) {
	s := testserver.Start(t)
	runPubSubSteps(t, s, []pubsubStep{
		{conn: 1, cmd: []string{"SUBSCRIBE", "a"}, want: confirm("subscribe", "a", 1)},
		{conn: 1, cmd: []string{"BLPOP", "l", "1"}, want: "-ERR Can't execute 'blpop': " + errSubscribed},
	})
	sub := s.Raw(t)
	sub.Do("HELLO", "3")
	sub.Send(encodeCommand([]string{"SUBSCRIBE", "b"}) + encodeCommand([]string{"BLPOP", "l", "0"}))
	readExactly(t, sub, len(confirm3("subscribe", "b", 1)))
	pub := s.Raw(t)
	waitFor(t, "the subscriber to block", func() bool { return strings.Contains(pub.Do("INFO", "clients"), "blocked_clients:1\r\n") })
	if got := pub.Do("PUBLISH", "b", "m"); got != ":1\r\n" {
		t.Fatalf("PUBLISH: %q", got)
	}
	want := ">3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$1\r\nm\r\n"
	if got := readExactly(t, sub, len(want)); got != want {
		t.Fatalf("blocked subscriber got %q, want %q", got, want)
	}
	pub.Do("RPUSH", "l", "x")
	want = "*2\r\n$1\r\nl\r\n$1\r\nx\r\n"
	if got := readExactly(t, sub, len(want)); got != want {
		t.Fatalf("BLPOP reply %q, want %q", got, want)
	}
}
