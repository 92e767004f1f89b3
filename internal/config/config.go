// Package config holds a node's settings: every directive a Shoal node
// understands, with Redis's names, defaults, syntax and error texts. The
// same table serves the config file, the --name value flags, CONFIG GET,
// CONFIG SET and CONFIG REWRITE (rewrite.go), so a setting cannot exist in
// one and be missing in another.
//
// Values are stored already parsed; numeric ones in atomics, so the hot path
// (every connection reading proto-max-bulk-len or timeout) takes no lock.
package config

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

type kind int

const (
	kindInt kind = iota
	kindMemory
	kindBool
	kindEnum
	kindString
	// kindFlags is a set of flags stored as bits and printed as the
	// directive's own format says (notify-keyspace-events).
	kindFlags
	// kindPercentiles is a list of numbers from 0 to 100, stored as
	// given (percentiles.go).
	kindPercentiles
)

// param is one directive.
type param struct {
	name string
	// alias is the directive's old name (hash-max-ziplist-entries for
	// hash-max-listpack-entries), accepted everywhere the name is.
	alias     string
	kind      kind
	def       string
	min, max  int64
	enum      []string
	immutable bool
	// multiArg directives take several words in a config file line
	// ("save 3600 1 300 100"), joined with spaces into one value.
	multiArg bool
	// protected directives may be changed by CONFIG SET only as
	// enable-protected-configs allows (SetChecked).
	protected bool
	// check validates a new string value beyond its kind (e.g. dir exists).
	check func(string) error
	// normalize rewrites an accepted value to what is stored (hz clamped
	// to 1..500, dir made absolute), as Redis stores them.
	normalize func(string) string
	// merge combines a new value with the current one
	// (client-output-buffer-limit sets only the classes it names).
	merge func(old, v string) string
	// parseFlags and formatFlags read and print a kindFlags value.
	parseFlags  func(string) (int64, error)
	formatFlags func(int64) string
	// rewrite writes the directive into a rewritten config file when its
	// kind's way (fileLines) is not Redis's for it.
	rewrite func(p *param, value string) []fileLine
	// defValue is the default as CONFIG GET shows it.
	defValue string

	num atomic.Int64 // kindInt, kindMemory, kindBool (0/1), kindEnum (index), kindFlags
	str atomic.Pointer[string]
}

// Config is the live configuration of one node. It is safe for concurrent use.
type Config struct {
	params map[string]*param
	order  []*param
	// setMu makes a multi-parameter CONFIG SET atomic: all or nothing.
	setMu sync.Mutex
	// watchers are told after every successful Set.
	watchers []func()
	// saveLoaded is set once start-up read a save line (addSavePoints).
	saveLoaded bool
	// file is the absolute path of the config file the node was started
	// with, "" if none: the file CONFIG REWRITE rewrites.
	file string
}

// Watch registers fn to run after every successful CONFIG SET, so that
// parts of the node holding derived settings (the engine's eviction
// settings, the Go memory limit) pick up the change.
func (c *Config) Watch(fn func()) {
	c.setMu.Lock()
	c.watchers = append(c.watchers, fn)
	c.setMu.Unlock()
}

// Default returns the configuration a node starts with when given no file
// and no flags.
func Default() *Config {
	c := &Config{params: map[string]*param{}}
	for _, p := range directives() {
		c.params[p.name] = p
		if p.alias != "" {
			c.params[p.alias] = p
		}
		c.order = append(c.order, p)
		if err := p.set(p.def); err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", p.name, err))
		}
		p.defValue = p.get()
	}
	return c
}

// Int returns a numeric directive's value (memory sizes in bytes, booleans
// as 0 or 1). It panics on an unknown name: names are constants in code.
func (c *Config) Int(name string) int64 { return c.mustParam(name).num.Load() }

// Bool returns a yes/no directive.
func (c *Config) Bool(name string) bool { return c.mustParam(name).num.Load() != 0 }

// String returns a directive's value as CONFIG GET shows it.
func (c *Config) String(name string) string { return c.mustParam(name).get() }

// Live is a numeric directive's value as it changes (CONFIG SET), for
// code that reads it on every command: it skips the lookup by name, a
// few percent of a pipelined HSET's CPU.
type Live struct{ p *param }

// Live returns name's Live; it panics on an unknown name.
func (c *Config) Live(name string) Live { return Live{c.mustParam(name)} }

// Int returns the value now.
func (l Live) Int() int64 { return l.p.num.Load() }

func (c *Config) mustParam(name string) *param {
	p, ok := c.params[name]
	if !ok {
		panic("config: unknown directive " + name)
	}
	return p
}

// Has reports whether name is a directive.
func (c *Config) Has(name string) bool { _, ok := c.params[strings.ToLower(name)]; return ok }

// Match returns the name-value pairs whose name matches one of the glob
// patterns, in table order, each once (CONFIG GET).
func (c *Config) Match(patterns []string, match func(pattern, name string) bool) [][2]string {
	var out [][2]string
	for _, p := range c.order {
		for _, name := range [2]string{p.name, p.alias} {
			if name == "" {
				continue
			}
			for _, pat := range patterns {
				if match(strings.ToLower(pat), name) {
					out = append(out, [2]string{name, p.get()})
					break
				}
			}
		}
	}
	return out
}

// Set changes directives at run time as the node itself may: protected
// ones too (SetChecked).
func (c *Config) Set(pairs [][2]string) error { return c.SetChecked(pairs, true) }

