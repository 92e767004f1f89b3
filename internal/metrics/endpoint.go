package metrics

import (
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Endpoint serves a registry's metrics over HTTP at /metrics.
type Endpoint struct {
	ln     net.Listener
	srv    *http.Server
	served chan struct{}
}

// Listen binds addr ("127.0.0.1:9121"; port 0 picks a free one) and
// serves g's metrics there until Close.
func Listen(addr string, g prometheus.Gatherer) (*Endpoint, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	// Profiles on the same (loopback by default) endpoint: measure before
	// optimising, on the node that is slow.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	e := &Endpoint{
		ln: ln,
		// A scrape is a small request: a client that takes longer than
		// this to send its headers is holding a connection for nothing.
		srv:    &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		served: make(chan struct{}),
	}
	go e.serve()
	return e, nil
}

func (e *Endpoint) serve() {
	defer close(e.served)
	// Serve retries temporary accept errors itself and otherwise returns
	// only once Close has closed the listener.
	_ = e.srv.Serve(e.ln)
}

// Addr is the address bound, with the port chosen when addr had port 0.
func (e *Endpoint) Addr() net.Addr { return e.ln.Addr() }

// Close stops serving, closes open scrapes and waits for the server to end.
func (e *Endpoint) Close() error {
	err := e.srv.Close()
	<-e.served
	return err
}
