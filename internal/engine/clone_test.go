package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/engine"
)

// list is a stand-in aggregate value that knows how to copy itself.
type list struct{ items []string }

func (l *list) Clone() any { return &list{items: slices.Clone(l.items)} }

func TestCloneString(t *testing.T) {
	e := engine.NewString([]byte("value"))
	e.Raw = true
	c := e.Clone()
	if c.Kind != engine.KindString || string(c.Str) != "value" || !c.Raw {
		t.Fatalf("clone = %+v", c)
	}
	c.Str[0] = 'V'
	if string(e.Str) != "value" {
		t.Errorf("changing the clone changed the original: %q", e.Str)
	}
}

func TestCloneEmptyString(t *testing.T) {
	c := engine.NewString([]byte{}).Clone()
	if c.Str == nil || len(c.Str) != 0 {
		t.Errorf("clone of an empty string = %#v", c.Str)
	}
}

func TestCloneAggregate(t *testing.T) {
	orig := &list{items: []string{"a", "b"}}
	e := &engine.Entry{Kind: engine.KindList, Obj: orig}
	c := e.Clone()
	cl, ok := c.Obj.(*list)
	if !ok || cl == orig {
		t.Fatalf("clone's Obj = %#v", c.Obj)
	}
	cl.items[0] = "x"
	if orig.items[0] != "a" {
		t.Errorf("changing the clone changed the original: %v", orig.items)
	}
}

func TestCloneWithoutClonerPanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "does not implement Cloner") {
			t.Errorf("recover() = %v", r)
		}
	}()
	e := &engine.Entry{Kind: engine.KindSet, Obj: map[string]struct{}{}}
	e.Clone()
}

func TestCloneHasFreshMetadata(t *testing.T) {
	eng := engine.New(engine.Options{Databases: 1, Clock: engine.NewManualClock(5_000_000)})
	db := eng.DB(0)
	txn := eng.NewTxn()
	v := txn.LockKey(db, []byte("k"))
	v.Put([]byte("k"), engine.NewString([]byte("v")), 9_000_000)
	e := v.Peek([]byte("k"))
	e.SetAccess(1, 200)
	c := e.Clone()
	txn.Unlock()
	if c.ExpireAt() != 0 || c.AccessTime() != 0 || c.Freq() != 0 {
		t.Errorf("clone metadata: expire %d access %d freq %d", c.ExpireAt(), c.AccessTime(), c.Freq())
	}
}
