package command

import (
	"strconv"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/types/list"
)

// List commands (Redis's t_list.c), but the blocking ones. A list lives
// in a list.List, laid out as Redis 7.0's quicklist; a list that loses its
// last element is deleted. Read commands count keyspace hits and misses
// (View.Read), write commands do not (View.Lookup).

// listValue is a list as the keyspace stores it (Entry.Obj).
type listValue struct {
	list.List
}

// Clone is a deep copy, for COPY.
func (lv *listValue) Clone() any {
	return &listValue{List: *lv.List.Clone()}
}

// newListValue returns an empty list with the node size configured now,
// as Redis fixes it when it creates a list.
func newListValue(c *Ctx) *listValue {
	return &listValue{List: *list.New(int(c.Node.hot().listFill.Int()))}
}

// readList returns the list at key for a command that reads it (counting
// a hit or miss), nil when there is none. When the key holds another type
// it replies WRONGTYPE and reports false.
func readList(c *Ctx, v engine.View, key []byte) (*engine.Entry, *listValue, bool) {
	return checkList(c, v.Read(key))
}

// writeList is readList for a command that changes the key.
func writeList(c *Ctx, v engine.View, key []byte) (*engine.Entry, *listValue, bool) {
	return checkList(c, v.Lookup(key))
}

func checkList(c *Ctx, e *engine.Entry) (*engine.Entry, *listValue, bool) {
	if e == nil {
		return nil, nil, true
	}
	lv, ok := e.Obj.(*listValue)
	if e.Kind != engine.KindList || !ok {
		c.Error(errWrongType)
		return nil, nil, false
	}
	return e, lv, true
}

// pushValues pushes values one by one at the head or the tail of the list
// at key: e and lv, or a new list when they are nil. Every push of the
// family goes through here, so this is where clients blocked on key
// (BLPOP and friends) are to be served.
func pushValues(c *Ctx, v engine.View, key []byte, e *engine.Entry, lv *listValue, values [][]byte, head bool) *listValue {
	if lv == nil {
		lv = newListValue(c)
		for _, s := range values {
			lv.Push(s, head)
		}
		v.Put(key, &engine.Entry{Kind: engine.KindList, Obj: lv}, 0)
		return lv
	}
	for _, s := range values {
		lv.Push(s, head)
	}
	v.Modified(key, e)
	return lv
}

// removedFrom records that elements left the list at key: the key goes
// with its last element.
func removedFrom(v engine.View, key []byte, e *engine.Entry, lv *listValue) {
	if lv.Len() == 0 {
		v.Delete(key)
	} else {
		v.Modified(key, e)
	}
}

// writeElem replies with one element as a bulk string.
func writeElem(w *resp.Writer, v list.Value) {
	if v.IsInt {
		w.BulkInt(v.Int)
	} else {
		writeBulk(w, v.Str)
	}
}

// writeBulk is resp.Writer.Bulk with the length formatted by hand below
// 1000: LRANGE's replies are runs of short bulk strings, and formatting
// their lengths with strconv took a quarter of their cost.
func writeBulk(w *resp.Writer, b []byte) {
	var hdr [24]byte
	w.Raw(appendBulkHeader(hdr[:0], len(b)))
	w.Raw(b)
	w.Raw(crlf)
}

var crlf = []byte("\r\n")

// appendBulkHeader appends "$n\r\n".
func appendBulkHeader(dst []byte, n int) []byte {
	dst = append(dst, '$')
	switch {
	case n < 10:
		dst = append(dst, byte('0'+n))
	case n < 100:
		dst = append(dst, byte('0'+n/10), byte('0'+n%10))
	case n < 1000:
		dst = append(dst, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
	default:
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, '\r', '\n')
}

// writeRange replies with count elements from position from, towards the
// head when reverse.
func writeRange(w *resp.Writer, lv *listValue, from, count int, reverse bool) {
	w.Array(count)
	left := count
	for _, v := range lv.All(from, reverse) {
		if left == 0 {
			break
		}
		writeElem(w, v)
		left--
	}
}

// clipRange turns LRANGE's start and stop (inclusive, negative counting
// from the tail) into a position and a count within a list of n elements,
// as Redis clips them; count is 0 for an empty range.
func clipRange(start, stop int64, n int) (from, count int) {
	if start < 0 {
		start += int64(n)
	}
	if stop < 0 {
		stop += int64(n)
	}
	start = max(start, 0)
	if start >= int64(n) || start > stop {
		return 0, 0
	}
	stop = min(stop, int64(n)-1)
	return int(start), int(stop-start) + 1
}

func lpush(c *Ctx)  { pushGeneric(c, true, false) }
func rpush(c *Ctx)  { pushGeneric(c, false, false) }
func lpushx(c *Ctx) { pushGeneric(c, true, true) }
func rpushx(c *Ctx) { pushGeneric(c, false, true) }

// pushGeneric is LPUSH and RPUSH, and with onlyExisting their X forms,
// which do nothing to a missing key.
func pushGeneric(c *Ctx, head, onlyExisting bool) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	switch {
	case !ok:
	case lv == nil && onlyExisting:
		c.W.Int(0)
	default:
		lv = pushValues(c, v, key, e, lv, c.Args[2:], head)
		c.notify(notifyList, pushEvent(head), key)
		c.W.Int(int64(lv.Len()))
	}
}

