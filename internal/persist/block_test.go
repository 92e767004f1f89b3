package persist_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/shoal-cache/shoal/internal/persist"
)

// TestFeedBlockIsWhole: commands fed one by one from some goroutines and
// MULTI ... EXEC blocks from others, all at once (scripts run beside other
// commands): in the log every block is whole, no other command inside.
func TestFeedBlockIsWhole(t *testing.T) {
	dir := t.TempDir()
	files, _, err := persist.OpenFiles(dir, "appendonlydir", "appendonly.aof")
	if err != nil {
		t.Fatal(err)
	}
	aof, err := persist.OpenAOF(files, persist.FsyncNo, nil)
	if err != nil {
		t.Fatal(err)
	}
	const feeders, blockers, rounds = 2, 2, 3000
	var wg sync.WaitGroup
	for i := range feeders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				aof.Feed(0, [][]byte{[]byte("SET"), []byte(fmt.Sprint("single", i)), []byte("v")})
			}
		}()
	}
	for i := range blockers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b := []byte(fmt.Sprint("a", i)), []byte(fmt.Sprint("b", i))
			for range rounds {
				aof.FeedBlock([]int{0, 0}, [][][]byte{{[]byte("INCR"), a}, {[]byte("INCR"), b}})
			}
		}()
	}
	wg.Wait()
	if err := aof.Close(); err != nil {
		t.Fatal(err)
	}

	var block []string // the commands since MULTI; nil outside a block
	blocks := 0
	_, err = persist.LoadAOF(files, persist.LoadOptions{Apply: func(args [][]byte) error {
		cmd := strings.ToUpper(string(args[0]))
		switch {
		case cmd == "MULTI":
			if block != nil {
				return fmt.Errorf("MULTI inside a block: %q", block)
			}
			block = []string{}
		case cmd == "EXEC":
			if len(block) != 2 || block[0][len("INCR a"):] != block[1][len("INCR b"):] {
				return fmt.Errorf("block of %q", block)
			}
			block = nil
			blocks++
		case block != nil:
			block = append(block, cmd+" "+string(args[1]))
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if blocks != blockers*rounds {
		t.Fatalf("%d whole blocks in the log, want %d", blocks, blockers*rounds)
	}
}
