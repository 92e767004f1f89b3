package scripting

import (
	"strings"
	"testing"
)

// TestDeepRecursion: scripts may recurse as deep as Lua 5.1 lets them
// (20000 calls), and one that goes deeper fails with Lua's error and
// where it was.
func TestDeepRecursion(t *testing.T) {
	vm := NewVM("7.0.15")
	const f = "local function f(n) if n == 0 then return 0 end return 1 + f(n-1) end return f(%s)"
	for _, tt := range []struct{ depth, want string }{
		{"19990", ":19990\r\n"},
		{"20100", "-ERR user_script:1: stack overflow script: 1c7b32c85f65c8c44f52d96e640fc686fc22388c, on @user_script:1.\r\n"},
		{"10", ":10\r\n"},
	} {
		if got := eval(t, vm, &fakeHost{}, 2, strings.Replace(f, "%s", tt.depth, 1), nil, nil); got != tt.want {
			t.Errorf("depth %s: %q, want %q", tt.depth, got, tt.want)
		}
	}
}
