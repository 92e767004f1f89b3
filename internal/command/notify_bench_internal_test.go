package command

import (
	"strconv"
	"testing"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
)

// BenchmarkSetHandler runs SET through the command table, as a log being
// replayed does (no network): the write path that keyspace notifications
// must not slow down while they are off, the default.
func BenchmarkSetHandler(b *testing.B) {
	n := &Node{Engine: engine.New(engine.Options{}), Config: config.Default(), Table: NewTable()}
	r := n.NewReplayer()
	keys := make([][]byte, 1024)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
	}
	args := [][]byte{[]byte("SET"), nil, []byte("value-of-some-16")}
	i := 0
	for b.Loop() {
		args[1] = keys[i&1023]
		i++
		if err := r.Apply(args); err != nil {
			b.Fatal(err)
		}
	}
}
