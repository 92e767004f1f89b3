package loadgen

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// WriteTable writes the result for a person: the run's settings, then one
// row of figures. Latencies are in milliseconds, as redis-benchmark gives
// them.
func (r *Result) WriteTable(w io.Writer) error {
	c := &r.Config
	fmt.Fprintf(w, "target    %s  RESP%d  %d clients  pipeline %d\n", c.Addr, c.Proto, c.Clients, c.Pipeline)
	fmt.Fprintf(w, "workload  %s%s  %d keys %s  values %s B  %s\n",
		mix(c.ReadRatio), onMissNote(c.SetOnMiss), c.Keys, c.KeyDist, c.ValueSize, ttlAndPrefill(c))
	fmt.Fprintf(w, "ran       %.2f s, %s requests (%s GET, %s SET%s)%s\n\n",
		r.Elapsed, group(r.Requests), group(r.Gets), group(r.Sets), fillsNote(r), interruptedNote(r.Interrupted))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ops/s\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\thit ratio\terrors\t")
	l := r.Latency
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", group(int64(r.OpsPerSec+0.5)),
		ms(l.P50), ms(l.P90), ms(l.P99), ms(l.P999), ms(l.Max), r.hitRatio(), group(r.Errors))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.FirstError != "" {
		_, err := fmt.Fprintf(w, "\nfirst error: %s\n", r.FirstError)
		return err
	}
	return nil
}

func mix(readRatio float64) string {
	reads := readRatio * 100
	return fmt.Sprintf("%s%% GET / %s%% SET", strconv.FormatFloat(reads, 'f', -1, 64),
		strconv.FormatFloat(100-reads, 'f', -1, 64))
}

func onMissNote(setOnMiss bool) string {
	if setOnMiss {
		return ", SET on a miss"
	}
	return ""
}

func fillsNote(r *Result) string {
	if !r.Config.SetOnMiss {
		return ""
	}
	return ", " + group(r.Fills) + " SET on a miss"
}

func ttlAndPrefill(c *Config) string {
	s := "no TTL"
	if c.TTL > 0 {
		s = "TTL " + c.TTL.String()
	}
	if c.Prefill {
		s += ", prefilled"
	}
	return s
}

func interruptedNote(interrupted bool) string {
	if interrupted {
		return ", interrupted"
	}
	return ""
}

func (r *Result) hitRatio() string {
	if r.Gets == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f %%", r.HitRatio*100)
}

// ms formats microseconds as milliseconds with microsecond precision.
func ms(us float64) string { return strconv.FormatFloat(us/1000, 'f', 3, 64) }

// group formats n with thousands separators: 1234567 -> 1,234,567.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
