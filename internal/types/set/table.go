package set

// table is the hashtable form: a Go map from member to its position in a
// dense slice of the members. The slice gives what a map cannot: a member
// at random in O(1) (SPOP, SRANDMEMBER) and a stable order for SSCAN's
// cursor.
//
// Removing a member moves the last one into its place. SSCAN walks the
// positions downwards, so a member that moves goes from the part not yet
// visited to the same part, or from the visited part to anywhere: every
// member present for the whole scan is returned (members moved back are
// returned twice, which SSCAN allows).
type table struct {
	index   map[string]uint32
	members []string
	// data is what the members' strings take on the heap.
	data int64
	// peak is the most members the map held: Go maps do not shrink, so
	// its memory follows the peak, not the count.
	peak int
}

func newTable(hint int) *table {
	return &table{index: make(map[string]uint32, hint), members: make([]string, 0, hint), peak: hint}
}

func (t *table) len() int { return len(t.members) }

func (t *table) has(m string) bool {
	_, ok := t.index[m]
	return ok
}

// hasBytes is has without converting m: the compiler does not allocate for
// a map index by string(m).
func (t *table) hasBytes(m []byte) bool {
	_, ok := t.index[string(m)]
	return ok
}

// add inserts m (which the table keeps) and reports whether it was new.
func (t *table) add(m string) bool {
	if _, ok := t.index[m]; ok {
		return false
	}
	t.index[m] = uint32(len(t.members))
	t.members = append(t.members, m)
	t.data += stringBytes(len(m))
	t.peak = max(t.peak, len(t.members))
	return true
}

// addBytes inserts a copy of m, copying only when m is new.
func (t *table) addBytes(m []byte) bool {
	if t.hasBytes(m) {
		return false
	}
	return t.add(string(m))
}

// remove deletes m and reports whether it was there.
func (t *table) remove(m string) bool {
	i, ok := t.index[m]
	if !ok {
		return false
	}
	last := len(t.members) - 1
	if int(i) != last {
		moved := t.members[last]
		t.members[i] = moved
		t.index[moved] = i
	}
	t.members[last] = ""
	t.members = t.members[:last]
	delete(t.index, m)
	t.data -= stringBytes(len(m))
	t.shrink()
	return true
}

func (t *table) removeBytes(m []byte) bool {
	if !t.hasBytes(m) {
		return false
	}
	return t.remove(string(m))
}

// shrink gives memory back once the table holds a quarter of its peak,
// as Redis resizes a dict that is mostly empty. Positions do not change,
// so an SSCAN in progress is not disturbed.
func (t *table) shrink() {
	n := len(t.members)
	if t.peak < 64 || n >= t.peak/4 {
		return
	}
	t.members = append(make([]string, 0, n+n/4), t.members...)
	t.index = make(map[string]uint32, n)
	for i, m := range t.members {
		t.index[m] = uint32(i)
	}
	t.peak = n
}

func (t *table) clone() *table {
	c := &table{index: make(map[string]uint32, len(t.members)), data: t.data, peak: len(t.members)}
	c.members = append(make([]string, 0, len(t.members)), t.members...)
	for i, m := range c.members {
		c.index[m] = uint32(i)
	}
	return c
}
