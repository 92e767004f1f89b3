package engine

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
)

// encodeTest writes "db-less key=value;" for strings and "key=<kind>;" for
// aggregates: enough to compare images.
func encodeTest(dst, key []byte, e *Entry) []byte {
	if e.Kind != KindString {
		return fmt.Appendf(dst, "%s=<%s>;", key, e.Kind)
	}
	return fmt.Appendf(dst, "%s=%s;", key, e.Str)
}

// walkImage walks s and returns what it emitted, by database.
func walkImage(t *testing.T, s *Snapshot, during func()) (map[int]map[string]string, error) {
	t.Helper()
	img := map[int]map[string]string{}
	first := true
	err := s.Walk(func(db int, chunk []byte) error {
		if first && during != nil {
			first = false
			during()
		}
		for _, kv := range strings.Split(strings.TrimSuffix(string(chunk), ";"), ";") {
			k, v, _ := strings.Cut(kv, "=")
			if img[db] == nil {
				img[db] = map[string]string{}
			}
			if _, dup := img[db][k]; dup {
				t.Errorf("key %q of db %d emitted twice", k, db)
			}
			img[db][k] = v
		}
		return nil
	})
	return img, err
}

// image reads every live string key of e now.
func image(e *Engine) map[int]map[string]string {
	img := map[int]map[string]string{}
	for i := range e.NumDBs() {
		for slot := range SlotCount {
			e.DB(i).ScanSlot(slot, func(key []byte, en *Entry) bool {
				if img[i] == nil {
					img[i] = map[string]string{}
				}
				img[i][string(key)] = string(encodeTest(nil, key, en)[len(key)+1:])
				img[i][string(key)] = strings.TrimSuffix(img[i][string(key)], ";")
				return true
			})
		}
	}
	return img
}

func equalImages(a, b map[int]map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for db, m := range a {
		if !maps.Equal(m, b[db]) {
			return false
		}
	}
	return true
}

func TestSnapshotIsPointInTime(t *testing.T) {
	e, _ := newTestEngine(t)
	for i := range 2000 {
		put(e, i%2, fmt.Sprintf("k%d", i), fmt.Sprintf("v%d", i), 0)
	}
	want := image(e)
	s, err := e.BeginSnapshot(encodeTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.BeginSnapshot(encodeTest, nil); !errors.Is(err, ErrSnapshotRunning) {
		t.Fatalf("second BeginSnapshot: %v, want ErrSnapshotRunning", err)
	}
	if got := s.Sizes(); got[0].Keys != 1000 || got[1].Keys != 1000 {
		t.Fatalf("sizes = %v", got)
	}
	// Every kind of write, before the walk and while it runs.
	mutate := func(round int) {
		for i := round; i < 2000; i += 7 {
			db, k := i%2, fmt.Sprintf("k%d", i)
			tx := e.NewTxn()
			v := tx.LockKey(e.DB(db), []byte(k))
			switch i % 5 {
			case 0:
				v.Delete([]byte(k))
			case 1:
				v.PutString([]byte(k), []byte("changed"), 0)
			case 2:
				if en := v.Lookup([]byte(k)); en != nil {
					copy(en.Str, "XX") // in place, as SETRANGE does
					v.Modified([]byte(k), en)
				}
			case 3:
				v.SetExpire([]byte(k), 1)
			case 4:
				v.Put([]byte(fmt.Sprintf("new%d", i)), NewString([]byte("n")), 0)
			}
			tx.Unlock()
		}
	}
	mutate(0)
	got, err := walkImage(t, s, func() { mutate(3) })
	if err != nil {
		t.Fatal(err)
	}
	if !equalImages(got, want) {
		t.Fatalf("snapshot differs from the keyspace at its start: %d/%d keys vs %d/%d", len(got[0]), len(got[1]), len(want[0]), len(want[1]))
	}
	if s.Keys() != 2000 {
		t.Fatalf("Keys() = %d", s.Keys())
	}
	if s.PeakSideBytes() == 0 {
		t.Fatal("no side bytes accounted")
	}
	if e.SnapshotRunning() {
		t.Fatal("snapshot still running after Walk")
	}
	for _, db := range e.dbs {
		for _, sh := range db.shards {
			if sh.snap != nil {
				t.Fatal("a shard kept its snapshot state")
			}
		}
	}
}

func TestSnapshotConcurrentWriters(t *testing.T) {
	e, _ := newTestEngine(t)
	for i := range 4000 {
		put(e, 0, fmt.Sprintf("k%d", i), "0", 0)
	}
	want := image(e)
	s, err := e.BeginSnapshot(encodeTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 1; ; r++ {
				for i := w; i < 4000; i += 4 {
					select {
					case <-stop:
						return
					default:
					}
					put(e, 0, fmt.Sprintf("k%d", i), fmt.Sprint(r), 0)
					if i%10 == 0 {
						del(e, 0, fmt.Sprintf("k%d", i+1))
					}
				}
			}
		}()
	}
	got, err := walkImage(t, s, nil)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !equalImages(got, want) {
		t.Fatalf("snapshot differs: %d keys, want %d", len(got[0]), len(want[0]))
	}
}

func TestSnapshotAbortedByFlush(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flush func(e *Engine)
	}{
		{"flushall", func(e *Engine) { e.FlushAll() }},
		{"flushdb", func(e *Engine) { e.DB(1).Flush() }},
		{"swapdb", func(e *Engine) { e.SwapDB(0, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			for i := range 500 {
				put(e, i%2, fmt.Sprintf("k%d", i), "v", 0)
			}
			s, err := e.BeginSnapshot(encodeTest, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = walkImage(t, s, func() { tc.flush(e) })
			if !errors.Is(err, ErrSnapshotAborted) || !s.Aborted() {
				t.Fatalf("walk after %s: %v, want ErrSnapshotAborted", tc.name, err)
			}
			if e.SnapshotRunning() {
				t.Fatal("aborted snapshot still running")
			}
			if _, err := e.BeginSnapshot(encodeTest, nil); err != nil {
				t.Fatalf("a new snapshot after the abort: %v", err)
			}
		})
	}
}

func TestSnapshotEmptyDBFlushDoesNotAbort(t *testing.T) {
	e, _ := newTestEngine(t)
	put(e, 0, "a", "1", 0)
	s, err := e.BeginSnapshot(encodeTest, func() {})
	if err != nil {
		t.Fatal(err)
	}
	got, err := walkImage(t, s, func() { e.DB(1).Flush(); put(e, 1, "b", "2", 0) })
	if err != nil || got[0]["a"] != "1" || got[1] != nil {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestSnapshotWalkError(t *testing.T) {
	e, _ := newTestEngine(t)
	put(e, 0, "a", "1", 0)
	s, _ := e.BeginSnapshot(encodeTest, nil)
	boom := errors.New("disk full")
	if err := s.Walk(func(int, []byte) error { return boom }); err != boom {
		t.Fatalf("Walk = %v", err)
	}
	if e.SnapshotRunning() {
		t.Fatal("failed snapshot still running")
	}
}
