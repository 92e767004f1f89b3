package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/shoal-cache/shoal/internal/loadgen"
)

// benchFlags are the command line as typed; parse turns them into a
// loadgen.Config.
type benchFlags struct {
	cfg       loadgen.Config
	duration  string
	keyDist   string
	readRatio string
	valueSize string
	ttl       string
	onMiss    string
	json      bool
	quiet     bool
	plot      string
}

func benchCommand() *cobra.Command {
	cmd, _ := newBench()
	return cmd
}

// newBench returns the command and the flags it fills in.
func newBench() (*cobra.Command, *benchFlags) {
	f := &benchFlags{cfg: loadgen.Default()}
	cmd := &cobra.Command{
		Use:   "bench [flags]",
		Short: "Load any RESP server (Shoal or Redis) and report throughput and latency",
		Long: `Load any RESP server (a Shoal node, redis-server, a proxy) with GETs and SETs
and report throughput, latency percentiles (HDR histogram) and the GET hit ratio.

Each client is one connection sending --pipeline commands per round trip; a
command's latency is its batch's round-trip time, as in redis-benchmark. The
run ends after --duration or --requests (whichever comes first); Ctrl-C stops
it early and still prints the report. See docs/bench-tool.md.`,
		Example: `  shoal bench --addr 127.0.0.1:6379 --key-dist zipf --prefill
  shoal bench --clients 50 --pipeline 16 --duration 10s --value-size 64-1024 --json
  shoal bench --requests 1000000 --read-ratio 50% --ttl 30s --plot latency.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.parse(cmd); err != nil {
				return err
			}
			return runBench(cmd.Context(), f, cmd.OutOrStdout(), os.Stderr)
		},
	}
	f.register(cmd)
	return cmd, f
}

func (f *benchFlags) register(cmd *cobra.Command) {
	fl, c := cmd.Flags(), &f.cfg
	fl.StringVar(&c.Addr, "addr", c.Addr, "server address, host:port")
	fl.StringVar(&c.Username, "user", "", "ACL user name (with --password)")
	fl.StringVar(&c.Password, "password", "", "password sent with AUTH (or HELLO under RESP3)")
	fl.IntVar(&c.DB, "db", 0, "database to SELECT")
	fl.IntVar(&c.Proto, "resp", c.Proto, "protocol version, 2 or 3")
	fl.IntVarP(&c.Clients, "clients", "c", c.Clients, "connections, each with its own goroutine")
	fl.IntVarP(&c.Pipeline, "pipeline", "P", c.Pipeline, "commands per round trip")
	fl.StringVarP(&f.duration, "duration", "d", c.Duration.String(), "how long to measure, like 10s or 10 (seconds)")
	fl.Int64VarP(&c.Requests, "requests", "n", 0, "commands to send in all (alone, it replaces --duration)")
	fl.IntVarP(&c.Keys, "keys", "k", c.Keys, "key space size")
	fl.StringVar(&c.KeyPrefix, "key-prefix", c.KeyPrefix, "prefix of every key name")
	fl.StringVar(&f.keyDist, "key-dist", c.KeyDist.String(), "key distribution: uniform, zipf (S=1.27) or zipf:S with S > 1")
	fl.StringVarP(&f.readRatio, "read-ratio", "r", "0.9", "share of GETs, as 0.9 or 90%")
	fl.StringVar(&f.valueSize, "value-size", c.ValueSize.String(), "SET value bytes: N, or MIN-MAX for a random size per SET")
	fl.StringVar(&f.ttl, "ttl", "", "SET with this expiry (EX, or PX below a whole second), like 30s or 500ms")
	fl.StringVar(&f.onMiss, "on-miss", "none", "after a GET misses: none, or set (SET the key, as a cache-aside client does)")
	fl.BoolVar(&c.Prefill, "prefill", false, "SET every key once before measuring")
	fl.Uint64Var(&c.Seed, "seed", 0, "random seed, for a repeatable key and value sequence (0: from the clock)")
	fl.BoolVar(&f.json, "json", false, "print the result as JSON (with the per-second series)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress bar")
	fl.StringVar(&f.plot, "plot", "", "write a PNG of throughput, latency over time and latency by percentile")
}

// parse reads the flags that are not plain numbers into the config.
func (f *benchFlags) parse(cmd *cobra.Command) error {
	var err error
	c := &f.cfg
	if c.Duration, err = loadgen.ParseDuration(f.duration); err != nil {
		return err
	}
	if c.Requests > 0 && !cmd.Flags().Changed("duration") {
		c.Duration = 0 // --requests alone bounds the run
	}
	if c.KeyDist, err = loadgen.ParseKeyDist(f.keyDist); err != nil {
		return err
	}
	if c.ReadRatio, err = loadgen.ParseRatio(f.readRatio); err != nil {
		return err
	}
	if c.ValueSize, err = loadgen.ParseValueSize(f.valueSize); err != nil {
		return err
	}
	if c.SetOnMiss, err = loadgen.ParseOnMiss(f.onMiss); err != nil {
		return err
	}
	if f.ttl != "" {
		if c.TTL, err = loadgen.ParseDuration(f.ttl); err != nil {
			return err
		}
	}
	return c.Validate()
}

// runBench runs the load, then prints the report; Ctrl-C ends the load
// early and a second Ctrl-C exits at once.
func runBench(ctx context.Context, f *benchFlags, out io.Writer, status *os.File) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	defer stop()

	// Errors are counted and the first one is in the report; go-redis's own
	// log lines (one per failed dial, per client) would only garble the bar.
	redis.SetLogger(discardLogger{})

	var progress loadgen.Progress
	if !f.quiet && isTerminal(status) {
		progress = loadgen.NewBar(status, f.cfg)
	}
	res, err := loadgen.Run(ctx, f.cfg, progress)
	if err != nil {
		return err
	}
	report := res.WriteTable
	if f.json {
		report = res.WriteJSON
	}
	if err := report(out); err != nil {
		return err
	}
	if f.plot != "" {
		if err := loadgen.WritePlot(res, f.plot); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
	}
	return nil
}

// isTerminal tells whether f is a terminal (a character device), where a
// progress bar can redraw itself.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// discardLogger drops go-redis's log lines.
type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}
