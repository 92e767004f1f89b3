// Command repllag measures replication lag: it writes SETs of a fixed
// size to a primary at a fixed rate, and among them, every millisecond, a
// probe key holding the time it was written; a reader polls the probe on
// the replica and records, for each new value it sees, how long after its
// write it arrived. It prints the p50, p99 and max lag in milliseconds.
// Client and servers share the host's clock.
//
//	go run ./scripts/repllag -primary 127.0.0.1:7000 -replica 127.0.0.1:7001 -rate 20000 -size 1024 -d 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	primary := flag.String("primary", "127.0.0.1:6379", "primary address")
	replica := flag.String("replica", "127.0.0.1:6380", "replica address")
	rate := flag.Int("rate", 20000, "writes per second")
	size := flag.Int("size", 1024, "value bytes")
	dur := flag.Duration("d", 10*time.Second, "how long to write")
	flag.Parse()
	ctx := context.Background()
	p := redis.NewClient(&redis.Options{Addr: *primary, PoolSize: 16})
	r := redis.NewClient(&redis.Options{Addr: *replica})
	if err := p.Ping(ctx).Err(); err != nil {
		fmt.Fprintln(os.Stderr, "repllag:", err)
		os.Exit(1)
	}
	stop := make(chan struct{})
	lags := make(chan []float64, 1)
	go poll(ctx, r, stop, lags)
	sent := write(ctx, p, *rate, *size, *dur)
	time.Sleep(200 * time.Millisecond) // let the last probes arrive
	close(stop)
	l := <-lags
	if len(l) == 0 {
		fmt.Fprintln(os.Stderr, "repllag: no probe seen on the replica")
		os.Exit(1)
	}
	slices.Sort(l)
	q := func(f float64) float64 { return l[min(len(l)-1, int(f*float64(len(l))))] }
	fmt.Printf("writes=%d rate=%.0f/s probes=%d lag_ms p50=%.3f p99=%.3f max=%.3f\n",
		sent, float64(sent)/dur.Seconds(), len(l), q(0.50), q(0.99), l[len(l)-1])
}

// write sends rate SETs a second for d, in 1 ms ticks, each tick one
// pipeline from one of 8 writers, the tick's first SET the probe.
func write(ctx context.Context, c *redis.Client, rate, size int, d time.Duration) int {
	val := strings.Repeat("v", size)
	perTick := max(1, rate/1000)
	ticks := make(chan time.Time, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent := 0
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range ticks {
				pipe := c.Pipeline()
				pipe.Set(ctx, "lag:probe", strconv.FormatInt(time.Now().UnixNano(), 10), 0)
				for i := 1; i < perTick; i++ {
					pipe.Set(ctx, fmt.Sprintf("lag:%d:%d", w, i%10000), val, 0)
				}
				pipe.Exec(ctx)
				mu.Lock()
				sent += perTick
				mu.Unlock()
			}
		}()
	}
	t := time.NewTicker(time.Millisecond)
	end := time.Now().Add(d)
	for now := range t.C {
		if now.After(end) {
			break
		}
		select {
		case ticks <- now:
		default: // the writers fall behind: the rate is not held
		}
	}
	t.Stop()
	close(ticks)
	wg.Wait()
	return sent
}

// poll reads the probe on the replica as fast as it can, recording the
// lag of each new value.
func poll(ctx context.Context, c *redis.Client, stop chan struct{}, out chan []float64) {
	var lags []float64
	last := ""
	for {
		select {
		case <-stop:
			out <- lags
			return
		default:
		}
		v, err := c.Get(ctx, "lag:probe").Result()
		if err != nil || v == last {
			continue
		}
		last = v
		ns, _ := strconv.ParseInt(v, 10, 64)
		lags = append(lags, float64(time.Now().UnixNano()-ns)/1e6)
	}
}
