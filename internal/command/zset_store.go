package command

import (
	"slices"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis's
// zunionInterDiffGenericCommand. Their inputs may be sets as well as
// sorted sets: a set reads as a sorted set whose scores are all 1.

type setOp uint8

const (
	opUnion setOp = iota
	opInter
	opDiff
)

type aggregate uint8

const (
	aggSum aggregate = iota
	aggMin
	aggMax
)

// setMembers is what a set value (KindSet, setValue) offers these
// commands.
type setMembers interface {
	Len() int
	Contains(member []byte) bool
	// Range calls fn for each member until it returns false.
	Range(fn func(member []byte) bool)
}

// zsource is one input: a sorted set, a set, or nothing (a missing key).
type zsource struct {
	z      *zset.ZSet
	set    setMembers
	obj    any // the stored value, to see one key given twice
	weight float64
}

func (s *zsource) len() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.set != nil:
		return s.set.Len()
	}
	return 0
}

// each calls fn for every member with its score, until fn returns false.
func (s *zsource) each(fn func(m []byte, score float64) bool) {
	switch {
	case s.z != nil:
		s.z.Ascend(0, fn)
	case s.set != nil:
		s.set.Range(func(m []byte) bool { return fn(m, 1) })
	}
}

func (s *zsource) score(m []byte) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(m)
	case s.set != nil && s.set.Contains(m):
		return 1, true
	}
	return 0, false
}

// zsetOpArgs is a parsed ZUNION/ZINTER/ZDIFF/ZINTERCARD (with dst for the
// STORE forms). Redis reads the inputs before the options, so an option
// error waits in optErr until the inputs passed their type check.
type zsetOpArgs struct {
	op         setOp
	keys       [][]byte
	weights    []float64
	agg        aggregate
	withScores bool
	card       bool
	limit      int64
	optErr     string
}

// parseZSetOp reads "numkeys key [key ...] options" (args[0] is numkeys)
// for the command named name; store forbids WITHSCORES, card allows only
// LIMIT, DIFF takes neither WEIGHTS nor AGGREGATE.
func parseZSetOp(c *Ctx, name string, args [][]byte, op setOp, store, card bool) (zsetOpArgs, bool) {
	a := zsetOpArgs{op: op, card: card}
	n, ok := parseInt(args[0])
	if !ok {
		c.Error(errNotInteger)
		return a, false
	}
	if n < 1 {
		c.Errorf("ERR at least 1 input key is needed for '%s' command", name)
		return a, false
	}
	if n > int64(len(args)-1) {
		c.Error(errSyntax)
		return a, false
	}
	a.keys = args[1 : 1+n]
	a.optErr = a.parseOptions(args[1+n:], store)
	return a, true
}

func (a *zsetOpArgs) parseOptions(opts [][]byte, store bool) string {
	for i := 0; i < len(opts); i++ {
		rest := len(opts) - i
		switch {
		case a.op != opDiff && !a.card && rest > len(a.keys) && is(opts[i], "weights"):
			if msg := a.parseWeights(opts[i+1 : i+1+len(a.keys)]); msg != "" {
				return msg
			}
			i += len(a.keys)
		case a.op != opDiff && !a.card && rest >= 2 && is(opts[i], "aggregate"):
			i++
			switch {
			case is(opts[i], "sum"):
				a.agg = aggSum
			case is(opts[i], "min"):
				a.agg = aggMin
			case is(opts[i], "max"):
				a.agg = aggMax
			default:
				return errSyntax
			}
		case !store && !a.card && is(opts[i], "withscores"):
			a.withScores = true
		case a.card && rest >= 2 && is(opts[i], "limit"):
			i++
			n, ok := parseInt(opts[i])
			if !ok || n < 0 {
				return "ERR LIMIT can't be negative"
			}
			a.limit = n
		default:
			return errSyntax
		}
	}
	return ""
}

