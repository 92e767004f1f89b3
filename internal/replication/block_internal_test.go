package replication

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestFeedBlockIsWhole: commands fed one by one from some goroutines and
// MULTI ... EXEC blocks from others, all at once (scripts run beside other
// commands): in the stream every block is whole, no other command inside.
func TestFeedBlockIsWhole(t *testing.T) {
	s := NewState(slog.Default(), Settings{BacklogSize: 64 << 20})
	s.Activate()
	const rounds = 2000
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range rounds {
				s.Feed(0, [][]byte{[]byte("SET"), []byte(fmt.Sprint("single", i)), []byte("v")})
			}
		}()
		go func() {
			defer wg.Done()
			a, b := []byte(fmt.Sprint("a", i)), []byte(fmt.Sprint("b", i))
			for range rounds {
				s.FeedBlock([]int{0, 0}, [][][]byte{{[]byte("INCR"), a}, {[]byte("INCR"), b}})
			}
		}()
	}
	wg.Wait()
	var stream strings.Builder
	for pos := s.stream.first; pos < s.stream.end; {
		p := s.stream.read(pos, 1<<20)
		stream.Write(p)
		pos += int64(len(p))
	}
	// Every command is an array of bulk strings; its name is the line
	// after its first length line.
	lines := strings.Split(stream.String(), "\r\n")
	var block []string
	inBlock, blocks := false, 0
	for i := 0; i+2 < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "*") {
			continue
		}
		name := lines[i+2]
		switch {
		case name == "MULTI":
			if inBlock {
				t.Fatalf("MULTI inside a block after %q", block)
			}
			inBlock, block = true, nil
		case name == "EXEC":
			if len(block) != 2 || block[0][len("INCR a"):] != block[1][len("INCR b"):] {
				t.Fatalf("block of %q", block)
			}
			inBlock = false
			blocks++
		case inBlock:
			block = append(block, name+" "+lines[i+4])
		}
	}
	if blocks != 2*rounds {
		t.Fatalf("%d whole blocks in the stream, want %d", blocks, 2*rounds)
	}
}
