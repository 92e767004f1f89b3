package engine

import "testing"

// testList stands for the aggregate types: a Go object kept in the shard's
// object table, sized through Sizer.
type testList struct{ items []string }

func (l *testList) SizeBytes() int64 {
	n := int64(24)
	for _, s := range l.items {
		n += int64(16 + len(s))
	}
	return n
}

func (l *testList) Clone() any { return &testList{items: append([]string(nil), l.items...)} }

// TestAggregateValues stores, changes, renames and deletes an aggregate,
// checking that its record names the same Go object throughout and that
// its size is accounted and given back.
func TestAggregateValues(t *testing.T) {
	e, _ := newTestEngine(t)
	empty := e.DatasetBytes()
	list := &testList{items: []string{"a"}}
	txn := e.NewTxn()
	v := txn.LockKey(e.DB(0), []byte("l"))
	v.Put([]byte("l"), &Entry{Kind: KindList, Obj: list}, 0)
	txn.Unlock()
	stored := e.DatasetBytes() - empty
	if got := get(e, 0, "l"); got == nil || got.Kind != KindList || got.Obj != list {
		t.Fatalf("read back %+v", got)
	}

	v = txn.LockKey(e.DB(0), []byte("l"))
	h := v.Lookup([]byte("l"))
	h.Obj.(*testList).items = append(h.Obj.(*testList).items, "a longer element")
	v.Modified([]byte("l"), h)
	txn.Unlock()
	if grew := e.DatasetBytes() - empty - stored; grew != 16+int64(len("a longer element")) {
		t.Fatalf("Modified accounted %d more bytes, want the element's %d", grew, 16+len("a longer element"))
	}

	v = txn.LockKeys(e.DB(0), [][]byte{[]byte("l"), []byte("m")})
	h = v.Lookup([]byte("l"))
	v.Delete([]byte("l"))
	v.Put([]byte("m"), h, 0)
	txn.Unlock()
	if got := get(e, 0, "m"); got == nil || got.Obj != list || get(e, 0, "l") != nil {
		t.Fatalf("after renaming l to m: %+v", got)
	}

	v = txn.LockKey(e.DB(0), []byte("m"))
	v.PutString([]byte("m"), []byte("now a string"), 0)
	txn.Unlock()
	if got := get(e, 0, "m"); got == nil || got.Kind != KindString || got.Obj != nil {
		t.Fatalf("after SET over the list: %+v", got)
	}
	del(e, 0, "m")
	if left := e.DatasetBytes() - empty; left != 0 {
		t.Fatalf("%d bytes still accounted with no keys", left)
	}
	for _, sh := range e.DB(0).shards {
		for _, obj := range sh.objs {
			if obj != nil {
				t.Fatalf("object %v still held after its key went", obj)
			}
		}
	}
}
