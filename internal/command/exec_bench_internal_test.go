package command

import (
	"strconv"
	"testing"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
)

// BenchmarkExecGet runs GET of an existing key through the command table
// (Table.Exec, as a log being replayed does: no network). GET is about
// the cheapest command there is, so the accounting every command pays
// (commandstats, the latency histogram) is the largest share of it here.
func BenchmarkExecGet(b *testing.B) { benchmarkExecGet(b, config.Default()) }

// BenchmarkExecGetUntracked is BenchmarkExecGet with latency-tracking
// off: the difference is what recording the latency histogram costs.
func BenchmarkExecGetUntracked(b *testing.B) {
	cfg := config.Default()
	if err := cfg.Set([][2]string{{"latency-tracking", "no"}}); err != nil {
		b.Fatal(err)
	}
	benchmarkExecGet(b, cfg)
}

func benchmarkExecGet(b *testing.B, cfg *config.Config) {
	n := &Node{Engine: engine.New(engine.Options{}), Config: cfg, Table: NewTable()}
	r := n.NewReplayer()
	keys := make([][]byte, 1024)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		if err := r.Apply([][]byte{[]byte("SET"), keys[i], []byte("value-of-some-16")}); err != nil {
			b.Fatal(err)
		}
	}
	args := [][]byte{[]byte("GET"), nil}
	i := 0
	for b.Loop() {
		args[1] = keys[i&1023]
		i++
		if err := r.Apply(args); err != nil {
			b.Fatal(err)
		}
	}
}