// SetChecked changes directives at run time (CONFIG SET); protected ones
// only when allowProtected. Either every pair is applied or none is; the
// error text is Redis's.
func (c *Config) SetChecked(pairs [][2]string, allowProtected bool) error {
	c.setMu.Lock()
	defer c.setMu.Unlock()
	// As Redis 7.0, the names are looked at first, in order, and the
	// first that is unknown, given twice, immutable or protected is the
	// error; the values are parsed after.
	seen := map[string]bool{}
	for _, kv := range pairs {
		// As in Redis, a directive and its alias may both be given; the
		// last one wins.
		name := strings.ToLower(kv[0])
		p, ok := c.params[name]
		switch {
		case !ok:
			return fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", kv[0])
		case seen[name]:
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - duplicate parameter", kv[0])
		case p.immutable:
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable config", kv[0])
		case p.protected && !allowProtected:
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - can't set protected config", kv[0])
		}
		seen[name] = true
	}
	for _, kv := range pairs {
		p := c.params[strings.ToLower(kv[0])]
		if err := p.validate(kv[1]); err != nil {
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - %v", kv[0], err)
		}
	}
	for _, kv := range pairs {
		// Validated above; set cannot fail now.
		_ = c.params[strings.ToLower(kv[0])].set(kv[1])
	}
	for _, fn := range c.watchers {
		fn()
	}
	return nil
}

// Load applies one directive from a config file or flag at start-up, where
// immutable directives may still be set.
func (c *Config) Load(name string, args []string) error {
	p, ok := c.params[strings.ToLower(name)]
	if !ok {
		return c.loadFileOnly(strings.ToLower(name), args)
	}
	if len(args) != 1 && !p.multiArg && p.kind != kindPercentiles {
		return fmt.Errorf("wrong number of arguments")
	}
	value := strings.Join(args, " ")
	if err := p.validate(value); err != nil {
		return err
	}
	if p.name == "save" {
		value = c.addSavePoints(value)
	}
	return p.set(value)
}

func (p *param) get() string {
	switch p.kind {
	case kindInt, kindMemory:
		return strconv.FormatInt(p.num.Load(), 10)
	case kindBool:
		if p.num.Load() != 0 {
			return "yes"
		}
		return "no"
	case kindEnum:
		return p.enum[p.num.Load()]
	case kindFlags:
		return p.formatFlags(p.num.Load())
	case kindPercentiles:
		return formatPercentiles(*p.str.Load())
	}
	return *p.str.Load()
}

func (p *param) validate(v string) error {
	if _, err := p.parse(v); err != nil {
		return err
	}
	if p.check != nil {
		return p.check(v)
	}
	return nil
}

func (p *param) set(v string) error {
	if p.normalize != nil {
		v = p.normalize(v)
	}
	if old := p.str.Load(); p.merge != nil && old != nil {
		v = p.merge(*old, v)
	}
	n, err := p.parse(v)
	if err != nil {
		return err
	}
	p.num.Store(n)
	p.str.Store(&v)
	return nil
}

// parse turns v into the stored number, with Redis's error texts.
func (p *param) parse(v string) (int64, error) {
	switch p.kind {
	case kindInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("argument couldn't be parsed into an integer")
		}
		return n, p.inRange(n)
	case kindMemory:
		n, ok := ParseMemory(v)
		if !ok {
			return 0, fmt.Errorf("argument must be a memory value")
		}
		return n, p.inRange(n)
	case kindBool:
		switch strings.ToLower(v) {
		case "yes":
			return 1, nil
		case "no":
			return 0, nil
		}
		return 0, fmt.Errorf("argument must be 'yes' or 'no'")
	case kindEnum:
		if i := slices.Index(p.enum, strings.ToLower(v)); i >= 0 {
			return int64(i), nil
		}
		return 0, fmt.Errorf("argument(s) must be one of the following: %s", strings.Join(p.enum, ", "))
	case kindFlags:
		return p.parseFlags(v)
	case kindPercentiles:
		_, err := parsePercentiles(p.name, v)
		return 0, err
	}
	return 0, nil
}

func (p *param) inRange(n int64) error {
	if n < p.min || n > p.max {
		return fmt.Errorf("argument must be between %d and %d inclusive", p.min, p.max)
	}
	return nil
}

// ParseMemory parses a size as Redis 7.0's memtoull does: digits, then
// no unit, b, k/m/g (powers of 1000) or kb/mb/gb (of 1024), in any case.
// Its quirks are Redis's: no digits read as 0 ("", "mb"), a sign is not a
// digit ("+5", "-0" are refused), and the result is an unsigned 64-bit
// number that saturates while reading digits and wraps when multiplied.
// The bits come back as an int64, so a size past 2^63-1 is negative and
// fails a signed range check, as Redis's cast to long long does.
func ParseMemory(v string) (int64, bool) {
	digits := 0
	for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
		digits++
	}
	units := map[string]uint64{"": 1, "b": 1, "k": 1e3, "kb": 1 << 10, "m": 1e6, "mb": 1 << 20, "g": 1e9, "gb": 1 << 30}
	mul, ok := units[strings.ToLower(v[digits:])]
	if !ok || digits >= 128 { // Redis copies the digits into a 128-byte buffer
		return 0, false
	}
	var n uint64
	if digits > 0 {
		var err error
		if n, err = strconv.ParseUint(v[:digits], 10, 64); err != nil {
			n = math.MaxUint64 // strtoull's ERANGE result, which Redis does not check
		}
	}
	return int64(n * mul), true
}

func clampHz(v string) string {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return v
	}
	return strconv.FormatInt(min(max(n, 1), 500), 10)
}

func absDir(v string) string {
	if abs, err := filepath.Abs(v); err == nil {
		return abs
	}
	return v
}

func checkDir(v string) error {
	if st, err := os.Stat(v); err != nil || !st.IsDir() {
		return fmt.Errorf("No such file or directory")
	}
	return nil
}
