package loadgen

import (
	"encoding/json"
	"io"
	"time"
)

// Result is what a run measured.
type Result struct {
	Config      Config    `json:"config"`
	Started     time.Time `json:"started"`
	Elapsed     float64   `json:"elapsed_s"`
	Interrupted bool      `json:"interrupted"` // stopped early (Ctrl-C)

	Requests   int64    `json:"requests"`
	Gets       int64    `json:"gets"`
	Sets       int64    `json:"sets"`
	Fills      int64    `json:"fills"` // SETs after a GET miss (SetOnMiss), not in Sets
	Hits       int64    `json:"hits"`
	Misses     int64    `json:"misses"`
	Errors     int64    `json:"errors"`
	FirstError string   `json:"first_error,omitempty"`
	OpsPerSec  float64  `json:"ops_per_sec"`
	HitRatio   float64  `json:"hit_ratio"` // hits / GETs; 0 without GETs
	Latency    Latency  `json:"latency_us"`
	Series     []Second `json:"series"`

	hist *Histogram // every command's latency, for the percentile plot
}

func newResult(cfg *Config, col *collector, interrupted bool) *Result {
	sums := col.sums
	r := &Result{
		Config: *cfg, Started: col.start, Elapsed: col.lastT.Seconds(), Interrupted: interrupted,
		Requests: sums.ops(), Gets: sums.Gets, Sets: sums.Sets, Fills: sums.Fills,
		Hits: sums.Hits, Misses: sums.Misses, Errors: sums.Errors,
		Latency: col.total.Summary(), Series: col.series, hist: col.total,
	}
	if col.firstErr != nil {
		r.FirstError = col.firstErr.Error()
	}
	if r.Elapsed > 0 {
		r.OpsPerSec = float64(r.Requests) / r.Elapsed
	}
	if r.Gets > 0 {
		r.HitRatio = float64(r.Hits) / float64(r.Gets)
	}
	return r
}

// WriteJSON writes the result as one indented JSON document.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// MarshalJSON shows the configuration in the units the command line uses,
// and never the password.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Addr      string  `json:"addr"`
		Username  string  `json:"username,omitempty"`
		DB        int     `json:"db"`
		Proto     int     `json:"resp"`
		Clients   int     `json:"clients"`
		Pipeline  int     `json:"pipeline"`
		Duration  float64 `json:"duration_s"`
		Requests  int64   `json:"requests"`
		Keys      int     `json:"keys"`
		KeyPrefix string  `json:"key_prefix"`
		KeyDist   string  `json:"key_dist"`
		ReadRatio float64 `json:"read_ratio"`
		ValueSize string  `json:"value_size"`
		TTL       float64 `json:"ttl_s"`
		OnMiss    string  `json:"on_miss"`
		Prefill   bool    `json:"prefill"`
		Seed      uint64  `json:"seed"`
	}{
		c.Addr, c.Username, c.DB, c.Proto, c.Clients, c.Pipeline, c.Duration.Seconds(), c.Requests,
		c.Keys, c.KeyPrefix, c.KeyDist.String(), c.ReadRatio, c.ValueSize.String(), c.TTL.Seconds(),
		onMissString(c.SetOnMiss), c.Prefill, c.Seed,
	})
}
