package loadgen

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// rateWindow is the span the live ops/s is averaged over.
const rateWindow = time.Second

// rateMeter turns a running count into a rate over the last rateWindow.
type rateMeter struct {
	times []time.Time
	ops   []int64
}

func newRateMeter(start time.Time) *rateMeter {
	return &rateMeter{times: []time.Time{start}, ops: []int64{0}}
}

// observe records the count at now and returns the rate since the oldest
// sample within the window.
func (m *rateMeter) observe(now time.Time, ops int64) float64 {
	m.times, m.ops = append(m.times, now), append(m.ops, ops)
	for len(m.times) > 2 && now.Sub(m.times[1]) >= rateWindow {
		m.times, m.ops = m.times[1:], m.ops[1:]
	}
	span := now.Sub(m.times[0]).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(ops-m.ops[0]) / span
}

// Bar is a Progress drawn as a terminal progress bar: elapsed time over the
// duration (or requests over the count) and the current ops/s.
type Bar struct {
	out     io.Writer
	cfg     Config
	bar     *progressbar.ProgressBar
	byCount bool // the bar counts requests, not time
}

// NewBar returns a bar writing to out (a terminal) for a run of cfg.
func NewBar(out io.Writer, cfg Config) *Bar {
	b := &Bar{out: out, cfg: cfg, byCount: cfg.Duration == 0}
	total := cfg.Duration.Milliseconds()
	if b.byCount {
		total = cfg.Requests
	}
	b.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(false),
	)
	return b
}

// Prefill says that the key space is being filled.
func (b *Bar) Prefill(keys int, done bool) {
	if !done {
		fmt.Fprintf(b.out, "prefilling %d keys...\r", keys)
		return
	}
	fmt.Fprintf(b.out, "prefilled %d keys.    \n", keys)
}

// Update moves the bar and shows the rate.
func (b *Bar) Update(elapsed time.Duration, requests int64, opsPerSec float64) {
	pos, label := elapsed.Milliseconds(), fmt.Sprintf("%.1fs/%s", elapsed.Seconds(), b.cfg.Duration)
	if b.byCount {
		pos, label = requests, fmt.Sprintf("%d/%d req", requests, b.cfg.Requests)
	}
	_ = b.bar.Set64(min(pos, b.bar.GetMax64()))
	b.bar.Describe(fmt.Sprintf("%s  %s ops/s", label, group(int64(opsPerSec))))
}

// Finish clears the bar so the report starts on a clean line.
func (b *Bar) Finish() {
	_ = b.bar.Finish()
}
