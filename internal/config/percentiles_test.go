package config

import (
	"slices"
	"testing"
)

// TestPercentiles: latency-tracking-info-percentiles as Redis 7.0 takes
// and shows it; Percentiles gives the numbers as set, not as shown.
func TestPercentiles(t *testing.T) {
	const name = "latency-tracking-info-percentiles"
	for _, tt := range []struct {
		set, get string
		want     []float64
		err      string
	}{
		{set: "50 99 99.9", get: "50 99 99.9", want: []float64{50, 99, 99.9}},
		{set: "", get: "", want: nil},
		{set: "99.99999999 1e-7 0x10 0x1p3 .5 5. +5 -0", get: "100 0 16 8 0.5 5 5 -0", want: []float64{99.99999999, 1e-7, 16, 8, 0.5, 5, 5, 0}},
		{set: "0.0078125", get: "0.007812", want: []float64{0.0078125}},
		{set: "50  99", err: "Invalid " + name + " parameters"},
		{set: " 50", err: "Invalid " + name + " parameters"},
		{set: "50 ", err: "Invalid " + name + " parameters"},
		{set: "nan", err: "Invalid " + name + " parameters"},
		{set: "1e-400", err: "Invalid " + name + " parameters"},
		{set: "100.0001", err: name + " parameters should sit between [0.0,100.0]"},
		{set: "-inf", err: name + " parameters should sit between [0.0,100.0]"},
	} {
		c := Default()
		err := c.Set([][2]string{{name, tt.set}})
		if tt.err != "" {
			want := "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + tt.err
			if err == nil || err.Error() != want {
				t.Errorf("Set %q: %v, want %q", tt.set, err, want)
			}
			if got := c.String(name); got != "50 99 99.9" {
				t.Errorf("refused %q, yet it shows %q", tt.set, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set %q: %v", tt.set, err)
			continue
		}
		if got := c.String(name); got != tt.get {
			t.Errorf("Set %q shows %q, want %q", tt.set, got, tt.get)
		}
		if got := c.Percentiles(name); !slices.Equal(got, tt.want) {
			t.Errorf("Set %q: Percentiles %v, want %v", tt.set, got, tt.want)
		}
	}
	c := Default()
	if err := c.Load(name, []string{"90", "99.5"}); err != nil || c.String(name) != "90 99.5" {
		t.Errorf("Load of two words: %v, shows %q", err, c.String(name))
	}
}
