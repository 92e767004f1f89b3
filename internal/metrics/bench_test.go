package metrics_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/metrics"
)

// BenchmarkExec measures what the latency histograms add to a command:
// GET of an existing key through Table.Exec, metrics off and on.
func BenchmarkExec(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run("metrics="+strconv.FormatBool(on), func(b *testing.B) {
			node := newNode()
			if on {
				if _, err := metrics.Register(prometheus.NewRegistry(), node); err != nil {
					b.Fatal(err)
				}
			}
			var out bytes.Buffer
			c := newCtx(node, &out)
			exec(node, c, "SET", "key", "value")
			args := [][]byte{[]byte("GET"), []byte("key")}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				c.Args = args
				node.Table.Exec(c)
				if out.Len() > 1<<16 {
					out.Reset()
				}
			}
		})
	}
}

// BenchmarkScrape measures one whole scrape, as Prometheus does it, of a
// node holding a million keys in db 0; slot balance is most of it.
func BenchmarkScrape(b *testing.B) {
	node := newNode()
	fill(node.Engine.DB(0), node.Engine.NewTxn(), 1_000_000)
	reg := prometheus.NewRegistry()
	if _, err := metrics.Register(reg, node); err != nil {
		b.Fatal(err)
	}
	handler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	var out bytes.Buffer
	c := newCtx(node, &out)
	for _, name := range []string{"GET", "SET", "DEL", "EXISTS", "INCR", "TTL"} {
		exec(node, c, name, "key:1")
	}
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		io.Copy(io.Discard, rec.Body)
	}
}

func fill(db *engine.DB, txn *engine.Txn, n int) {
	for i := range n {
		key := []byte("key:" + strconv.Itoa(i))
		v := txn.LockKey(db, key)
		v.Put(key, engine.NewString([]byte("v")), 0)
		txn.Unlock()
	}
}
