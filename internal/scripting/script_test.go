package scripting

import (
	"math"
	"strings"
	"testing"
)

func TestCompileShebang(t *testing.T) {
	tests := []struct {
		body    string
		flags   Flags
		shebang bool
		err     string
	}{
		{"return 1", 0, false, ""},
		{"#!lua\nreturn 1", 0, true, ""},
		{"#!lua flags=no-writes\nreturn 1", NoWrites, true, ""},
		{"#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1",
			NoWrites | AllowOOM | AllowStale | NoCluster | AllowCrossSlotKeys, true, ""},
		{"#!lua flags=\nreturn 1", 0, true, ""},
		{"#!lua", 0, false, "Invalid script shebang"},
		{"#!foo\nreturn 1", 0, false, "Unexpected engine in script shebang: #!foo"},
		{"#!lua flags=bad\nreturn 1", 0, false, "Unexpected flag in script shebang: bad"},
		{"#!lua name=x\nreturn 1", 0, false, "Unknown lua shebang option: name=x"},
		{"return {", 0, false, "Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"},
		{"#!lua\nreturn {", 0, false, "Error compiling script (new function): user_script:2: unexpected symbol near '<eof>'"},
		{"x = = 1", 0, false, "Error compiling script (new function): user_script:1: unexpected symbol near '='"},
	}
	for _, tt := range tests {
		s, err := Compile(tt.body)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.body, err)
			continue
		}
		if s.Flags != tt.flags || s.Shebang != tt.shebang || s.SHA != SHA1Hex(tt.body) {
			t.Errorf("%q: flags %b shebang %v sha %s", tt.body, s.Flags, s.Shebang, s.SHA)
		}
	}
}

func TestChunkID(t *testing.T) {
	tests := []struct{ source, want string }{
		{"x = 1", `[string "x = 1"]`},
		{"a\nb", `[string "a..."]`},
		{strings.Repeat("x", 43), `[string "` + strings.Repeat("x", 43) + `"]`},
		{strings.Repeat("x", 44), `[string "` + strings.Repeat("x", 43) + `..."]`},
		{"=name", "name"},
		{"@file.lua", "file.lua"},
	}
	for _, tt := range tests {
		if got := chunkID(tt.source); got != tt.want {
			t.Errorf("chunkID(%q) = %q, want %q", tt.source, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"msg", "ERR msg"},
		{"-WRONGTYPE Operation", "WRONGTYPE Operation"},
		{"-FOO", "ERR FOO"},
		{"-", "ERR "},
		{"-ERR x\r\n", "ERR x"},
	}
	for _, tt := range tests {
		if got := errorText(tt.in); got != tt.want {
			t.Errorf("errorText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLuaMessage checks the rewriting of gopher-lua's runtime errors
// into Lua 5.1's words.
func TestLuaMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"user_script:1: cannot perform add operation between nil and number", "user_script:1: attempt to perform arithmetic on a nil value"},
		{"x:2: cannot perform mul operation between number and table", "x:2: attempt to perform arithmetic on a table value"},
		{"cannot perform concat operation between string and table", "attempt to concatenate a table value"},
		{"cannot perform concat operation between boolean and string", "attempt to concatenate a boolean value"},
		{"attempt to index a non-table object(nil) with key 'x'", "attempt to index a nil value"},
		{"attempt to call a non-function object", "attempt to call a nil value"},
		{"attempt to compare table with table", "attempt to compare two table values"},
		{"attempt to compare number with string", "attempt to compare number with string"},
		{"bad argument #1 to rep (string expected, got nil)", "bad argument #1 to 'rep' (string expected, got nil)"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := luaMessage(tt.in); got != tt.want {
			t.Errorf("luaMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		f    float64
		prec int
		want string
	}{
		{1.0 / 3, 14, "0.33333333333333"},
		{1e15, 14, "1e+15"},
		{123456789012, 14, "123456789012"},
		{math.Pow(2, 53), 14, "9.007199254741e+15"},
		{0.1, 17, "0.10000000000000001"},
		{1e20, 17, "1e+20"},
		{math.Inf(1), 14, "inf"},
		{math.Inf(-1), 17, "-inf"},
		{math.Copysign(math.NaN(), -1), 17, "-nan"},
		{math.NaN(), 17, "nan"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.f, tt.prec); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.f, tt.prec, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for f, want := range map[float64]int64{3.99: 3, -3.99: -3, 1e20: math.MinInt64, -1e20: math.MinInt64, math.Inf(1): math.MinInt64} {
		if got := truncate(f); got != want {
			t.Errorf("truncate(%v) = %d, want %d", f, got, want)
		}
	}
	if got := truncate(math.NaN()); got != math.MinInt64 {
		t.Errorf("truncate(NaN) = %d", got)
	}
}

func TestVersionNum(t *testing.T) {
	if got := versionNum("7.0.15"); got != 458767 {
		t.Fatalf("versionNum = %d", got)
	}
}

// TestLrand48 checks the generator against POSIX lrand48 from seed 0.
func TestLrand48(t *testing.T) {
	r := lrand48{}
	r.seed(0)
	for i, want := range []int32{366850414, 1610402240, 206956554, 1869309841} {
		if got := r.next(); got != want {
			t.Errorf("draw %d: %d, want %d", i, got, want)
		}
	}
}

func TestStrtod(t *testing.T) {
	tests := []struct {
		s    string
		f    float64
		n    int
		null bool
	}{
		{"12", 12, 2, false},
		{"-1.5e3x", -1500, 6, false},
		{"1e", 1, 1, false},
		{"0x10", 16, 4, false},
		{"0x", 0, 1, false},
		{"+7", 7, 2, false},
		{"inf", math.Inf(1), 3, false},
		{"-Infinity", math.Inf(-1), 9, false},
		{".5", 0.5, 2, false},
		{"-", 0, 0, true},
		{"x", 0, 0, true},
	}
	for _, tt := range tests {
		f, n := strtod(tt.s)
		if n != tt.n || !tt.null && f != tt.f {
			t.Errorf("strtod(%q) = %v, %d; want %v, %d", tt.s, f, n, tt.f, tt.n)
		}
	}
}
