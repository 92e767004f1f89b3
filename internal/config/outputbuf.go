package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Client classes of client-output-buffer-limit, in the order CONFIG GET
// lists them.
const (
	ClassNormal = iota
	ClassReplica
	ClassPubSub
	numClasses
)

// OutputBufferLimit is one client class's client-output-buffer-limit: a
// client is disconnected when its pending output reaches Hard bytes, or
// stays at Soft bytes or more for longer than SoftSeconds. Zero turns a
// limit off.
type OutputBufferLimit struct {
	Hard, Soft  uint64
	SoftSeconds int64
}

// The errors Redis 7.0 gives for a bad client-output-buffer-limit.
var (
	errBufferLimitArgs  = errors.New("Wrong number of arguments in buffer limit configuration.")
	errBufferLimitClass = errors.New("Invalid client class specified in buffer limit configuration.")
	errBufferLimitValue = errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
)

// ClientOutputBufferLimit returns the limit of a client class (ClassPubSub,
// ...). The stored value is always the canonical form merge writes, so
// this only reads numbers back.
func (c *Config) ClientOutputBufferLimit(class int) OutputBufferLimit {
	limits, _ := parseBufferLimits(c.String("client-output-buffer-limit"), [numClasses]OutputBufferLimit{})
	return limits[class]
}

// checkBufferLimits validates a client-output-buffer-limit value: groups of
// "class hard soft soft_seconds", as Redis's CONFIG SET accepts them.
func checkBufferLimits(v string) error {
	_, err := parseBufferLimits(v, [numClasses]OutputBufferLimit{})
	return err
}

// mergeBufferLimits applies the classes v names over the old value, as
// Redis does: a CONFIG SET naming only pubsub keeps the other classes. It
// returns the canonical form CONFIG GET prints (sizes in bytes, the
// replica class named "slave").
func mergeBufferLimits(old, v string) string {
	base, _ := parseBufferLimits(old, [numClasses]OutputBufferLimit{})
	limits, err := parseBufferLimits(v, base)
	if err != nil {
		return old // validated before; keep the old value rather than lose it
	}
	names := [numClasses]string{"normal", "slave", "pubsub"}
	parts := make([]string, numClasses)
	for i, l := range limits {
		parts[i] = fmt.Sprintf("%s %d %d %d", names[i], l.Hard, l.Soft, l.SoftSeconds)
	}
	return strings.Join(parts, " ")
}

// rewriteBufferLimits writes a line per client class, in the order CONFIG
// GET lists them, as Redis does: "client-output-buffer-limit replica 256mb
// 64mb 60" (the replica class under its new name, sizes in units). A class
// at its default is written only where the old file has a line left.
func rewriteBufferLimits(p *param, value string) []fileLine {
	limits, _ := parseBufferLimits(value, [numClasses]OutputBufferLimit{})
	defaults, _ := parseBufferLimits(p.defValue, [numClasses]OutputBufferLimit{})
	names := [numClasses]string{"normal", "replica", "pubsub"}
	lines := make([]fileLine, numClasses)
	for i, l := range limits {
		lines[i] = fileLine{fmt.Sprintf("%s %s %s %s %d", p.name, names[i], formatMemory(l.Hard), formatMemory(l.Soft), l.SoftSeconds),
			l != defaults[i]}
	}
	return lines
}

// parseBufferLimits applies the groups of v over limits, in order. Redis
// splits the value on single spaces, so two spaces in a row make an empty
// argument (which reads as 0).
func parseBufferLimits(v string, limits [numClasses]OutputBufferLimit) ([numClasses]OutputBufferLimit, error) {
	if v == "" {
		return limits, nil
	}
	if (strings.Count(v, " ")+1)%4 != 0 {
		return limits, errBufferLimitArgs
	}
	// strings.Cut rather than Split: the server reads the limits on every
	// message it pushes, and this way reading them allocates nothing.
	for rest := v; rest != ""; {
		var name, hardArg, softArg, secsArg string
		name, rest, _ = strings.Cut(rest, " ")
		hardArg, rest, _ = strings.Cut(rest, " ")
		softArg, rest, _ = strings.Cut(rest, " ")
		secsArg, rest, _ = strings.Cut(rest, " ")
		class, ok := bufferLimitClass(name)
		if !ok {
			return limits, errBufferLimitClass
		}
		hard, okHard := memToULL(hardArg)
		soft, okSoft := memToULL(softArg)
		secs, okSecs := strToLL(secsArg)
		// Redis keeps the seconds in an int: the value wraps to 32 bits
		// before the sign check.
		secs = int64(int32(secs))
		if !okHard || !okSoft || !okSecs || secs < 0 {
			return limits, errBufferLimitValue
		}
		limits[class] = OutputBufferLimit{Hard: hard, Soft: soft, SoftSeconds: secs}
	}
	return limits, nil
}

// bufferLimitClass maps a class name to its class; "master" is a client
// type but has no limit of its own.
func bufferLimitClass(name string) (int, bool) {
	switch strings.ToLower(name) {
	case "normal":
		return ClassNormal, true
	case "slave", "replica":
		return ClassReplica, true
	case "pubsub":
		return ClassPubSub, true
	}
	return 0, false
}

// memToULL reads a size as Redis 7.0's memtoull: digits then an optional
// unit (b, k, kb, m, mb, g, gb), no sign. Like strtoull, too many digits
// saturate, and like the C multiplication a large count of units wraps.
func memToULL(s string) (uint64, bool) {
	if strings.HasPrefix(s, "-") {
		return 0, false
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil && i > 0 {
		n = math.MaxUint64 // only a range error is possible here
	}
	return n * mul, true
}

// strToLL reads an integer as C's strtoll with an end check: leading
// white space and a sign allowed, saturating on overflow; "" reads as 0.
func strToLL(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return 0, false
	}
	// n saturates at MaxInt64+1, which is all that a C long long and its
	// ERANGE clamping can tell apart.
	var n uint64
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
		d := uint64(t[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64 + 1
		} else {
			n = n*10 + d
		}
	}
	switch {
	case neg && n > math.MaxInt64:
		return math.MinInt64, true
	case neg:
		return -int64(n), true
	case n > math.MaxInt64:
		return math.MaxInt64, true
	}
	return int64(n), true
}
