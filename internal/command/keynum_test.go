package command_test

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestKeynumKeySpecs: commands whose keys follow a count (LMPOP, BLMPOP)
// report them to COMMAND GETKEYS as redis-server 7.0 does, and refuse
// counts that do not match the arguments.
func TestKeynumKeySpecs(t *testing.T) {
	r := testserver.Start(t).Raw(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"COMMAND", "GETKEYS", "LMPOP", "0", "a", "LEFT"}, "-ERR Invalid arguments specified for command\r\n"},
		{[]string{"COMMAND", "GETKEYS", "LMPOP", "5", "a", "LEFT"}, "-ERR Invalid arguments specified for command\r\n"},
		{[]string{"COMMAND", "GETKEYS", "LMPOP", "x", "a", "LEFT"}, "-ERR Invalid arguments specified for command\r\n"},
		{[]string{"COMMAND", "GETKEYSANDFLAGS", "LMPOP", "1", "a", "LEFT"}, "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n"},
	}
	for _, tt := range tests {
		if got := r.Do(tt.args...); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
