package zset

// AddFlags are ZADD's options.
type AddFlags uint8

// The ZADD options, as Redis's ZADD_IN_* flags.
const (
	NX   AddFlags = 1 << iota // only add new members
	XX                        // only update existing members
	GT                        // only update when the new score is greater
	LT                        // only update when the new score is less
	Incr                      // add the score to the current one
)

// AddResult says what Add did, as Redis's ZADD_OUT_* flags.
type AddResult uint8

// The outcomes of Add.
const (
	// Unchanged: the member was there with that score already.
	Unchanged AddResult = iota
	Added
	Updated
	// Skipped: NX, XX, GT or LT said not to.
	Skipped
	// NaN: INCR made the score not a number; nothing changed.
	NaN
)

// Add sets member's score as Redis's zsetAdd does with the flags, and
// returns what it did and the score INCR replies: the member's score
// afterwards, or the one asked for when that equals the stored one. The
// score must not be NaN. A compact set that would outgrow lim converts
// first.
func (z *ZSet) Add(member []byte, score float64, f AddFlags, lim Limits) (AddResult, float64) {
	var n *entry // the member's entry in the large form, found once
	var cur float64
	found := false
	if z.big != nil {
		if n = z.big.dict.find(member); n != nil {
			cur, found = n.score, true
		}
	} else {
		cur, found = z.Score(member)
	}
	if !found {
		if f&XX != 0 {
			return Skipped, 0
		}
		z.insert(member, score, lim)
		return Added, score
	}
	if f&NX != 0 {
		return Skipped, cur
	}
	if f&Incr != 0 {
		score += cur
		if score != score {
			return NaN, cur
		}
	}
	if (f&LT != 0 && score >= cur) || (f&GT != 0 && score <= cur) {
		return Skipped, cur
	}
	if score == cur {
		// The new score, not the stored one: Redis's INCR replies 0 for
		// -0 + 0 and keeps -0, which compares equal.
		return Unchanged, score
	}
	if n != nil {
		z.big.setScore(n, score)
	} else {
		z.update(member, score)
	}
	return Updated, score
}

// insert adds a member that is not in the set.
func (z *ZSet) insert(member []byte, score float64, lim Limits) {
	if z.big == nil && (z.small.n+1 > lim.MaxEntries || len(member) > lim.MaxValue) {
		z.toLarge()
	}
	if z.big != nil {
		z.big.add(string(member), score)
		return
	}
	z.small.insert(member, score)
}

// update changes the score of a member that is in the compact set.
func (z *ZSet) update(member []byte, score float64) {
	off, _, _ := z.small.find(member)
	_, _, _, end := z.small.entryAt(off)
	z.small.removeSpan(off, end, 1)
	z.small.insert(member, score)
}
