package loadgen

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ioTimeout bounds one round trip. It is generous so that a slow server
// shows up as latency, not as errors, and short enough that a hung one
// cannot hold a run long past its end.
const ioTimeout = 10 * time.Second

// errorBackoff is how long a client pauses after a failed round trip
// (refused connection, timeout), so a dead server is not hammered in a
// tight loop that only inflates the error count.
const errorBackoff = 10 * time.Millisecond

// counters are one client's totals since the run started. Fills are the
// SETs sent after a GET missed (Config.SetOnMiss); Sets are the workload's.
type counters struct {
	Gets, Sets, Fills, Hits, Misses, Errors int64
}

func (c *counters) add(o counters) {
	c.Gets += o.Gets
	c.Sets += o.Sets
	c.Fills += o.Fills
	c.Hits += o.Hits
	c.Misses += o.Misses
	c.Errors += o.Errors
}

func (c counters) ops() int64 { return c.Gets + c.Sets + c.Fills }

// client is one connection and the state of the goroutine driving it.
type client struct {
	cfg     *Config
	rdb     *redis.Client
	pipe    redis.Pipeliner
	rng     *rand.Rand
	fillRng *rand.Rand // values of the SETs after a miss, apart from rng
	pick    keyPicker
	values  *valuePool
	key     []byte // scratch for key names

	mu       sync.Mutex
	hist     *Histogram // latencies since the collector last swapped it out
	total    counters
	firstErr error
}

func newClient(cfg *Config, id int, seed uint64, values *valuePool) *client {
	rdb := redis.NewClient(&redis.Options{
		Addr: cfg.Addr, Username: cfg.Username, Password: cfg.Password, DB: cfg.DB,
		Protocol: cfg.Proto,
		// One connection per client, pipelines included: the run's
		// concurrency is exactly --clients connections.
		PoolSize: 1, PipelinePoolSize: -1,
		// A retried command would hide an error and double-count latency.
		MaxRetries:  -1,
		ReadTimeout: ioTimeout, WriteTimeout: ioTimeout,
		// CLIENT SETINFO is not in Redis 7.0; skipping it keeps the
		// handshake the same on every server.
		DisableIdentity: true,
	})
	rng := rand.New(rand.NewPCG(seed, uint64(id)))
	// The fills draw from a stream of their own, so that how many GETs
	// missed does not shift the client's sequence of keys and commands:
	// with one --seed, two servers see the same sequence per client.
	fillRng := rand.New(rand.NewPCG(seed, uint64(id)|1<<63))
	return &client{
		cfg: cfg, rdb: rdb, pipe: rdb.Pipeline(), rng: rng, fillRng: fillRng,
		pick: cfg.KeyDist.newKeyPicker(rng, cfg.Keys), values: values,
		hist: NewHistogram(),
	}
}

// connect opens the connection (and authenticates) before the clock starts.
func (c *client) connect(ctx context.Context) error {
	return c.rdb.Ping(ctx).Err()
}

func (c *client) close() { c.rdb.Close() }

// run sends batches until the budget runs out or the run is stopped.
func (c *client) run(b *budget) {
	for {
		n := b.claim(c.cfg.Pipeline)
		if n == 0 {
			return
		}
		c.batch(n)
	}
}

// batch sends n commands in one round trip and accounts for the replies;
// under SetOnMiss, the keys its GETs missed are then SET in a second one.
// Commands are built before the clock starts, as redis-benchmark prepares
// its buffers, so the time is the round trip alone.
func (c *client) batch(n int) {
	ctx := context.Background() // a batch in flight finishes; ioTimeout bounds it
	for range n {
		key := c.nextKey()
		if c.rng.Float64() < c.cfg.ReadRatio {
			c.pipe.Get(ctx, key)
		} else {
			c.pipe.Set(ctx, key, c.values.pick(c.rng), c.cfg.TTL)
		}
	}
	cmds, ok := c.send(ctx, false)
	if ok && c.cfg.SetOnMiss {
		c.fillMisses(ctx, cmds)
	}
}

// fillMisses SETs every key a GET of cmds missed, all in one round trip,
// as a cache-aside application stores what it fetched from its database
// after a miss. These SETs are counted as fills, apart from the workload's.
func (c *client) fillMisses(ctx context.Context, cmds []redis.Cmder) {
	missed := false
	for _, cmd := range cmds {
		if get, ok := cmd.(*redis.StringCmd); ok && errors.Is(get.Err(), redis.Nil) {
			c.pipe.Set(ctx, get.Args()[1].(string), c.values.pick(c.fillRng), c.cfg.TTL)
			missed = true
		}
	}
	if missed {
		c.send(ctx, true)
	}
}

// send runs the queued commands in one round trip and accounts for them
// (as fills when fills is set). It reports whether the round trip itself
// succeeded, whatever the replies.
func (c *client) send(ctx context.Context, fills bool) ([]redis.Cmder, bool) {
	start := time.Now()
	cmds, err := c.pipe.Exec(ctx)
	elapsed := time.Since(start)
	failed := isTransportError(err)
	c.account(cmds, elapsed, failed, err, fills)
	if failed {
		time.Sleep(errorBackoff)
	}
	return cmds, !failed
}

func (c *client) nextKey() string {
	c.key = appendKey(c.key[:0], c.cfg.KeyPrefix, c.pick())
	return string(c.key)
}

// account tallies one batch's replies and, unless the round trip itself
// failed, charges its time to every command in it.
func (c *client) account(cmds []redis.Cmder, elapsed time.Duration, failed bool, batchErr error, fills bool) {
	var t counters
	for _, cmd := range cmds {
		tallyReply(&t, cmd, fills)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total.add(t)
	if !failed {
		c.hist.Record(elapsed, int64(len(cmds)))
	}
	if c.firstErr == nil && t.Errors > 0 {
		c.firstErr = firstCmdError(cmds, batchErr)
	}
}

// tallyReply counts one command and classifies its reply: a GET that
// finds nothing (redis.Nil) is a miss, not an error. A SET is a fill when
// fill is set.
func tallyReply(t *counters, cmd redis.Cmder, fill bool) {
	err := cmd.Err()
	if _, isGet := cmd.(*redis.StringCmd); isGet {
		t.Gets++
		switch {
		case err == nil:
			t.Hits++
		case errors.Is(err, redis.Nil):
			t.Misses++
		}
	} else if fill {
		t.Fills++
	} else {
		t.Sets++
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		t.Errors++
	}
}

func firstCmdError(cmds []redis.Cmder, batchErr error) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return batchErr
}

// isTransportError tells a failed round trip (connection refused or
// dropped, timeout) from replies that arrived, error replies included.
func isTransportError(err error) bool {
	var reply redis.Error
	return err != nil && !errors.Is(err, redis.Nil) && !errors.As(err, &reply)
}

// take swaps the client's interval histogram for the empty one given and
// returns the full one with the totals so far.
func (c *client) take(empty *Histogram) (*Histogram, counters, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	full := c.hist
	c.hist = empty
	return full, c.total, c.firstErr
}

// snapshot returns the totals so far, for the progress display.
func (c *client) snapshot() counters {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}
