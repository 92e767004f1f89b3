package command

import "github.com/shoal-cache/shoal/internal/engine"

// The commands that read or change part of a string: APPEND, STRLEN,
// GETRANGE (and its old name SUBSTR) and SETRANGE.

// checkStringLength refuses a string that would grow past
// proto-max-bulk-len: size bytes already there plus n more.
func checkStringLength(c *Ctx, size, n int64) bool {
	total := uint64(size) + uint64(n)
	if total > uint64(c.Node.Config.Int("proto-max-bulk-len")) || total < uint64(size) {
		c.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
		return false
	}
	return true
}

// appendCmd appends in place, keeping the TTL; the value is then "raw"
// as Redis reports it. A new key takes the argument as a plain value.
func appendCmd(c *Ctx) {
	key, val := c.Args[1], c.Args[2]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := writeString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		v.Put(key, engine.NewString(append([]byte(nil), val...)), 0)
		c.notify(notifyString, "append", key)
		c.W.Int(int64(len(val)))
		return
	}
	if !checkStringLength(c, int64(len(e.Str)), int64(len(val))) {
		return
	}
	e.Str = append(e.Str, val...)
	e.Raw = true
	v.Modified(key, e)
	c.notify(notifyString, "append", key)
	c.W.Int(int64(len(e.Str)))
}

func strlen(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(len(e.Str)))
}

// getrange is GETRANGE and SUBSTR: inclusive byte offsets, negative ones
// counted from the end, clamped to the string.
func getrange(c *Ctx) {
	start, ok1 := parseInt(c.Args[2])
	end, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Error(errNotInteger)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := readString(c, v, key)
	if !ok {
		return
	}
	if e == nil {
		c.W.BulkString("")
		return
	}
	from, to, ok := byteRange(start, end, int64(len(e.Str)))
	if !ok {
		c.W.BulkString("")
		return
	}
	c.W.Bulk(e.Str[from : to+1])
}

// byteRange resolves GETRANGE's offsets against a string of n bytes,
// as Redis does (including its special case of two negative offsets in
// reverse order), and reports false when the range is empty.
func byteRange(start, end, n int64) (int64, int64, bool) {
	if start < 0 && end < 0 && start > end {
		return 0, 0, false
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, n-1)
	if start > end || n == 0 {
		return 0, 0, false
	}
	return start, end, true
}

// setrange writes the argument at offset, padding with zero bytes; an
// empty argument changes nothing (and creates no key).
func setrange(c *Ctx) {
	offset, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if offset < 0 {
		c.Error("ERR offset is out of range")
		return
	}
	key, val := c.Args[1], c.Args[3]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, ok := writeString(c, v, key)
	if !ok {
		return
	}
	if len(val) == 0 {
		if e == nil {
			c.W.Int(0)
		} else {
			c.W.Int(int64(len(e.Str)))
		}
		return
	}
	if !checkStringLength(c, offset, int64(len(val))) {
		return
	}
	if e == nil {
		e = &engine.Entry{Kind: engine.KindString}
		v.Put(key, e, 0)
	}
	e.Str = growZero(e.Str, int(offset)+len(val))
	copy(e.Str[offset:], val)
	e.Raw = true
	v.Modified(key, e)
	c.notify(notifyString, "setrange", key)
	c.W.Int(int64(len(e.Str)))
}

// growZero extends b with zero bytes to at least n bytes.
func growZero(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	return append(b, make([]byte, n-len(b))...)
}
