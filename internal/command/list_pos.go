package command

// LPOS: the positions of the elements equal to one, counted from the head
// whichever way the search runs.

// lposArgs is a parsed LPOS. count is -1 without COUNT; maxlen 0 looks at
// the whole list.
type lposArgs struct {
	elem                []byte
	rank, count, maxlen int64
}

func parseLpos(c *Ctx) (lposArgs, bool) {
	a := lposArgs{elem: c.Args[2], rank: 1, count: -1}
	opts := c.Args[3:]
	for i := 0; i < len(opts); i++ {
		if i+1 == len(opts) {
			c.Error(errSyntax)
			return a, false
		}
		n, isNum := parseInt(opts[i+1])
		switch {
		case is(opts[i], "rank") && !isNum:
			c.Error(errNotInteger)
			return a, false
		case is(opts[i], "rank") && n == 0:
			c.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
			return a, false
		case is(opts[i], "rank"):
			a.rank = n
		case is(opts[i], "count") && (!isNum || n < 0):
			c.Error("ERR COUNT can't be negative")
			return a, false
		case is(opts[i], "count"):
			a.count = n
		case is(opts[i], "maxlen") && (!isNum || n < 0):
			c.Error("ERR MAXLEN can't be negative")
			return a, false
		case is(opts[i], "maxlen"):
			a.maxlen = n
		default:
			c.Error(errSyntax)
			return a, false
		}
		i++
	}
	return a, true
}

// lpos replies with the position of the rank-th match (from the tail for a
// negative rank), or with COUNT an array of up to count matches from there
// (all with COUNT 0), looking at no more than maxlen elements.
//
// The arithmetic is Redis's, in int64: RANK -9223372036854775808 stays
// negative when negated and so matches from the first match on.
func lpos(c *Ctx) {
	a, ok := parseLpos(c)
	if !ok {
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	_, lv, ok := readList(c, v, key)
	switch {
	case !ok:
	case lv == nil && a.count != -1:
		c.W.Array(0)
	case lv == nil:
		c.W.Null()
	default:
		replyPositions(c, lv, a)
	}
}

func replyPositions(c *Ctx, lv *listValue, a lposArgs) {
	rank, reverse, from := a.rank, false, 0
	if rank < 0 {
		rank, reverse, from = -rank, true, lv.Len()-1
	}
	var found []int64
	var matches, seen int64
	for i, elem := range lv.All(from, reverse) {
		if a.maxlen != 0 && seen >= a.maxlen {
			break
		}
		seen++
		if !elem.Equal(a.elem) {
			continue
		}
		if matches++; matches < rank {
			continue
		}
		found = append(found, int64(i))
		if a.count == -1 || (a.count != 0 && matches-rank+1 >= a.count) {
			break
		}
	}
	if a.count != -1 {
		c.W.Array(len(found))
		for _, i := range found {
			c.W.Int(i)
		}
		return
	}
	if len(found) == 0 {
		c.W.Null()
		return
	}
	c.W.Int(found[0])
}
