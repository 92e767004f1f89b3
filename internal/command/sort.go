package command

import (
	"bytes"
	"math"
	"slices"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/list"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// SORT and SORT_RO, done as Redis 7.0's sort.c does them, because its
// quirks show in the replies:
//
//   - a missing key sorts as an empty list; a key of another type than
//     list, set or sorted set is WRONGTYPE, checked after the options;
//   - numeric sorting reads each weight with a bare strtod (so "" is 0
//     and " 1" is 1) and breaks ties by comparing the elements' bytes;
//     a weight that is not a number fails the command only once every
//     weight was read;
//   - BY with a pattern without "*" does not sort: a list or sorted set
//     comes in its own order (DESC reverses it, LIMIT cuts it), a set in
//     its iteration order, except with STORE or in a script, where Redis
//     sorts it ALPHA to make the result deterministic;
//   - a BY key that is missing weighs 0, or sorts first with ALPHA;
//   - STORE writes a list, or deletes the destination for an empty
//     result, and a GET of a missing key stores an empty string there.
//
// BY and GET patterns name keys made from the elements, so no key list
// given up front says what the command reads: such a SORT locks every
// shard of the database for its run, which keeps it atomic. A STORE is
// propagated as sent, as SINTERSTORE is: with the keys it read replicated
// first (expired ones as DEL) and the set case sorted, replaying it gives
// the same list.

// sortArgs is a parsed SORT or SORT_RO.
type sortArgs struct {
	key, by, store []byte
	gets           [][]byte
	// dontSort is BY with a pattern without "*". Redis never clears it,
	// so a later BY with "*" does not sort either.
	dontSort      bool
	offset, count int64 // LIMIT; count < 0 is all
	desc, alpha   bool
}

// sortItem is an element being sorted with its weight.
type sortItem struct {
	elem  []byte
	score float64
	// by is ALPHA BY's weight, which hasBy says was found.
	by    []byte
	hasBy bool
}

func sortCmd(c *Ctx)   { sortGeneric(c, false) }
func sortROCmd(c *Ctx) { sortGeneric(c, true) }

func sortGeneric(c *Ctx, readonly bool) {
	a, ok := parseSort(c, readonly)
	if !ok {
		return
	}
	v := lockSortKeys(c, a)
	defer c.Txn.Unlock()
	e := v.Read(a.key)
	if !sortable(c, e) {
		return
	}
	if e != nil && e.Kind == engine.KindZSet {
		// Redis's SORT (and SORT_RO) converts a listpack sorted set to a
		// skiplist for good before it reads it, even when the sort then
		// fails: OBJECT ENCODING and DUMP show it.
		if z := e.Obj.(*zsetValue).set(); z.Encoding() == "listpack" {
			v.Reencode(a.key, e, z.Expand)
		}
	}
	if a.dontSort && e != nil && e.Kind == engine.KindSet && (a.store != nil || c.inScript()) {
		a.dontSort, a.alpha, a.by = false, true, nil
	}
	items, cut := loadSortItems(c, a, e)
	if !a.dontSort && !weighItems(v, a, items) {
		c.Error("ERR One or more scores can't be converted into double")
		return
	}
	if !a.dontSort {
		slices.SortStableFunc(items, sortCompare(a))
	}
	emitSorted(c, v, a, items, cut)
}

func parseSort(c *Ctx, readonly bool) (sortArgs, bool) {
	a := sortArgs{key: c.Args[1], count: -1}
	args := c.Args
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch {
		case is(args[j], "asc"):
			a.desc = false
		case is(args[j], "desc"):
			a.desc = true
		case is(args[j], "alpha"):
			a.alpha = true
		case is(args[j], "limit") && left >= 2:
			var ok bool
			if a.offset, a.count, ok = parseLimit(c, args[j+1], args[j+2]); !ok {
				return a, false
			}
			j += 2
		case !readonly && is(args[j], "store") && left >= 1:
			a.store = args[j+1]
			j++
		case is(args[j], "by") && left >= 1:
			a.by = args[j+1]
			if bytes.IndexByte(a.by, '*') < 0 {
				a.dontSort = true
			}
			j++
		case is(args[j], "get") && left >= 1:
			a.gets = append(a.gets, args[j+1])
			j++
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	return a, true
}

// lockSortKeys locks the key and the destination, or the whole database
// when BY or GET patterns may read any key.
func lockSortKeys(c *Ctx, a sortArgs) engine.View {
	db := c.DB()
	if a.gets != nil || a.by != nil && !a.dontSort {
		c.Txn.All(db)
	} else {
		c.Txn.Key(db, a.key)
		if a.store != nil {
			c.Txn.Key(db, a.store)
		}
	}
	c.Txn.Acquire()
	return c.Txn.View(db)
}

// sortable reports whether e is missing or a list, set or sorted set,
// and replies WRONGTYPE when it is not.
func sortable(c *Ctx, e *engine.Entry) bool {
	if e == nil {
		return true
	}
	switch e.Kind {
	case engine.KindList:
		_, _, ok := checkList(c, e)
		return ok
	case engine.KindSet, engine.KindZSet:
		return true
	}
	c.Error(errWrongType)
	return false
}

// inScript reports whether a script called the command.
func (c *Ctx) inScript() bool {
	_, ok := c.Conn.(*scriptConn)
	return ok
}

// sortWindow returns the first and last positions LIMIT selects out of n
// elements, as Redis computes them (last < first for none).
func sortWindow(a sortArgs, n int64) (start, end int64) {
	start = max(a.offset, 0)
	end = n - 1
	// start+count-1 may pass MaxInt64: Redis's window then still ends at
	// the last element, so compare before adding.
	if a.count >= 0 && a.count-1 < end-start {
		end = start + a.count - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	return start, min(end, n-1)
}

// loadSortItems returns the elements of e (a missing key has none). A
// list or sorted set that is not to be sorted yields only the window
// LIMIT selects, in DESC's direction, and reports it cut so; the others
// yield all their elements.
func loadSortItems(c *Ctx, a sortArgs, e *engine.Entry) (items []sortItem, cut bool) {
	if e == nil {
		return nil, false
	}
	switch e.Kind {
	case engine.KindList:
		l := e.Obj.(*listValue)
		if !a.dontSort {
			for _, x := range l.All(0, false) {
				items = append(items, sortItem{elem: x.Append(nil)})
			}
			return items, false
		}
		start, end := sortWindow(a, int64(l.Len()))
		from := start
		if a.desc {
			from = int64(l.Len()) - start - 1
		}
		for _, x := range l.All(int(from), a.desc) {
			if int64(len(items)) > end-start {
				break
			}
			items = append(items, sortItem{elem: x.Append(nil)})
		}
		return items, true
	case engine.KindSet:
		s, _ := asSet(c, e)
		for i := range s.Len() {
			items = append(items, sortItem{elem: s.At(i).AppendTo(nil)})
		}
		return items, false
	}
	z, _ := checkZSet(c, e)
	add := func(m []byte, _ float64) bool {
		items = append(items, sortItem{elem: bytes.Clone(m)})
		return true
	}
	if !a.dontSort {
		z.Ascend(0, add)
		return items, false
	}
	start, end := sortWindow(a, int64(z.Len()))
	if end < start {
		return nil, true
	}
	keep := func(m []byte, s float64) bool { return add(m, s) && int64(len(items)) <= end-start }
	if a.desc {
		z.Descend(z.Len()-int(start)-1, keep)
	} else {
		z.Ascend(int(start), keep)
	}
	return items, true
}

// weighItems sets the items' weights: the elements themselves or what the
// BY pattern finds. It reports false when a numeric weight is not a
// number.
func weighItems(v engine.View, a sortArgs, items []sortItem) bool {
	ok := true
	for i := range items {
		w := items[i].elem
		if a.by != nil {
			var found bool
			if w, found = lookupByPattern(v, a.by, items[i].elem); !found {
				continue
			}
		}
		if a.alpha {
			if a.by != nil {
				items[i].by, items[i].hasBy = bytes.Clone(w), true
			}
			continue
		}
		f, good := sortWeight(w)
		items[i].score = f
		ok = ok && good
	}
	return ok
}

// sortWeight reads a numeric weight as Redis does: strtod must use every
// byte up to the first NUL (C strings end there), without NaN or range
// error. An empty weight is 0.
func sortWeight(b []byte) (float64, bool) {
	b = cString(b)
	f, n, rangeErr := zset.Strtod(b)
	return f, n == len(b) && !rangeErr && !math.IsNaN(f)
}

// sortCompare is Redis's sortCompare. ALPHA compares with strcoll unless
// storing; Shoal has only the C locale, where strcoll is strcmp, which
// stops at a NUL.
func sortCompare(a sortArgs) func(x, y sortItem) int {
	coll := func(p, q []byte) int {
		if a.store != nil {
			return bytes.Compare(p, q)
		}
		return bytes.Compare(cString(p), cString(q))
	}
	var cmp func(x, y sortItem) int
	switch {
	case !a.alpha:
		cmp = func(x, y sortItem) int {
			switch {
			case x.score > y.score:
				return 1
			case x.score < y.score:
				return -1
			}
			return bytes.Compare(x.elem, y.elem) // deterministic ties
		}
	case a.by != nil:
		cmp = func(x, y sortItem) int {
			switch {
			case x.hasBy && y.hasBy:
				return coll(x.by, y.by)
			case x.hasBy == y.hasBy:
				return 0
			case !x.hasBy:
				return -1
			}
			return 1
		}
	default:
		cmp = func(x, y sortItem) int { return coll(x.elem, y.elem) }
	}
	if a.desc {
		return func(x, y sortItem) int { return -cmp(x, y) }
	}
	return cmp
}

// emitSorted replies with the window LIMIT selects, each element or what
// its GET patterns find, or stores that as a list at the destination.
func emitSorted(c *Ctx, v engine.View, a sortArgs, items []sortItem, cut bool) {
	window := items
	if !cut {
		window = nil
		if start, end := sortWindow(a, int64(len(items))); end >= start {
			window = items[start : end+1]
		}
	}
	if a.store == nil {
		replySorted(c, v, a, window)
		return
	}
	storeSorted(c, v, a, window)
}

func replySorted(c *Ctx, v engine.View, a sortArgs, window []sortItem) {
	c.W.Array(len(window) * max(len(a.gets), 1))
	for _, it := range window {
		if a.gets == nil {
			c.W.Bulk(it.elem)
		}
		for _, p := range a.gets {
			if val, ok := lookupByPattern(v, p, it.elem); ok {
				c.W.Bulk(val)
			} else {
				c.W.Null()
			}
		}
	}
}

// storeSorted replaces the destination with the result as a list, a GET
// that found nothing storing an empty string, or deletes it when the
// result is empty.
func storeSorted(c *Ctx, v engine.View, a sortArgs, window []sortItem) {
	var values [][]byte
	for _, it := range window {
		if a.gets == nil {
			values = append(values, it.elem)
		}
		for _, p := range a.gets {
			val, _ := lookupByPattern(v, p, it.elem)
			values = append(values, bytes.Clone(val))
		}
	}
	if len(values) == 0 {
		if v.Delete(a.store) {
			c.notifyDel(a.store)
		}
	} else {
		// Redis builds the list with a quicklist's defaults, not
		// list-max-listpack-size: it keeps 8 KB nodes for good.
		lv := &listValue{List: *list.New(list.DefaultFill)}
		for _, val := range values {
			lv.Push(val, false)
		}
		v.Put(a.store, &engine.Entry{Kind: engine.KindList, Obj: lv}, 0)
		c.notify(notifyList, "sortstore", a.store)
	}
	c.W.Int(int64(len(values)))
}

// lookupByPattern is Redis's lookupKeyByPattern: "#" is the element
// itself; otherwise the first "*" is replaced by the element, and a
// "->field" after it reads that hash field instead of a string. A
// missing key or field, or a key of another type, finds nothing. The
// result is valid until the keyspace changes.
func lookupByPattern(v engine.View, pattern, elem []byte) ([]byte, bool) {
	if len(pattern) == 1 && pattern[0] == '#' {
		return elem, true
	}
	star := bytes.IndexByte(pattern, '*')
	if star < 0 {
		return nil, false
	}
	postfix, field := pattern[star+1:], []byte(nil)
	if f := bytes.Index(postfix, []byte("->")); f >= 0 && f+2 < len(postfix) {
		postfix, field = postfix[:f], postfix[f+2:]
	}
	key := make([]byte, 0, star+len(elem)+len(postfix))
	key = append(append(append(key, pattern[:star]...), elem...), postfix...)
	e := v.Read(key)
	switch {
	case e == nil:
		return nil, false
	case field != nil:
		if e.Kind != engine.KindHash {
			return nil, false
		}
		val, ok := e.Obj.(hashValue).Get(field)
		if !ok {
			return nil, false
		}
		return val.Append(nil), true
	case e.Kind != engine.KindString:
		return nil, false
	}
	return e.Str, true
}

func sortCommands() []*Spec {
	cats := []string{"set", "sortedset", "list", "dangerous"}
	return []*Spec{
		{Name: "sort", Arity: -2, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic",
			Categories: cats, OwnCategories: true,
			Summary: "Sort the elements in a list, set or sorted set", Since: "1.0.0", Handler: sortCmd},
		{Name: "sort_ro", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: "generic",
			Categories: cats, OwnCategories: true,
			Summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", Since: "7.0.0", Handler: sortROCmd},
	}
}

// SORT's key specs, as Redis 7.0 gives them: the key it sorts, then
// "unknown" specs for the keys BY and GET patterns make and for STORE's
// destination, which may come anywhere among the options.
func init() {
	source := keySpec{Flags: []string{"RO", "access"}, Index: 1, LastKey: 0, Step: 1}
	patterns := keySpec{Notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
		Flags: []string{"RO", "access"}, Unknown: true}
	store := keySpec{Notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
		Flags: []string{"OW", "update"}, Unknown: true, find: sortStoreKey}
	multiKeySpecs["sort"] = []keySpec{source, patterns, store}
	multiKeySpecs["sort_ro"] = []keySpec{source, patterns}
}

// sortStoreKey finds STORE's destination as Redis's sortGetKeys does: it
// skips the arguments of LIMIT, GET and BY, and takes the last STORE.
func sortStoreKey(args [][]byte) []int {
	var pos []int
	for i := 2; i < len(args); i++ {
		switch {
		case is(args[i], "limit"):
			i += 2
		case is(args[i], "get"), is(args[i], "by"):
			i++
		case is(args[i], "store") && i+1 < len(args):
			pos = []int{i + 1}
		}
	}
	return pos
}
