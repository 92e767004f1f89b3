package slab

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestChunkSize(t *testing.T) {
	tests := []struct{ n, want int }{
		{1, 16}, {16, 16}, {17, 24}, {124, 128}, {256, 256}, {257, 288},
		{MaxClassSize, MaxClassSize}, {MaxClassSize + 1, pageRound(MaxClassSize + 1)},
	}
	for _, tt := range tests {
		if got := ChunkSize(tt.n); got != tt.want {
			t.Errorf("ChunkSize(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
	// Every size fits its chunk, wasting at most an eighth above 256 bytes.
	for n := 1; n <= MaxClassSize; n++ {
		c := ChunkSize(n)
		if c < n || c%8 != 0 || (n > 256 && c-n > n/8+8) || (n <= 256 && c-n >= 8 && n >= 16) {
			t.Fatalf("ChunkSize(%d) = %d", n, c)
		}
	}
}

// TestAllocFreeReuse checks that chunks hold what was written, that live
// chunks never overlap, and that freed chunks are handed out again before
// the arena maps more memory.
func TestAllocFreeReuse(t *testing.T) {
	var a Arena
	defer a.Reset()
	type chunk struct {
		loc  Loc
		fill byte
		n    int
	}
	var live []chunk
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20_000 {
		if len(live) > 0 && rng.IntN(3) == 0 {
			j := rng.IntN(len(live))
			c := live[j]
			if got := a.Bytes(c.loc)[4:c.n]; !bytes.Equal(got, bytes.Repeat([]byte{c.fill}, c.n-4)) {
				t.Fatalf("chunk %v lost its contents", c.loc)
			}
			a.Free(c.loc)
			live[j] = live[len(live)-1]
			live = live[:len(live)-1]
			continue
		}
		n := 16 + rng.IntN(2000)
		loc, b := a.Alloc(n)
		if len(b) != ChunkSize(n) || len(a.Bytes(loc)) != len(b) || a.Size(loc) != len(b) {
			t.Fatalf("Alloc(%d) gave %d bytes", n, len(b))
		}
		for k := range b[:n] {
			b[k] = byte(i)
		}
		live = append(live, chunk{loc, byte(i), n})
	}
	var want int64
	for _, c := range live {
		want += int64(a.Size(c.loc))
		if got := a.Bytes(c.loc)[:c.n]; !bytes.Equal(got, bytes.Repeat([]byte{c.fill}, c.n)) {
			t.Fatalf("chunk %v was overwritten", c.loc)
		}
	}
	if a.Used() != want {
		t.Fatalf("Used() = %d, want %d", a.Used(), want)
	}
}

// TestSteadyOverwrite is a cache overwriting the same keys with values of
// another size every round: the arena must reuse and release space, so
// that what it maps stays bounded instead of growing with each round.
func TestSteadyOverwrite(t *testing.T) {
	var a Arena
	defer a.Reset()
	const keys = 50_000
	locs := make([]Loc, keys)
	for round := range 20 {
		size := 32 + (round*397)%900 // a different class each round
		for k := range locs {
			if locs[k] != Nil {
				a.Free(locs[k])
			}
			locs[k], _ = a.Alloc(size)
		}
		a.ReleaseEmpty()
		// The previous round's class is unmapped; what stays is the
		// live data and the segment being filled.
		if a.Mapped() > a.Used()+SegmentSize {
			t.Fatalf("round %d: %d B mapped for %d B in use", round, a.Mapped(), a.Used())
		}
	}
}

// TestReleaseEmpty checks that a segment whose chunks were all freed is
// unmapped, the one its class was filling too.
func TestReleaseEmpty(t *testing.T) {
	var a Arena
	defer a.Reset()
	var locs []Loc
	for range 3 * SegmentSize / 128 {
		loc, _ := a.Alloc(128)
		locs = append(locs, loc)
	}
	if a.Mapped() != 3*SegmentSize {
		t.Fatalf("Mapped() = %d, want 3 segments", a.Mapped())
	}
	for _, loc := range locs {
		a.Free(loc)
	}
	a.ReleaseEmpty()
	if a.Used() != 0 || a.Mapped() != 0 {
		t.Fatalf("after freeing everything: Used %d, Mapped %d; want 0", a.Used(), a.Mapped())
	}
	loc, b := a.Alloc(MaxClassSize + 1)
	if a.Mapped() != int64(len(b)) {
		t.Fatalf("a large chunk of %d B mapped %d B", len(b), a.Mapped())
	}
	a.Free(loc)
	a.ReleaseEmpty()
	if a.Mapped() != 0 {
		t.Fatalf("a freed large chunk stayed mapped: %d B", a.Mapped())
	}
}

// TestEvacuateEmptiesASparseSegment fills a segment, frees all but a few
// of its chunks, and moves those: the segment counts as sparse until
// then, the moved chunks land in a new segment that does not, and the
// emptied one is unmapped.
func TestEvacuateEmptiesASparseSegment(t *testing.T) {
	var a Arena
	const size = 480
	var locs []Loc
	for {
		l, _ := a.Alloc(size)
		if len(locs) > 0 && l.segment() != locs[0].segment() {
			a.Free(l)
			break
		}
		locs = append(locs, l)
	}
	keep := locs[:len(locs)/10]
	for _, l := range locs[len(keep):] {
		a.Free(l)
	}
	if !a.Sparse(keep[0]) || !a.HasSparse() {
		t.Fatalf("a segment a tenth used is not sparse")
	}
	before := a.Mapped()
	for i, l := range keep {
		n, b := a.Evacuate(l)
		if n.segment() == l.segment() {
			t.Fatalf("chunk %d evacuated into its own segment", i)
		}
		copy(b, a.Bytes(l))
		a.Free(l)
		if a.Sparse(n) {
			t.Fatalf("chunk %d landed in a sparse segment", i)
		}
	}
	a.ReleaseEmpty()
	if a.HasSparse() {
		t.Error("a sparse segment is left")
	}
	// The emptied segment went; what moved went to the one being filled.
	if a.Mapped() != before-SegmentSize {
		t.Errorf("mapped %d -> %d, want one segment less", before, a.Mapped())
	}
	a.Reset()
}

// TestEvacuateLeavesASparseCurrentSegment: when the sparse segment is the
// one being filled, what moves goes to a new segment, not back into it.
func TestEvacuateLeavesASparseCurrentSegment(t *testing.T) {
	var a Arena
	defer a.Reset()
	var locs []Loc
	for range 400 { // 192,000 bytes of 480-byte chunks: one segment
		l, _ := a.Alloc(480)
		locs = append(locs, l)
	}
	for _, l := range locs[10:] {
		a.Free(l)
	}
	if !a.Sparse(locs[0]) {
		t.Fatal("a segment a fortieth used is not sparse")
	}
	for i, l := range locs[:10] {
		n, _ := a.Evacuate(l)
		if n.segment() == l.segment() {
			t.Fatalf("chunk %d evacuated into its own segment, the one being filled", i)
		}
		a.Free(l)
	}
	before := a.Mapped()
	a.ReleaseEmpty()
	if a.Mapped() != before-SegmentSize || a.HasSparse() {
		t.Errorf("mapped %d -> %d, sparse %v: want the emptied segment gone", before, a.Mapped(), a.HasSparse())
	}
}
