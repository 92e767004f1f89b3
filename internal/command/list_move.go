package command

import (
	"bytes"

	"github.com/shoal-cache/shoal/internal/engine"
)

// The list commands that take elements from one list to another or from
// the first of several: LMOVE, RPOPLPUSH and LMPOP. They lock all their
// keys at once.

// lmove is LMOVE and RPOPLPUSH: pop from the source, push onto the
// destination (which may be the source: the list rotates), reply with the
// element.
func lmove(c *Ctx) {
	fromHead, ok1 := parseEnd(c.Args[3])
	toHead, ok2 := parseEnd(c.Args[4])
	if !ok1 || !ok2 {
		c.Error(errSyntax)
		return
	}
	lmoveGeneric(c, fromHead, toHead)
}

func rpoplpush(c *Ctx) { lmoveGeneric(c, false, true) }

// parseEnd reads LEFT or RIGHT: true for the head.
func parseEnd(arg []byte) (head, ok bool) {
	switch {
	case is(arg, "left"):
		return true, true
	case is(arg, "right"):
		return false, true
	}
	return false, false
}

func lmoveGeneric(c *Ctx, fromHead, toHead bool) {
	srcKey, dstKey := c.Args[1], c.Args[2]
	v := c.Txn.LockKeys(c.DB(), c.Args[1:3])
	defer c.Txn.Unlock()
	se, src, ok := writeList(c, v, srcKey)
	if !ok {
		return
	}
	if src == nil {
		c.W.Null()
		return
	}
	de, dst, ok := writeList(c, v, dstKey)
	if !ok {
		return
	}
	elem := src.Pop(fromHead, nil)
	pushValues(c, v, dstKey, de, dst, [][]byte{elem}, toHead)
	if !bytes.Equal(srcKey, dstKey) {
		removedFrom(v, srcKey, se, src)
	}
	c.replyMoved(srcKey, dstKey, fromHead, toHead, src.Len(), elem)
}

// lmpopArgs is a parsed LMPOP.
type lmpopArgs struct {
	keys  [][]byte
	head  bool
	count int64
}

func parseLmpop(c *Ctx) (lmpopArgs, bool) {
	a := lmpopArgs{count: -1}
	numkeys, ok := parseInt(c.Args[1])
	if !ok || numkeys < 1 {
		c.Error("ERR numkeys should be greater than 0")
		return a, false
	}
	if numkeys > int64(len(c.Args)-3) {
		c.Error(errSyntax)
		return a, false
	}
	a.keys = c.Args[2 : 2+numkeys]
	rest := c.Args[2+numkeys:]
	if a.head, ok = parseEnd(rest[0]); !ok {
		c.Error(errSyntax)
		return a, false
	}
	for i := 1; i < len(rest); i++ {
		if a.count != -1 || !is(rest[i], "count") || i+1 == len(rest) {
			c.Error(errSyntax)
			return a, false
		}
		i++
		n, ok := parseInt(rest[i])
		if !ok || n < 1 {
			c.Error("ERR count should be greater than 0")
			return a, false
		}
		a.count = n
	}
	a.count = max(a.count, 1)
	return a, true
}

// lmpop pops from the first key that holds a list, and replies with the
// key and the elements; null when no key does.
func lmpop(c *Ctx) {
	a, ok := parseLmpop(c)
	if !ok {
		return
	}
	v := c.Txn.LockKeys(c.DB(), a.keys)
	defer c.Txn.Unlock()
	if found, ok := mpopFrom(c, v, a); ok && !found {
		c.W.NullArray()
	}
}

// mpopFrom pops from the first of a.keys that holds a list and replies
// with the key and the elements (LMPOP, BLMPOP). It reports whether a key
// held a list, and false for ok when it replied with an error.
func mpopFrom(c *Ctx, v engine.View, a lmpopArgs) (found, ok bool) {
	for _, key := range a.keys {
		e, lv, ok := writeList(c, v, key)
		if !ok {
			return false, false
		}
		if lv == nil {
			continue
		}
		c.W.Array(2)
		c.W.Bulk(key)
		n := int(min(a.count, int64(lv.Len())))
		popRange(c, lv, a.head, n)
		removedFrom(v, key, e, lv)
		c.notifyLeft(notifyList, popEvent(a.head), key, lv.Len())
		c.propagatePop(listPopWord(a.head), key, n)
		return true, true
	}
	return false, true
}