func (a *zsetOpArgs) parseWeights(args [][]byte) string {
	a.weights = make([]float64, len(args))
	for i, w := range args {
		f, ok := zset.ParseScore(w)
		if !ok {
			return "ERR weight value is not a float"
		}
		a.weights[i] = f
	}
	return ""
}

// readSources looks the inputs up (keyspace hits and misses); any value
// that is neither a sorted set nor a set is WRONGTYPE.
func readSources(c *Ctx, v engine.View, a zsetOpArgs) ([]zsource, bool) {
	srcs := make([]zsource, len(a.keys))
	for i, k := range a.keys {
		srcs[i].weight = 1
		if a.weights != nil {
			srcs[i].weight = a.weights[i]
		}
		e := v.Read(k)
		if e == nil {
			continue
		}
		srcs[i].obj = e.Obj
		switch obj := e.Obj.(type) {
		case *zsetValue:
			srcs[i].z = obj.set()
		case setMembers:
			if e.Kind != engine.KindSet {
				c.Error(errWrongType)
				return nil, false
			}
			srcs[i].set = obj
		default:
			c.Error(errWrongType)
			return nil, false
		}
	}
	return srcs, true
}

// weighted is a score times its weight, where 0 * inf, which is NaN, is 0.
func weighted(score, weight float64) float64 {
	v := score * weight
	if v != v {
		return 0
	}
	return v
}

func (g aggregate) apply(acc *float64, v float64) {
	switch g {
	case aggSum:
		*acc += v
		if *acc != *acc { // inf + -inf
			*acc = 0
		}
	case aggMin:
		if v < *acc {
			*acc = v
		}
	case aggMax:
		if v > *acc {
			*acc = v
		}
	}
}

// bySize orders the inputs smallest first, as Redis does before a union
// or an intersection (which changes the order sums are made in, so it
// matters for their rounding); stable, as glibc's merge sort.
func bySize(srcs []zsource) {
	slices.SortStableFunc(srcs, func(x, y zsource) int { return x.len() - y.len() })
}

// zinter computes the intersection, or counts it up to limit (0: all).
func zinter(srcs []zsource, agg aggregate, countOnly bool, limit int64) ([]zset.Item, int64) {
	bySize(srcs)
	var out []zset.Item
	var count int64
	srcs[0].each(func(m []byte, s float64) bool {
		score := weighted(s, srcs[0].weight)
		for j := 1; j < len(srcs); j++ {
			other := s
			if srcs[j].obj != srcs[0].obj {
				var ok bool
				if other, ok = srcs[j].score(m); !ok {
					return true
				}
			}
			// Redis turns only the first product's NaN (0 * inf) into 0;
			// the others' go to the aggregate as they are: a SUM becomes
			// NaN, which it turns into 0, and MIN and MAX keep theirs.
			agg.apply(&score, other*srcs[j].weight)
		}
		count++
		if !countOnly {
			out = append(out, zset.Item{Member: string(m), Score: score})
		}
		return limit == 0 || count < limit
	})
	return out, count
}

func zunion(srcs []zsource, agg aggregate) []zset.Item {
	bySize(srcs)
	acc := map[string]float64{}
	for i := range srcs {
		srcs[i].each(func(m []byte, s float64) bool {
			score := weighted(s, srcs[i].weight)
			if cur, ok := acc[string(m)]; ok {
				agg.apply(&cur, score)
				score = cur
			}
			acc[string(m)] = score
			return true
		})
	}
	out := make([]zset.Item, 0, len(acc))
	for m, s := range acc {
		out = append(out, zset.Item{Member: m, Score: s})
	}
	return out
}

// zdiff keeps the members of the first input found in no other, with
// their scores.
func zdiff(srcs []zsource) []zset.Item {
	var out []zset.Item
	srcs[0].each(func(m []byte, s float64) bool {
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].score(m); ok {
				return true
			}
		}
		out = append(out, zset.Item{Member: string(m), Score: s})
		return true
	})
	return out
}

