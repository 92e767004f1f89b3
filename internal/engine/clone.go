package engine

import "fmt"

// Cloner is implemented by aggregate values (Entry.Obj) so that COPY can
// deep-copy them without the engine knowing their layout.
type Cloner interface {
	// Clone returns a copy sharing no mutable memory with the receiver.
	Clone() any
}

// Clone returns a deep copy of e's value: the string bytes are copied and an
// aggregate is copied through its [Cloner]. The copy has no expiry and fresh
// access metadata, as a new key in Redis does; the caller stores it with
// [View.Put] and sets its expiry there.
//
// Clone panics if Obj is set but does not implement Cloner: every value
// type must, and a type that forgets is a programming error that a COPY
// test of the type catches.
func (e *Entry) Clone() *Entry {
	c := &Entry{Kind: e.Kind, Raw: e.Raw}
	if e.Str != nil {
		c.Str = append(make([]byte, 0, len(e.Str)), e.Str...)
	}
	if e.Obj != nil {
		cl, ok := e.Obj.(Cloner)
		if !ok {
			panic(fmt.Sprintf("engine: %T (a %s value) does not implement Cloner", e.Obj, e.Kind))
		}
		c.Obj = cl.Clone()
	}
	return c
}
