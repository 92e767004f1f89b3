package scripting

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/resp"
)

// fakeHost answers redis.call from canned replies keyed by the command
// line ("get k"), and refuses "nosuch".
type fakeHost struct {
	replies map[string]string // RESP2 replies
	calls   []string
	logs    []string
}

func (h *fakeHost) Call(args [][]byte, proto int) ([]byte, string) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	line := strings.Join(parts, " ")
	h.calls = append(h.calls, line)
	if strings.EqualFold(parts[0], "nosuch") {
		return nil, "ERR Unknown Redis command called from script"
	}
	if r, ok := h.replies[line]; ok {
		return []byte(r), ""
	}
	return []byte("+OK\r\n"), ""
}

func (h *fakeHost) CommandExists(args [][]byte) bool {
	return !strings.EqualFold(string(args[0]), "nosuch")
}

func (h *fakeHost) Log(level int, msg string) { h.logs = append(h.logs, msg) }

// eval compiles and runs body and returns the reply as a client of
// protocol proto reads it; errors show as "-..." with "(counted)"
// appended when the error was counted already.
func eval(t *testing.T, vm *VM, h Host, proto int, body string, keys, argv []string) string {
	t.Helper()
	s, err := Compile(body)
	if err != nil {
		return "-ERR " + err.Error() + "\r\n"
	}
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = proto
	res := vm.Run(context.Background(), s, toBytes(keys), toBytes(argv), h)
	res.Write(w, func(msg string, counted bool) {
		if counted {
			msg += " (counted)"
		}
		w.Error(msg)
	})
	w.Flush()
	return out.String()
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
