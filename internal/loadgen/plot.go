package loadgen

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The plot's size; at 96 dpi it is 864 x 1056 pixels.
const (
	plotWidth  = 9 * vg.Inch
	plotHeight = 11 * vg.Inch
)

// maxNines is how far into the tail the percentile panel goes (99.9999 %);
// it stops earlier when the run had too few commands to tell.
const maxNines = 6

var (
	colorP50  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorP99  = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorRate = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
)

// WritePlot writes a PNG with three panels, top to bottom: throughput per
// second, p50 and p99 latency per second, and the latency at each
// percentile of the whole run.
func WritePlot(r *Result, path string) error {
	if r.Requests == 0 || r.hist == nil || r.hist.Count() == 0 {
		return errors.New("nothing to plot: the run completed no request")
	}
	panels := []*plot.Plot{throughputPanel(r), latencyPanel(r), percentilePanel(r)}
	img := vgimg.New(plotWidth, plotHeight)
	dc := draw.New(img)
	rows := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		rows[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadX: vg.Millimeter, PadY: 6 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	canvases := plot.Align(rows, tiles, dc)
	for i, p := range panels {
		p.Draw(canvases[i][0])
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func throughputPanel(r *Result) *plot.Plot {
	c := &r.Config
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s  RESP%d  %d clients  pipeline %d  %s  %d keys %s  values %s B",
		c.Addr, c.Proto, c.Clients, c.Pipeline, mix(c.ReadRatio), c.Keys, c.KeyDist, c.ValueSize)
	p.X.Label.Text = "time (s)"
	p.X.Min = 0
	p.Y.Label.Text = "ops/s"
	p.Y.Min = 0
	p.Y.Tick.Marker = groupedTicks{}
	addLine(p, "", colorRate, seriesXY(r.Series, func(s Second) float64 { return s.OpsPerSec }))
	return p
}

func latencyPanel(r *Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = "Latency per second"
	p.X.Label.Text = "time (s)"
	p.X.Min = 0
	p.Y.Label.Text = "latency (ms)"
	p.Y.Min = 0
	addLine(p, "p50", colorP50, seriesXY(r.Series, func(s Second) float64 { return s.P50 / 1000 }))
	addLine(p, "p99", colorP99, seriesXY(r.Series, func(s Second) float64 { return s.P99 / 1000 }))
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

// percentilePanel plots latency against percentile on a "nines" axis,
// x = -log10(1 - q), so 90 %, 99 % and 99.9 % are evenly spaced and the
// tail gets the room it deserves.
func percentilePanel(r *Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Latency by percentile (%s requests)", group(r.Requests))
	p.X.Label.Text = "percentile"
	p.Y.Label.Text = "latency (ms)"
	p.Y.Min = 0
	top := min(math.Log10(float64(r.hist.Count())), maxNines)
	const steps = 300
	xys := make(plotter.XYs, 0, steps+1)
	for i := range steps + 1 {
		x := top * float64(i) / steps
		xys = append(xys, plotter.XY{X: x, Y: float64(r.hist.Quantile(1-math.Pow(10, -x))) / 1e6})
	}
	addLine(p, "", colorP99, xys)
	p.X.Tick.Marker = ninesTicks(top)
	return p
}

// ninesTicks labels the nines axis: 50 %, 90 %, 99 %, ... up to top.
func ninesTicks(top float64) plot.Ticker {
	return plot.TickerFunc(func(_, _ float64) []plot.Tick {
		ticks := []plot.Tick{{Value: 0, Label: "0%"}, {Value: math.Log10(2), Label: "50%"}}
		for n := 1; float64(n) <= top+1e-9; n++ {
			ticks = append(ticks, plot.Tick{Value: float64(n), Label: nines(n)})
		}
		return ticks
	})
}

// nines gives the percentile with n nines: 1 -> "90%", 3 -> "99.9%".
func nines(n int) string {
	return strconv.FormatFloat(100*(1-math.Pow(10, -float64(n))), 'f', max(n-2, 0), 64) + "%"
}

func seriesXY(series []Second, y func(Second) float64) plotter.XYs {
	xys := make(plotter.XYs, len(series))
	for i, s := range series {
		xys[i] = plotter.XY{X: s.T, Y: y(s)}
	}
	return xys
}

// addLine draws xys as a line, with a dot on each point when they are few
// enough to tell apart (one per second of a short run); name, when not
// empty, goes in the legend.
func addLine(p *plot.Plot, name string, c color.Color, xys plotter.XYs) {
	line, err := plotter.NewLine(xys)
	if err != nil { // only for NaN or infinite values, which the run never produces
		return
	}
	line.Color = c
	line.Width = vg.Points(1.5)
	p.Add(line)
	if name != "" {
		p.Legend.Add(name, line)
	}
	if len(xys) <= maxDots {
		if dots, err := plotter.NewScatter(xys); err == nil {
			dots.Color = c
			dots.Shape = draw.CircleGlyph{}
			dots.Radius = vg.Points(2)
			p.Add(dots)
		}
	}
}

// maxDots is the most points addLine marks with dots.
const maxDots = 120

// groupedTicks are gonum's default ticks labelled as whole numbers with
// thousands separators (120,000 rather than 120000.00).
type groupedTicks struct{}

func (groupedTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = group(int64(math.Round(ticks[i].Value)))
		}
	}
	return ticks
}
