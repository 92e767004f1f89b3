package command

import (
	"slices"
	"testing"

	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// TestSetValueMembers checks what the sorted-set commands read of a set
// source: its length, membership and every member once.
func TestSetValueMembers(t *testing.T) {
	for _, members := range [][]string{{"3", "1", "2"}, {"a", "1", "bb"}} {
		s := settype.NewFor([]byte(members[0]))
		for _, m := range members {
			s.Add([]byte(m), 512)
		}
		v := setValue{s}
		var got []string
		v.Range(func(m []byte) bool { got = append(got, string(m)); return true })
		slices.Sort(got)
		want := slices.Sorted(slices.Values(members))
		if !slices.Equal(got, want) || v.Len() != 3 || !v.Contains([]byte("1")) || v.Contains([]byte("01")) {
			t.Errorf("%q: Range %q, Len %d", members, got, v.Len())
		}
		n := 0
		v.Range(func([]byte) bool { n++; return false })
		if n != 1 {
			t.Errorf("Range went on after false: %d calls", n)
		}
	}
}

// FuzzSetRDB feeds the set loaders any bytes, past the checksum that keeps
// random payloads out of RESTORE: each refuses them or loads a set that
// dumps and loads back to the same members.
func FuzzSetRDB(f *testing.F) {
	f.Add(true, []byte("\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00"))
	f.Add(false, []byte("\x02\x01a\xc0\x07"))
	f.Add(false, []byte("\x03\x01a\x01b\x01a"))
	f.Fuzz(func(t *testing.T, intset bool, body []byte) {
		load := loadSetRDB
		if intset {
			load = loadIntsetRDB
		}
		e, err := load(&rdbReader{b: body})
		if err != nil {
			return
		}
		v := e.Obj.(setValue)
		typ, out := v.AppendRDB(nil)
		e2, err := rdbLoaders[typ](&rdbReader{b: out})
		if err != nil {
			t.Fatalf("%x: re-dump %x does not load: %v", body, out, err)
		}
		v2 := e2.Obj.(setValue)
		if v2.Len() != v.Len() || v2.Encoding() != v.Encoding() {
			t.Fatalf("%x: %d %s members, reloaded %d %s", body, v.Len(), v.Encoding(), v2.Len(), v2.Encoding())
		}
		v.Range(func(m []byte) bool {
			if !v2.Contains(m) {
				t.Fatalf("%x: %q lost", body, m)
			}
			return true
		})
	})
}
