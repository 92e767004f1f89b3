package loadgen

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Config describes one run: the target, the clients and the workload.
type Config struct {
	Addr     string // host:port of the RESP server
	Username string // ACL user; empty means "default"
	Password string // sent with AUTH (or HELLO under RESP3) when not empty
	DB       int    // database selected on connect
	Proto    int    // RESP version, 2 or 3

	Clients  int           // connections, each driven by its own goroutine
	Pipeline int           // commands per round trip
	Duration time.Duration // measuring time; 0 means bounded by Requests alone
	Requests int64         // commands in all; 0 means bounded by Duration alone

	Keys      int       // key space size: keys are KeyPrefix + 12-digit index
	KeyPrefix string    // prefix of every key name
	KeyDist   KeyDist   // how keys are drawn
	ReadRatio float64   // share of GETs, 0..1; the rest are SETs
	ValueSize ValueSize // bytes per SET value
	TTL       time.Duration
	SetOnMiss bool   // cache-aside: SET every key a GET found missing
	Prefill   bool   // SET every key once before measuring
	Seed      uint64 // random seed; 0 picks one from the clock
}

// Default returns the configuration of a plain `shoal bench`.
func Default() Config {
	return Config{
		Addr: "127.0.0.1:6379", Proto: 2,
		Clients: 50, Pipeline: 1, Duration: 10 * time.Second,
		Keys: 100000, KeyPrefix: "key:", ReadRatio: 0.9,
		ValueSize: ValueSize{Min: 100, Max: 100},
	}
}

// maxValueSize bounds --value-size: every client shares one random pool of
// that size, and values this large measure the network, not the server.
const maxValueSize = 64 << 20

// Validate reports the first setting a run cannot use.
func (c *Config) Validate() error {
	switch {
	case c.Addr == "":
		return errors.New("the address is empty; use host:port")
	case c.Proto != 2 && c.Proto != 3:
		return fmt.Errorf("RESP version %d is not supported; use 2 or 3", c.Proto)
	case c.Clients < 1:
		return errors.New("clients must be at least 1")
	case c.Pipeline < 1:
		return errors.New("pipeline must be at least 1")
	case c.Duration < 0 || c.Requests < 0:
		return errors.New("duration and requests can't be negative")
	case c.Duration == 0 && c.Requests == 0:
		return errors.New("give a duration or a number of requests, or the run never ends")
	case c.Keys < 1:
		return errors.New("keys must be at least 1")
	case c.ReadRatio < 0 || c.ReadRatio > 1:
		return fmt.Errorf("read ratio %g is outside 0..1", c.ReadRatio)
	case c.TTL < 0:
		return errors.New("ttl can't be negative")
	}
	if err := c.KeyDist.validate(); err != nil {
		return err
	}
	return c.ValueSize.validate()
}

// ValueSize is the size of SET values: Min == Max for a fixed size,
// otherwise uniform in [Min, Max].
type ValueSize struct{ Min, Max int }

// ParseValueSize reads "N" (fixed) or "MIN-MAX" (a range), in bytes.
func ParseValueSize(s string) (ValueSize, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	minSize, err := strconv.Atoi(lo)
	if err != nil {
		return ValueSize{}, fmt.Errorf("value size %q: want N or MIN-MAX in bytes", s)
	}
	maxSize := minSize
	if isRange {
		if maxSize, err = strconv.Atoi(hi); err != nil {
			return ValueSize{}, fmt.Errorf("value size %q: want N or MIN-MAX in bytes", s)
		}
	}
	v := ValueSize{Min: minSize, Max: maxSize}
	return v, v.validate()
}

func (v ValueSize) validate() error {
	if v.Min < 0 || v.Min > v.Max || v.Max > maxValueSize {
		return fmt.Errorf("value size %s: want 0 <= MIN <= MAX <= %d", v, maxValueSize)
	}
	return nil
}

// String gives the size the way ParseValueSize reads it.
func (v ValueSize) String() string {
	if v.Min == v.Max {
		return strconv.Itoa(v.Min)
	}
	return fmt.Sprintf("%d-%d", v.Min, v.Max)
}

// ParseOnMiss reads what a client does when a GET misses: "none" (nothing)
// or "set" (SET the key, as a cache-aside application fills its cache);
// it reports whether to SET.
func ParseOnMiss(s string) (bool, error) {
	switch s {
	case "none":
		return false, nil
	case "set":
		return true, nil
	}
	return false, fmt.Errorf("on-miss %q: want none or set", s)
}

// onMissString gives the setting the way ParseOnMiss reads it.
func onMissString(set bool) string {
	if set {
		return "set"
	}
	return "none"
}

// ParseRatio reads a share as a fraction ("0.9") or a percentage ("90%").
func ParseRatio(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, fmt.Errorf("ratio %q: want a fraction like 0.9 or a percentage like 90%%", s)
	}
	if pct {
		f /= 100
	}
	if !(f >= 0 && f <= 1) { // also refuses NaN
		return 0, fmt.Errorf("ratio %q is outside 0..1 (0%%..100%%)", s)
	}
	return f, nil
}

// maxSeconds keeps bare-second durations inside time.Duration (about 292 years).
const maxSeconds = 1e9

// ParseDuration reads a Go duration ("10s", "500ms") or bare seconds ("10").
func ParseDuration(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(secs) || math.IsInf(secs, 0) || math.Abs(secs) > maxSeconds {
			return 0, fmt.Errorf("duration %q is out of range", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want seconds or a unit, like 10, 10s or 500ms", s)
	}
	return d, nil
}
