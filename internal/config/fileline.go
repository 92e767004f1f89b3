package config

import (
	"strconv"

	"github.com/shoal-cache/shoal/internal/resp"
)

// A fileLine is one line a directive is written as in a rewritten config
// file (CONFIG REWRITE). It takes the place of a line of the old file that
// set the directive; where none is left it is appended, but only if always
// is set: the value is not the default, or Redis writes the directive
// whatever its value (dir, save).
type fileLine struct {
	text   string
	always bool
}

// fileLines returns the lines the directive is written as when its value
// is value, in Redis 7.0's form: numbers, yes/no and enums as CONFIG GET
// shows them, sizes with the largest of the units gb, mb and kb that
// divides them, strings and keyspace event flags always in double quotes
// (Redis's sdscatrepr). None means the directive has no line: a line the
// old file has for it is removed.
func (p *param) fileLines(value string) []fileLine {
	if p.rewrite != nil {
		return p.rewrite(p, value)
	}
	text := value
	switch p.kind {
	case kindMemory:
		n, _ := ParseMemory(value)
		text = formatMemory(uint64(n))
	case kindString, kindFlags:
		text = quoteValue(value)
	}
	return []fileLine{{p.name + " " + text, value != p.defValue}}
}

// formatMemory writes a size as Redis's rewriteConfigFormatMemory does:
// in gb, mb or kb when it is a whole number of them, else in bytes.
func formatMemory(n uint64) string {
	for _, u := range []struct {
		suffix string
		size   uint64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatUint(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatUint(n, 10)
}

// quoteValue is v in double quotes, escaped as Redis's sdscatrepr does.
func quoteValue(v string) string { return string(resp.AppendRepr(nil, []byte(v))) }

// rewriteAlways writes the directive whatever its value, as Redis writes
// dir.
func rewriteAlways(p *param, value string) []fileLine {
	return []fileLine{{p.name + " " + quoteValue(value), true}}
}

// rewriteUnlessEmpty is for the directives Redis keeps as "no value" when
// empty (requirepass, masterauth, ...): empty, the directive is left out
// of the file; set, it is written, the password too, in clear, as Redis
// writes it.
func rewriteUnlessEmpty(p *param, value string) []fileLine {
	if value == "" {
		return nil
	}
	return rewriteAlways(p, value)
}

// rewriteBind writes the addresses unquoted, as given; at its default,
// bind is left out of the file, as Redis leaves out its own default.
func rewriteBind(p *param, value string) []fileLine {
	if value == p.defValue {
		return nil
	}
	if value == "" {
		value = `""`
	}
	return []fileLine{{p.name + " " + value, true}}
}

// rewriteReplicaOf writes the primary a replica follows ("host port"); a
// primary's file loses its replicaof lines, as in Redis.
func rewriteReplicaOf(p *param, value string) []fileLine {
	if value == "" {
		return nil
	}
	return []fileLine{{p.name + " " + value, true}}
}
