package server

import "testing"

func TestOneKey(t *testing.T) {
	k := func(ss ...string) [][]byte {
		out := make([][]byte, len(ss))
		for i, s := range ss {
			out[i] = []byte(s)
		}
		return out
	}
	cases := []struct {
		keys [][]byte
		want bool
	}{
		{nil, false},
		{k("mylist"), false}, // one command: nothing repeated
		{k("k", "k"), false}, // MULTI, INCR k, EXPIRE k, EXEC
		{k("l", "l", "l", "l", "l", "l", "l"), false},
		{k("l", "l", "l", "l", "l", "l", "l", "l"), true},
		{k("l", "l", "l", "l", "l", "l", "l", "l", "other"), false},
		{k("a", "b", "c", "d", "e", "f", "g", "h"), false},
		{k("", "", "", "", "", "", "", ""), true},
	}
	for _, c := range cases {
		if got := oneKey(c.keys); got != c.want {
			t.Errorf("oneKey(%q) = %v, want %v", c.keys, got, c.want)
		}
	}
}
