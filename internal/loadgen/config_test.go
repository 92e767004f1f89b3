package loadgen

import (
	"testing"
	"time"
)

func TestParseValueSize(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    ValueSize
		wantErr bool
	}{
		{in: "100", want: ValueSize{100, 100}},
		{in: "0", want: ValueSize{0, 0}},
		{in: "64-1024", want: ValueSize{64, 1024}},
		{in: "5-5", want: ValueSize{5, 5}},
		{in: "5-2", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "abc", wantErr: true},
		{in: "1-x", wantErr: true},
		{in: "", wantErr: true},
		{in: "67108865", wantErr: true},
	} {
		got, err := ParseValueSize(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
			t.Errorf("ParseValueSize(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err == nil && tc.in != "5-5" && got.String() != tc.in {
			t.Errorf("ValueSize(%q).String() = %q", tc.in, got.String())
		}
	}
}

func TestParseKeyDist(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    KeyDist
		wantErr bool
	}{
		{in: "uniform", want: KeyDist{}},
		{in: "zipf", want: KeyDist{Zipf: true, S: DefaultZipfS}},
		{in: "zipf:1.5", want: KeyDist{Zipf: true, S: 1.5}},
		{in: "zipf:1", wantErr: true},   // math/rand/v2's Zipf needs S > 1
		{in: "zipf:0.8", wantErr: true}, // likewise
		{in: "zipf:NaN", wantErr: true},
		{in: "zipf:", wantErr: true},
		{in: "uniform:2", wantErr: true},
		{in: "gauss", wantErr: true},
	} {
		got, err := ParseKeyDist(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
			t.Errorf("ParseKeyDist(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	if s := (KeyDist{Zipf: true, S: 1.27}).String(); s != "zipf:1.27" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseRatio(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "0.9", want: 0.9}, {in: "90%", want: 0.9}, {in: "0", want: 0}, {in: "100%", want: 1},
		{in: "1.5", wantErr: true}, {in: "-0.1", wantErr: true}, {in: "NaN", wantErr: true}, {in: "x%", wantErr: true},
	} {
		got, err := ParseRatio(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
			t.Errorf("ParseRatio(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseOnMiss(t *testing.T) {
	for in, want := range map[string]bool{"none": false, "set": true} {
		if got, err := ParseOnMiss(in); err != nil || got != want {
			t.Errorf("ParseOnMiss(%q) = %v, %v; want %v", in, got, err, want)
		}
		if s := onMissString(want); s != in {
			t.Errorf("onMissString(%v) = %q, want %q", want, s, in)
		}
	}
	for _, in := range []string{"", "SET", "get", "fill"} {
		if _, err := ParseOnMiss(in); err == nil {
			t.Errorf("ParseOnMiss(%q): no error", in)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "10", want: 10 * time.Second}, {in: "0.5", want: 500 * time.Millisecond},
		{in: "10s", want: 10 * time.Second}, {in: "250ms", want: 250 * time.Millisecond},
		{in: "1m30s", want: 90 * time.Second},
		{in: "ten", wantErr: true}, {in: "Inf", wantErr: true}, {in: "1e30", wantErr: true},
	} {
		got, err := ParseDuration(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Config)
		ok     bool
	}{
		{"default", func(*Config) {}, true},
		{"requests only", func(c *Config) { c.Duration, c.Requests = 0, 1000 }, true},
		{"unbounded", func(c *Config) { c.Duration, c.Requests = 0, 0 }, false},
		{"resp 4", func(c *Config) { c.Proto = 4 }, false},
		{"no clients", func(c *Config) { c.Clients = 0 }, false},
		{"no pipeline", func(c *Config) { c.Pipeline = 0 }, false},
		{"no keys", func(c *Config) { c.Keys = 0 }, false},
		{"read ratio", func(c *Config) { c.ReadRatio = 1.1 }, false},
		{"negative ttl", func(c *Config) { c.TTL = -time.Second }, false},
		{"zipf s", func(c *Config) { c.KeyDist = KeyDist{Zipf: true, S: 0.5} }, false},
		{"value size", func(c *Config) { c.ValueSize = ValueSize{10, 5} }, false},
		{"no address", func(c *Config) { c.Addr = "" }, false},
	} {
		c := Default()
		tc.change(&c)
		if err := c.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