func (a *zsetOpArgs) compute(srcs []zsource) ([]zset.Item, int64) {
	switch a.op {
	case opInter:
		return zinter(srcs, a.agg, a.card, a.limit)
	case opUnion:
		return zunion(srcs, a.agg), 0
	}
	return zdiff(srcs), 0
}

func zunionCmd(c *Ctx)     { zsetOpGeneric(c, opUnion, false) }
func zinterCmd(c *Ctx)     { zsetOpGeneric(c, opInter, false) }
func zdiffCmd(c *Ctx)      { zsetOpGeneric(c, opDiff, false) }
func zunionstore(c *Ctx)   { zsetOpGeneric(c, opUnion, true) }
func zinterstore(c *Ctx)   { zsetOpGeneric(c, opInter, true) }
func zdiffstore(c *Ctx)    { zsetOpGeneric(c, opDiff, true) }
func zintercardCmd(c *Ctx) { zsetOpRun(c, opInter, nil, c.Args[1:], true) }

// zsetOpGeneric runs ZUNION/ZINTER/ZDIFF and, with store, their STORE
// forms, whose destination is the first argument.
func zsetOpGeneric(c *Ctx, op setOp, store bool) {
	if store {
		zsetOpRun(c, op, c.Args[1], c.Args[2:], false)
		return
	}
	zsetOpRun(c, op, nil, c.Args[1:], false)
}

func zsetOpRun(c *Ctx, op setOp, dst []byte, args [][]byte, card bool) {
	a, ok := parseZSetOp(c, c.Spec().Name, args, op, dst != nil, card)
	if !ok {
		return
	}
	keys := a.keys
	if dst != nil {
		keys = append([][]byte{dst}, keys...)
	}
	v := c.Txn.LockKeys(c.DB(), keys)
	defer c.Txn.Unlock()
	srcs, ok := readSources(c, v, a)
	if !ok {
		return
	}
	if a.optErr != "" {
		c.Error(a.optErr)
		return
	}
	items, count := a.compute(srcs)
	switch {
	case card:
		c.W.Int(count)
	case dst != nil:
		storeZSet(c, v, dst, items)
	default:
		replyItems(c, items, a.withScores)
	}
}

// replyItems replies with a computed set in order.
func replyItems(c *Ctx, items []zset.Item, withScores bool) {
	slices.SortFunc(items, zset.Compare)
	nested := withScores && c.W.Proto >= 3
	if withScores && !nested {
		c.W.Array(2 * len(items))
	} else {
		c.W.Array(len(items))
	}
	for _, it := range items {
		if withScores {
			writeScored(c, []byte(it.Member), it.Score, nested)
		} else {
			c.W.BulkString(it.Member)
		}
	}
}

func zsetStoreCommands() []*Spec {
	return []*Spec{
		{Name: "zunion", Arity: -3, Flags: ReadOnly, Summary: "Add multiple sorted sets", Since: "6.2.0", Handler: zunionCmd},
		{Name: "zinter", Arity: -3, Flags: ReadOnly, Summary: "Intersect multiple sorted sets", Since: "6.2.0", Handler: zinterCmd},
		{Name: "zdiff", Arity: -3, Flags: ReadOnly, Summary: "Subtract multiple sorted sets", Since: "6.2.0", Handler: zdiffCmd},
		{Name: "zintercard", Arity: -3, Flags: ReadOnly, Summary: "Intersect multiple sorted sets and return the cardinality of the result", Since: "7.0.0", Handler: zintercardCmd},
		{Name: "zunionstore", Arity: -4, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Add multiple sorted sets and store the resulting sorted set in a new key", Since: "2.0.0", Handler: zunionstore},
		{Name: "zinterstore", Arity: -4, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key", Since: "2.0.0", Handler: zinterstore},
		{Name: "zdiffstore", Arity: -4, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key", Since: "6.2.0", Handler: zdiffstore},
		{Name: "zmpop", Arity: -4, Flags: Write, Summary: "Remove and return members with scores in a sorted set", Since: "7.0.0", Handler: zmpop},
	}
}
