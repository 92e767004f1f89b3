package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shoal-cache/shoal/internal/types/zset"
)

// parsePercentiles reads a kindPercentiles value as Redis 7.0 does:
// numbers separated by single spaces, "" for none, each read as Redis's
// string2d reads a double (the parser ZADD's scores go through: no
// leading space, nothing after the number, no NaN, no overflow) and
// between 0 and 100.
func parsePercentiles(name, v string) ([]float64, error) {
	if v == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(v, " ") {
		p, ok := zset.ParseScore([]byte(f))
		if !ok {
			return nil, fmt.Errorf("Invalid %s parameters", name)
		}
		if p < 0 || p > 100 {
			return nil, fmt.Errorf("%s parameters should sit between [0.0,100.0]", name)
		}
		out = append(out, p)
	}
	return out, nil
}

// formatPercentiles prints an accepted value as CONFIG GET shows it:
// each number as C's "%f" with the trailing zeros (and a bare point)
// cut, "99.9" for 99.9, "100" for 99.99999999.
func formatPercentiles(v string) string {
	ps, _ := parsePercentiles("", v)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = FormatPercentile(p)
	}
	return strings.Join(out, " ")
}

// FormatPercentile prints p as Redis 7.0 names a percentile, in CONFIG
// GET and in INFO latencystats (p99.9): "%f", trailing zeros cut.
func FormatPercentile(p float64) string {
	s := strconv.FormatFloat(p, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Percentiles returns a kindPercentiles directive's numbers as they were
// given (not as CONFIG GET rounds them). It panics on an unknown name.
func (c *Config) Percentiles(name string) []float64 {
	p := c.mustParam(name)
	ps, _ := parsePercentiles(p.name, *p.str.Load())
	return ps
}