func lpop(c *Ctx) { popGeneric(c, true) }
func rpop(c *Ctx) { popGeneric(c, false) }

// popGeneric is LPOP and RPOP: one element as a bulk string, or with a
// count an array of up to that many, in the order they were popped.
func popGeneric(c *Ctx, head bool) {
	if len(c.Args) > 3 {
		c.Errorf("ERR wrong number of arguments for '%s' command", c.spec.FullName())
		return
	}
	withCount := len(c.Args) == 3
	var count int64
	if withCount {
		n, ok := parseInt(c.Args[2])
		if !ok || n < 0 {
			c.Error(errNotPositive)
			return
		}
		count = n
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	switch {
	case !ok:
	case lv == nil && withCount:
		c.W.NullArray()
	case lv == nil:
		c.W.Null()
	case withCount && count == 0:
		c.W.Array(0)
	case !withCount:
		popRange(c, lv, head, 0)
		removedFrom(v, key, e, lv)
		c.notifyLeft(notifyList, popEvent(head), key, lv.Len())
	default:
		popRange(c, lv, head, int(min(count, int64(lv.Len()))))
		removedFrom(v, key, e, lv)
		c.notifyLeft(notifyList, popEvent(head), key, lv.Len())
	}
}

// popRange replies with n elements from the head or the tail, in the
// order they are popped, and removes them. Without a count (n 0) it pops
// one and replies with it alone.
func popRange(c *Ctx, lv *listValue, head bool, n int) {
	from, reverse := 0, false
	if !head {
		from, reverse = lv.Len()-1, true
	}
	if n == 0 {
		elem, _ := lv.Index(from)
		writeElem(c.W, elem)
		n = 1
	} else {
		writeRange(c.W, lv, from, n, reverse)
	}
	if head {
		lv.DeleteRange(0, n)
	} else {
		lv.DeleteRange(lv.Len()-n, n)
	}
}

func llen(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	if _, lv, ok := readList(c, v, key); ok {
		n := 0
		if lv != nil {
			n = lv.Len()
		}
		c.W.Int(int64(n))
	}
}

func lrange(c *Ctx) {
	start, ok1 := parseInt(c.Args[2])
	stop, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Error(errNotInteger)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	_, lv, ok := readList(c, v, key)
	switch {
	case !ok:
	case lv == nil:
		c.W.Array(0)
	default:
		from, n := clipRange(start, stop, lv.Len())
		writeRange(c.W, lv, from, n, false)
	}
}

// lindex looks the key up before it reads the index, as Redis does: a
// missing key is null whatever the index.
func lindex(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	_, lv, ok := readList(c, v, key)
	if !ok {
		return
	}
	if lv == nil {
		c.W.Null()
		return
	}
	i, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if elem, ok := lv.Index(int(i)); ok {
		writeElem(c.W, elem)
	} else {
		c.W.Null()
	}
}

// lset, like LINDEX, looks the key up before it reads the index.
func lset(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	if !ok {
		return
	}
	if lv == nil {
		c.Error(errNoSuchKey)
		return
	}
	i, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if !lv.Set(int(i), c.Args[3]) {
		c.Error("ERR index out of range")
		return
	}
	v.Modified(key, e)
	c.notify(notifyList, "lset", key)
	c.W.OK()
}

// linsert replies with the new length, -1 when the pivot is not in the
// list and 0 when there is no list.
func linsert(c *Ctx) {
	var after bool
	switch {
	case is(c.Args[2], "after"):
		after = true
	case !is(c.Args[2], "before"):
		c.Error(errSyntax)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	switch {
	case !ok:
	case lv == nil:
		c.W.Int(0)
	case !lv.Insert(c.Args[3], c.Args[4], after):
		c.W.Int(-1)
	default:
		v.Modified(key, e)
		c.notify(notifyList, "linsert", key)
		c.W.Int(int64(lv.Len()))
	}
}

func lrem(c *Ctx) {
	count, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	switch {
	case !ok:
	case lv == nil:
		c.W.Int(0)
	default:
		// A count beyond the list's length removes every match.
		n := lv.Remove(c.Args[3], int(max(min(count, int64(lv.Len())), -int64(lv.Len()))))
		if n > 0 {
			removedFrom(v, key, e, lv)
			c.notifyLeft(notifyList, "lrem", key, lv.Len())
		}
		c.W.Int(int64(n))
	}
}

// ltrim signals the key as changed even when it keeps every element, as
// Redis does (a WATCH on it fails).
func ltrim(c *Ctx) {
	start, ok1 := parseInt(c.Args[2])
	stop, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Error(errNotInteger)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e, lv, ok := writeList(c, v, key)
	if !ok {
		return
	}
	if lv != nil {
		from, n := clipRange(start, stop, lv.Len())
		if n == 0 {
			from = lv.Len()
		}
		lv.DeleteRange(from+n, lv.Len())
		lv.DeleteRange(0, from)
		removedFrom(v, key, e, lv)
		c.notifyLeft(notifyList, "ltrim", key, lv.Len())
	}
	c.W.OK()
}

// errNotPositive is the error of a count that must not be negative.
const errNotPositive = "ERR value is out of range, must be positive"

func listCommands() []*Spec {
	const (
		wf  = Write | DenyOOM | Fast
		ro  = ReadOnly
		w   = Write
		wd  = Write | DenyOOM
		grp = "list"
	)
	return []*Spec{
		{Name: "lpush", Arity: -3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Prepend one or multiple elements to a list", Since: "1.0.0", Handler: lpush},
		{Name: "rpush", Arity: -3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Append one or multiple elements to a list", Since: "1.0.0", Handler: rpush},
		{Name: "lpushx", Arity: -3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Prepend an element to a list, only if the list exists", Since: "2.2.0", Handler: lpushx},
		{Name: "rpushx", Arity: -3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Append an element to a list, only if the list exists", Since: "2.2.0", Handler: rpushx},
		{Name: "lpop", Arity: -2, Flags: w | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Remove and get the first elements in a list", Since: "1.0.0", Handler: lpop},
		{Name: "rpop", Arity: -2, Flags: w | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Remove and get the last elements in a list", Since: "1.0.0", Handler: rpop},
		{Name: "llen", Arity: 2, Flags: ro | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Get the length of a list", Since: "1.0.0", Handler: llen},
		{Name: "lrange", Arity: 4, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Get a range of elements from a list", Since: "1.0.0", Handler: lrange},
		{Name: "lindex", Arity: 3, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Get an element from a list by its index", Since: "1.0.0", Handler: lindex},
		{Name: "lset", Arity: 4, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Set the value of an element in a list by its index", Since: "1.0.0", Handler: lset},
		{Name: "linsert", Arity: 5, Flags: wd, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Insert an element before or after another element in a list", Since: "2.2.0", Handler: linsert},
		{Name: "lrem", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Remove elements from a list", Since: "1.0.0", Handler: lrem},
		{Name: "ltrim", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Trim a list to the specified range", Since: "1.0.0", Handler: ltrim},
		{Name: "lpos", Arity: -3, Flags: ro, FirstKey: 1, LastKey: 1, Step: 1, Group: grp, Summary: "Return the index of matching elements on a list", Since: "6.0.6", Handler: lpos},
		{Name: "lmove", Arity: 5, Flags: wd, FirstKey: 1, LastKey: 2, Step: 1, Group: grp, Summary: "Pop an element from a list, push it to another list and return it", Since: "6.2.0", Handler: lmove},
		{Name: "rpoplpush", Arity: 3, Flags: wd, FirstKey: 1, LastKey: 2, Step: 1, Group: grp, Summary: "Remove the last element in a list, prepend it to another list and return it", Since: "1.2.0", Handler: rpoplpush},
		// LMPOP's keys follow its numkeys argument; Redis reports them
		// with a keynum key spec and the movablekeys flag.
		{Name: "lmpop", Arity: -4, Flags: w, Group: grp, Summary: "Pop elements from a list", Since: "7.0.0", Handler: lmpop},
		// The blocking forms (list_block.go).
		{Name: "blpop", Arity: -3, Flags: w | NoScript | Blocking, FirstKey: 1, LastKey: -2, Step: 1, Group: grp, Summary: "Remove and get the first element in a list, or block until one is available", Since: "2.0.0", Handler: blpop},
		{Name: "brpop", Arity: -3, Flags: w | NoScript | Blocking, FirstKey: 1, LastKey: -2, Step: 1, Group: grp, Summary: "Remove and get the last element in a list, or block until one is available", Since: "2.0.0", Handler: brpop},
		{Name: "brpoplpush", Arity: 4, Flags: wd | NoScript | Blocking, FirstKey: 1, LastKey: 2, Step: 1, Group: grp, Summary: "Pop an element from a list, push it to another list and return it; or block until one is available", Since: "2.2.0", Handler: brpoplpush},
		{Name: "blmove", Arity: 6, Flags: wd | NoScript | Blocking, FirstKey: 1, LastKey: 2, Step: 1, Group: grp, Summary: "Pop an element from a list, push it to another list and return it; or block until one is available", Since: "6.2.0", Handler: blmove},
		{Name: "blmpop", Arity: -5, Flags: w | Blocking, Group: grp, Summary: "Pop elements from a list, or block until one is available", Since: "7.0.0", Handler: blmpop},
	}
}
