package command

import (
	"bytes"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// The blocking list commands: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE and BLMPOP.
// Each first does what its non-blocking form does; when every key is empty
// the client is parked (blocking.go) until a push serves it or its timeout
// passes, which answers a null array. Inside EXEC they never block: with
// nothing to pop they answer at once, BLPOP's family with a null array and
// the moving ones with a null, as Redis does.

func nullArrayReply(w *resp.Writer) { w.NullArray() }

func blpop(c *Ctx) { bpopGeneric(c, true) }
func brpop(c *Ctx) { bpopGeneric(c, false) }

// bpopGeneric pops one element from the first of the keys that holds a
// list and replies with the key and the element.
func bpopGeneric(c *Ctx, head bool) {
	timeout, ok := parseTimeout(c, c.Args[len(c.Args)-1])
	if !ok {
		return
	}
	keys := c.Args[1 : len(c.Args)-1]
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	for _, key := range keys {
		e, lv, ok := writeList(c, v, key)
		if !ok {
			return
		}
		if lv == nil {
			continue
		}
		c.W.Array(2)
		c.W.Bulk(key)
		popRange(c, lv, head, 0)
		removedFrom(v, key, e, lv)
		c.notifyLeft(notifyList, popEvent(head), key, lv.Len())
		c.propagatePop(listPopWord(head), key, 0)
		return
	}
	if c.inExec {
		c.W.NullArray()
		return
	}
	c.block(keys, timeout, nullArrayReply)
}

func brpoplpush(c *Ctx) {
	timeout, ok := parseTimeout(c, c.Args[3])
	if !ok {
		return
	}
	bmoveGeneric(c, false, true, timeout)
}

func blmove(c *Ctx) {
	fromHead, ok1 := parseEnd(c.Args[3])
	toHead, ok2 := parseEnd(c.Args[4])
	if !ok1 || !ok2 {
		c.Error(errSyntax)
		return
	}
	timeout, ok := parseTimeout(c, c.Args[5])
	if !ok {
		return
	}
	bmoveGeneric(c, fromHead, toHead, timeout)
}

// bmoveGeneric is LMOVE that waits for the source to hold a list.
func bmoveGeneric(c *Ctx, fromHead, toHead bool, timeout time.Duration) {
	srcKey, dstKey := c.Args[1], c.Args[2]
	v := c.Txn.LockKeys(c.DB(), c.Args[1:3])
	se, src, ok := writeList(c, v, srcKey)
	if !ok {
		c.Txn.Unlock()
		return
	}
	if src == nil {
		c.Txn.Unlock()
		if c.inExec {
			c.W.Null()
			return
		}
		c.block(c.Args[1:2], timeout, nullArrayReply)
		return
	}
	defer c.Txn.Unlock()
	de, dst, ok := writeList(c, v, dstKey)
	if !ok {
		return
	}
	elem := src.Pop(fromHead, nil)
	pushValues(c, v, dstKey, de, dst, [][]byte{elem}, toHead)
	if !bytes.Equal(srcKey, dstKey) {
		removedFrom(v, srcKey, se, src)
	}
	if c.propagating() {
		c.propagateAs(wordLMOVE, srcKey, dstKey, endWord(fromHead), endWord(toHead))
	}
	c.replyMoved(srcKey, dstKey, fromHead, toHead, src.Len(), elem)
}

// blmpop is LMPOP with a timeout first. Redis reads the timeout last,
// after LMPOP's arguments: a bad COUNT is reported before a bad timeout.
func blmpop(c *Ctx) {
	args := c.Args
	c.Args = args[1:] // LMPOP's arguments, shifted by the timeout
	a, ok := parseLmpop(c)
	c.Args = args
	if !ok {
		return
	}
	timeout, ok := parseTimeout(c, c.Args[1])
	if !ok {
		return
	}
	v := c.Txn.LockKeys(c.DB(), a.keys)
	defer c.Txn.Unlock()
	if found, ok := mpopFrom(c, v, a); found || !ok {
		return
	}
	if c.inExec {
		c.W.NullArray()
		return
	}
	c.block(a.keys, timeout, nullArrayReply)
}
