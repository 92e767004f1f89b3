package config

import "errors"

// The classes of keyspace notifications (notify-keyspace-events), one bit
// per flag character. A command's event belongs to one class; it is
// published when its class is on and so is at least one of
// NotifyKeyspace (K, __keyspace@<db>__:<key> channels) and NotifyKeyevent
// (E, __keyevent@<db>__:<event> channels).
const (
	NotifyKeyspace int64 = 1 << iota // K
	NotifyKeyevent                   // E
	NotifyGeneric                    // g: DEL, EXPIRE, RENAME, ...
	NotifyString                     // $
	NotifyList                       // l
	NotifySet                        // s
	NotifyHash                       // h
	NotifyZset                       // z
	NotifyExpired                    // x: a key expired
	NotifyEvicted                    // e: a key was evicted
	NotifyStream                     // t (no streams yet: never emitted)
	NotifyKeyMiss                    // m: a read found no key
	NotifyModule                     // d (no modules: never emitted)
	NotifyNew                        // n: a key was created

	// NotifyAll is A: every class but m and n.
	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash |
		NotifyZset | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// notifyChars are the class characters in the order Redis prints them
// when not all of A is set.
var notifyChars = []struct {
	c    byte
	flag int64
}{
	{'g', NotifyGeneric}, {'$', NotifyString}, {'l', NotifyList}, {'s', NotifySet},
	{'h', NotifyHash}, {'z', NotifyZset}, {'x', NotifyExpired}, {'e', NotifyEvicted},
	{'t', NotifyStream}, {'d', NotifyModule}, {'n', NotifyNew},
}

var errEventClass = errors.New("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")

// ParseKeyspaceEvents turns a notify-keyspace-events value into its class
// bits; "" is none.
func ParseKeyspaceEvents(v string) (int64, error) {
	var flags int64
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case 'A':
			flags |= NotifyAll
		case 'K':
			flags |= NotifyKeyspace
		case 'E':
			flags |= NotifyKeyevent
		case 'm':
			flags |= NotifyKeyMiss
		default:
			found := false
			for _, f := range notifyChars {
				if f.c == c {
					flags, found = flags|f.flag, true
				}
			}
			if !found {
				return 0, errEventClass
			}
		}
	}
	return flags, nil
}

// FormatKeyspaceEvents prints flags as Redis 7.0 does: A for all of A's
// classes (and then, as in Redis, no n even when it is set), else each
// class in a fixed order, then K, E and m.
func FormatKeyspaceEvents(flags int64) string {
	var b []byte
	if flags&NotifyAll == NotifyAll {
		b = append(b, 'A')
	} else {
		for _, f := range notifyChars {
			if flags&f.flag != 0 {
				b = append(b, f.c)
			}
		}
	}
	for _, f := range []struct {
		c    byte
		flag int64
	}{{'K', NotifyKeyspace}, {'E', NotifyKeyevent}, {'m', NotifyKeyMiss}} {
		if flags&f.flag != 0 {
			b = append(b, f.c)
		}
	}
	return string(b)
}
