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
