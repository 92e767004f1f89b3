package replication_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestReplicaKeyspaceEvents: a replica publishes the events of what it
// applies, as Redis's replicas do: a full sync loads keys without a
// "new" each, and its primary's DEL of a key whose TTL the replica's own
// clock has passed is a del, not an expiry of the replica's own.
func TestReplicaKeyspaceEvents(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	for _, k := range []string{"a", "b", "c"} {
		p.c.Set(ctx, k, "v", 0)
	}
	r := start(t, "", "notify-keyspace-events KEAn")
	sub := r.c.PSubscribe(ctx, "__keyspace@0__:*")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.c.Do(ctx, "REPLICAOF", "127.0.0.1", p.port()).Err(); err != nil {
		t.Fatal(err)
	}
	waitLinked(t, r)
	// The TTL passes on the replica's clock before the primary deletes
	// the key (its active expiry is off, as a busy primary's may be late).
	p.c.ConfigSet(ctx, "hz", "1")
	p.c.Do(ctx, "DEBUG", "SLEEP", "0") // the CONFIG SET is applied
	p.c.Set(ctx, "e", "v", 50*time.Millisecond)
	time.Sleep(150 * time.Millisecond)
	p.c.Do(ctx, "DEL", "e") // a DEL of a lapsed key: 0 on the primary, nothing sent
	p.c.Set(ctx, "x", "v", 0)
	// What the replica published, up to x's set.
	var got []string
	for {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		m, err := sub.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, m.Channel+" "+m.Payload)
		if m.Channel == "__keyspace@0__:x" {
			break
		}
	}
	// The primary expired e itself (its DEL found it lapsed) and sent a
	// DEL: on the replica that is a del, never an expired.
	want := []string{"__keyspace@0__:e new", "__keyspace@0__:e set", "__keyspace@0__:e expire", "__keyspace@0__:e del",
		"__keyspace@0__:x new"}
	if !slices.Equal(got, want) {
		t.Fatalf("replica events\n got %q\nwant %q", got, want)
	}
}
