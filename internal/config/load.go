package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/shoal-cache/shoal/internal/resp"
)

// LoadError names the directive, and where it came from, that stopped
// start-up.
type LoadError struct {
	Source string // file name, or "command line"
	Line   int
	Text   string
	Reason string
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("*** FATAL CONFIG FILE ERROR ***\nReading the configuration file (%s), at line %d\n>>> '%s'\n%s",
		e.Source, e.Line, e.Text, e.Reason)
}

// FromArgs builds a configuration the way redis-server reads its command
// line: an optional config file first (or --config FILE), then any
// directive as "--name value [value ...]", which overrides the file.
func FromArgs(args []string) (*Config, error) {
	c := Default()
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		if err := c.LoadFile(args[0]); err != nil {
			return nil, err
		}
		args = args[1:]
	}
	var lines []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			if len(lines) == 0 {
				return nil, &LoadError{Source: "command line", Line: 1, Text: a, Reason: "Invalid argument: expected --name value"}
			}
			lines[len(lines)-1] += " " + quote(a)
			continue
		}
		name := strings.TrimPrefix(a, "--")
		if name == "config" && i+1 < len(args) {
			if err := c.LoadFile(args[i+1]); err != nil {
				return nil, err
			}
			i++
			continue
		}
		lines = append(lines, name)
	}
	for i, line := range lines {
		if err := c.loadLine(line); err != nil {
			return nil, &LoadError{Source: "command line", Line: i + 1, Text: line, Reason: err.Error()}
		}
	}
	return c, nil
}

// quote keeps a flag's value one word when it is read back as a line.
func quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'\\") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return s
}

// LoadFile applies a Redis-style config file: one "name value" directive a
// line, # comments, quoted values. It remembers the file's absolute path,
// as redis-server does, for CONFIG REWRITE.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("Fatal error, can't open config file '%s': %v", path, err)
	}
	defer f.Close()
	c.file = path
	if abs, err := filepath.Abs(path); err == nil {
		c.file = abs
	}
	return c.load(f, path)
}

// File returns the absolute path of the config file the node was started
// with, or "" when it was started with flags only.
func (c *Config) File() string { return c.file }

// load applies the directives read from r; source names it in errors.
func (c *Config) load(r io.Reader, source string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if err := c.loadLine(line); err != nil {
			if le, ok := err.(*LoadError); ok { // in an included file
				return le
			}
			return &LoadError{Source: source, Line: n, Text: line, Reason: err.Error()}
		}
	}
	return sc.Err()
}

func (c *Config) loadLine(line string) error {
	words, ok := resp.SplitArgs([]byte(line), nil)
	if !ok {
		return fmt.Errorf("Unbalanced quotes in configuration line")
	}
	if len(words) == 0 {
		return nil
	}
	args := make([]string, len(words)-1)
	for i, w := range words[1:] {
		args[i] = string(w)
	}
	return c.Load(string(words[0]), args)
}
