package list

import "iter"

// Listpacks yields each node's listpack, head first, as Redis's RDB
// stores a quicklist (RDB_TYPE_LIST_QUICKLIST_2). The bytes are the
// list's own: do not keep or change them.
func (l *List) Listpacks() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, nd := range l.nodes() {
			if !yield(nd.lp) {
				return
			}
		}
	}
}

// AppendListpack adds lp, a listpack from outside, as the list's last
// node, as Redis loads a quicklist's nodes: kept as they are, an empty one
// skipped. The list takes lp over. It fails if lp is not a well-formed
// listpack.
func (l *List) AppendListpack(lp []byte) error {
	n, err := validate(lp)
	if err != nil || n == 0 {
		return err
	}
	setHeader(lp, n) // a count of 65535 ("unknown") is counted now, as lpLength does
	l.insertNode(len(l.nodes()), node{lp: lp, n: n})
	l.count += n
	return nil
}

// AppendPlain adds s as a node of its own at the tail, as Redis keeps an
// element of 1 GB or more (a "plain" node, which Shoal stores as a
// listpack of one entry).
func (l *List) AppendPlain(s []byte) {
	l.insertNode(len(l.nodes()), newNode(s))
	l.count++
}

// Nodes returns the number of nodes.
func (l *List) Nodes() int { return len(l.nodes()) }
