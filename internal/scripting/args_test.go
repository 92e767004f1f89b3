package scripting

import "testing"

// TestArgTablesFresh: KEYS and ARGV are kept from run to run, but every
// script finds them as Redis makes them, whatever the last script did to
// them: grown, shrunk, keyed, given a metatable, emptied.
func TestArgTablesFresh(t *testing.T) {
	vm := NewVM("7.0.15")
	h := &fakeHost{}
	const show = "return {#KEYS, #ARGV, tostring(KEYS[1]), tostring(KEYS[2]), tostring(KEYS[4]), tostring(ARGV[1]), tostring(rawget(KEYS, 'x')), tostring(ARGV.y), tostring(getmetatable(KEYS))}"
	steps := []struct {
		body       string
		keys, argv []string
		want       string
	}{
		{show, []string{"a", "b", "c"}, []string{"1"}, "*9\r\n:3\r\n:1\r\n$1\r\na\r\n$1\r\nb\r\n$3\r\nnil\r\n$1\r\n1\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
		{show, []string{"d"}, nil, "*9\r\n:1\r\n:0\r\n$1\r\nd\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
		{"KEYS[4] = 'grown' table.insert(ARGV, 'more') return 1", []string{"e"}, []string{"2"}, ":1\r\n"},
		{show, []string{"f"}, nil, "*9\r\n:1\r\n:0\r\n$1\r\nf\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
		{"KEYS.x = 'keyed' ARGV.y = 'keyed' return 1", []string{"g"}, []string{"3"}, ":1\r\n"},
		{show, []string{"h", "i"}, []string{"4"}, "*9\r\n:2\r\n:1\r\n$1\r\nh\r\n$1\r\ni\r\n$3\r\nnil\r\n$1\r\n4\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
		{"setmetatable(KEYS, {__index = function() return 'meta' end}) KEYS[1] = nil return 1", []string{"j"}, nil, ":1\r\n"},
		{show, nil, nil, "*9\r\n:0\r\n:0\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
		{"ARGV[1] = nil KEYS[1] = 'changed' return 1", []string{"k"}, []string{"5"}, ":1\r\n"},
		{show, []string{"l"}, []string{"6", "7"}, "*9\r\n:1\r\n:2\r\n$1\r\nl\r\n$3\r\nnil\r\n$3\r\nnil\r\n$1\r\n6\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n"},
	}
	for i, s := range steps {
		if got := eval(t, vm, h, 2, s.body, s.keys, s.argv); got != s.want {
			t.Fatalf("step %d (%s): %q, want %q", i, s.body, got, s.want)
		}
	}
}
