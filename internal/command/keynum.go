package command

import "github.com/shoal-cache/shoal/internal/resp"

// keyNum is a key spec whose keys follow a count among the arguments, as
// ZUNION's "numkeys key [key ...]": Redis's "keynum" find_keys, with the
// positions relative to the spec's begin_search index.
type keyNum struct {
	Idx, First, Step int
}

// keys returns the positions of the spec's keys in args, nil when the
// count is missing, not a positive integer or more than the arguments.
func (n *keyNum) keys(k keySpec, args [][]byte) []int {
	at := k.Index + n.Idx
	if at >= len(args) {
		return nil
	}
	count, ok := parseInt(args[at])
	if !ok || count < 1 {
		return nil
	}
	if count > int64(len(args)) {
		return nil
	}
	first, step := k.Index+n.First, max(n.Step, 1)
	last := first + int(count-1)*step
	if last >= len(args) {
		return nil
	}
	var pos []int
	for p := first; p <= last; p += step {
		pos = append(pos, p)
	}
	return pos
}

func (n *keyNum) covers(k keySpec, pos int, args [][]byte) bool {
	for _, p := range n.keys(k, args) {
		if p == pos {
			return true
		}
	}
	return false
}

func writeKeyNum(w *resp.Writer, n *keyNum) {
	w.Map(2)
	w.BulkString("type")
	w.BulkString("keynum")
	w.BulkString("spec")
	w.Map(3)
	w.BulkString("keynumidx")
	w.Int(int64(n.Idx))
	w.BulkString("firstkey")
	w.Int(int64(n.First))
	w.BulkString("keystep")
	w.Int(int64(n.Step))
}

// movableKeys returns the positions of a MovableKeys command's keys, spec
// by spec, as COMMAND GETKEYS gives them; none when a key count is not
// valid, which makes the whole command's keys unknown, as in Redis.
func movableKeys(s *Spec, args [][]byte) []int {
	var pos []int
	for _, k := range keySpecsOf(s) {
		if k.KeyNum != nil {
			keys := k.KeyNum.keys(k, args)
			if keys == nil {
				return nil
			}
			pos = append(pos, keys...)
			continue
		}
		for p := k.Index; p < len(args) && k.covers(p, args); p += max(k.Step, 1) {
			pos = append(pos, p)
		}
	}
	return pos
}
