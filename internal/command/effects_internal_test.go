package command

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
)

// TestEffectBatchCopiesAndIsReused: a connection's batch keeps copies of
// the effects it is given (the caller reuses its arguments), stays whole
// while its arrays grow, and starts empty when reset; a batch that grew
// past maxKeptEffects is let go.
func TestEffectBatchCopiesAndIsReused(t *testing.T) {
	var b effectBatch
	for round := range 3 {
		b.release()
		arg := make([]byte, 5)
		var want [][][]byte
		for i := range 200 {
			key := fmt.Appendf(nil, "key:%d:%d", round, i)
			copy(arg, "value")
			b.add(i%3, [][]byte{[]byte("SET"), key, arg})
			want = append(want, [][]byte{[]byte("SET"), key, []byte("value")})
			copy(arg, "XXXXX") // the caller reuses its buffer
		}
		if len(b.cmds) != len(want) || len(b.dbs) != len(want) {
			t.Fatalf("round %d: %d cmds, %d dbs; want %d", round, len(b.cmds), len(b.dbs), len(want))
		}
		for i, cmd := range b.cmds {
			if b.dbs[i] != i%3 {
				t.Fatalf("round %d: db of %d is %d", round, i, b.dbs[i])
			}
			if len(cmd) != 3 || !bytes.Equal(cmd[1], want[i][1]) || !bytes.Equal(cmd[2], want[i][2]) {
				t.Fatalf("round %d: effect %d is %q, want %q", round, i, cmd, want[i])
			}
		}
	}
	big := make([]byte, maxKeptEffects+1)
	b.add(0, [][]byte{[]byte("SET"), []byte("k"), big})
	b.release()
	if b.size() != 0 || len(b.cmds) != 0 {
		t.Fatalf("after a batch of %d bytes, release kept %d bytes and %d effects", len(big), b.size(), len(b.cmds))
	}
	for i := range 2000 { // many small effects: their lists count too
		b.add(0, [][]byte{[]byte("INCR"), fmt.Appendf(nil, "k%d", i)})
	}
	b.release()
	if b.size() != 0 {
		t.Fatalf("after 2000 effects, release kept %d bytes", b.size())
	}
}

// TestScriptRunContext: a run is a context that gopher-lua's coroutines
// derive theirs from; stopping it cancels them (through AfterFunc, with
// no goroutine per coroutine), a restarted run is live again, and a
// function unregistered before the stop is not called.
func TestScriptRunContext(t *testing.T) {
	r := newScriptRun()
	child, cancelChild := context.WithCancel(r)
	defer cancelChild()
	gone, cancelGone := context.WithCancel(r)
	cancelGone() // unregisters it from r
	called := make(chan struct{}, 1)
	unregister := r.AfterFunc(func() { called <- struct{}{} })
	unregister()
	select {
	case <-r.Done():
		t.Fatal("a new run is done")
	default:
	}
	r.stop()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context derived from the run was not cancelled when it stopped")
	}
	if r.Err() != context.Canceled || gone.Err() != context.Canceled {
		t.Fatalf("Err after stop: %v, %v", r.Err(), gone.Err())
	}
	select {
	case <-r.Done():
	default:
		t.Fatal("a stopped run is not done")
	}
	late, cancelLate := context.WithCancel(r)
	defer cancelLate()
	if late.Err() != context.Canceled {
		t.Fatal("a context derived from a stopped run is live")
	}
	// A context derived from the stopped run is cancelled on a goroutine;
	// restart waits for it, as it reads Err.
	for range 50 {
		_, cancel := context.WithCancel(r)
		defer cancel()
	}
	r.restart()
	if r.Err() != nil {
		t.Fatalf("a restarted run has Err %v", r.Err())
	}
	select {
	case <-r.Done():
		t.Fatal("a restarted run is done")
	default:
	}
	again, cancelAgain := context.WithCancel(r)
	defer cancelAgain()
	r.stop()
	select {
	case <-again.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context derived after restart was not cancelled")
	}
	select {
	case <-called:
		t.Fatal("a function unregistered before the stop was called")
	case <-time.After(20 * time.Millisecond):
	}
}
