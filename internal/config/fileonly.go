package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// loadFileOnly applies a config file line that is no directive of CONFIG
// GET/SET: include is read as Redis reads it; rename-command, user,
// loadmodule and sentinel name features Shoal lacks and stop start-up;
// the directives Redis 7.0 dropped but still reads are skipped, as there.
func (c *Config) loadFileOnly(name string, args []string) error {
	switch {
	case name == "include" && len(args) == 1:
		return c.include(args[0])
	case name == "rename-command" && len(args) == 2:
		return unsupportedError("renaming commands (rename-command)")
	case name == "user" && len(args) >= 1:
		return unsupportedError("ACL users (user)")
	case name == "loadmodule" && len(args) >= 1:
		return unsupportedError("loading modules (loadmodule)")
	case name == "sentinel":
		return unsupportedError("sentinel mode (sentinel)")
	case (name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" || name == "lua-replicate-commands") && len(args) == 1:
		return nil
	}
	return fmt.Errorf("Bad directive or wrong number of arguments")
}

// fileOnly reports whether a config file line's first word is one that
// CONFIG REWRITE keeps as it is (Redis keeps include lines, and the
// others where it has them).
func fileOnly(name string) bool {
	switch strings.ToLower(name) {
	case "include", "rename-command", "user", "loadmodule", "sentinel":
		return true
	}
	return false
}

// include reads another config file in place of the line, as Redis's
// include does: a pattern with *, ? or [ reads every file it matches,
// in order, and none is no error; a plain name must open.
func (c *Config) include(path string) error {
	files := []string{path}
	if strings.ContainsAny(path, "*?[") {
		var err error
		if files, err = filepath.Glob(path); err != nil {
			return nil
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("Fatal error, can't open config file '%s': %v", name, err)
		}
		err = c.load(f, name)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
