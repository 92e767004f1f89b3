package command

import "math"

// setFlags are the options of SET and GETEX.
type setFlags uint16

const (
	setNX setFlags = 1 << iota
	setXX
	setGet
	setKeepTTL
	setPersist
	setEX
	setPX
	setEXAT
	setPXAT

	setExpireFlags = setEX | setPX | setEXAT | setPXAT
)

// setArgs are SET's or GETEX's parsed options.
type setArgs struct {
	flags setFlags
	// expire is the argument of EX/PX/EXAT/PXAT, nil without one. It is
	// checked only when the command gets to it, as Redis does (GETEX of a
	// missing key replies null whatever the value).
	expire []byte
}

// parseSetArgs parses the options after SET's value (forSet) or GETEX's
// key, with Redis's rules for which ones conflict: NX with XX, KEEPTTL or
// PERSIST with any expiry, two different expiry options. Repeating the same
// option is allowed; the last value wins. SET accepts NX, XX, GET and
// KEEPTTL; GETEX accepts PERSIST.
func parseSetArgs(c *Ctx, opts [][]byte, forSet bool) (setArgs, bool) {
	var a setArgs
	for i := 0; i < len(opts); i++ {
		opt := opts[i]
		hasNext := i+1 < len(opts)
		switch {
		case forSet && is(opt, "nx") && a.flags&setXX == 0:
			a.flags |= setNX
		case forSet && is(opt, "xx") && a.flags&setNX == 0:
			a.flags |= setXX
		case forSet && is(opt, "get"):
			a.flags |= setGet
		case forSet && is(opt, "keepttl") && a.flags&(setPersist|setExpireFlags) == 0:
			a.flags |= setKeepTTL
		case !forSet && is(opt, "persist") && a.flags&(setKeepTTL|setExpireFlags) == 0:
			a.flags |= setPersist
		default:
			f := expireOption(opt)
			if f == 0 || !hasNext || a.flags&(setKeepTTL|setPersist|setExpireFlags&^f) != 0 {
				c.Error(errSyntax)
				return a, false
			}
			a.flags |= f
			a.expire = opts[i+1]
			i++
		}
	}
	return a, true
}

// expireOption returns the flag an expiry option names, 0 if none.
func expireOption(opt []byte) setFlags {
	switch {
	case is(opt, "ex"):
		return setEX
	case is(opt, "px"):
		return setPX
	case is(opt, "exat"):
		return setEXAT
	case is(opt, "pxat"):
		return setPXAT
	}
	return 0
}

// expireAt turns the expiry option into an absolute Unix time in ms (0
// when there is none), as Redis's getExpireMillisecondsOrReply does:
// the value must be a positive integer, and relative times are added to
// now; a result that overflows is an invalid expire time.
func (a setArgs) expireAt(c *Ctx, now int64) (int64, bool) {
	if a.expire == nil {
		return 0, true
	}
	n, ok := parseInt(a.expire)
	if !ok {
		c.Error(errNotInteger)
		return 0, false
	}
	seconds := a.flags&(setEX|setEXAT) != 0
	if n <= 0 || (seconds && n > math.MaxInt64/1000) {
		invalidExpireTime(c)
		return 0, false
	}
	if seconds {
		n *= 1000
	}
	if a.flags&(setEX|setPX) != 0 {
		n += now // wraps negative on overflow, caught below
	}
	if n <= 0 {
		invalidExpireTime(c)
		return 0, false
	}
	return n, true
}

func invalidExpireTime(c *Ctx) {
	c.Error("ERR invalid expire time in '" + c.Spec().FullName() + "' command")
}
