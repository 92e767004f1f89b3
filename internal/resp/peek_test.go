package resp

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

func TestPeekKeys(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     []string
	}{
		{"pipeline", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*3\r\n$3\r\nSET\r\n$2\r\nbb\r\n$1\r\nv\r\n", 32, []string{"a", "bb"}},
		{"no key", "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n", 32, []string{"k"}},
		{"max", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n", 1, []string{"a"}},
		{"incomplete tail", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\n", 32, []string{"a"}},
		{"inline stops", "GET a\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n", 32, nil},
		{"malformed length", "*2\r\n$x\r\nGET\r\n", 32, nil},
		{"negative length", "*2\r\n$-1\r\n*2\r\n", 32, nil},
		{"short body", "*2\r\n$3\r\nGET\r\n$5\r\nab\r\n", 32, nil},
		{"binary key", "*2\r\n$3\r\nGET\r\n$4\r\na\r\nb\r\n", 32, []string{"a\r\nb"}},
		{"too many args", "*65\r\n" + strings.Repeat("$1\r\nx\r\n", 65), 32, nil},
		{"empty", "", 32, nil},
		{"length near MaxInt64", "*2\r\n$3\r\nGET\r\n$9223372036854775807\r\n" + strings.Repeat("x", 64), 32, nil},
		{"length MaxInt64-1", "*2\r\n$3\r\nGET\r\n$9223372036854775806\r\nab\r\n", 32, nil},
		{"evalsha key", "*4\r\n$7\r\nevalsha\r\n$2\r\nab\r\n$1\r\n1\r\n$1\r\nk\r\n", 32, []string{"k"}},
		{"fcall no keys", "*3\r\n$5\r\nFCALL\r\n$1\r\nf\r\n$1\r\n0\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n", 32, []string{"a"}},
		{"eval zero keys with args", "*4\r\n$4\r\nEVAL\r\n$1\r\ns\r\n$1\r\n0\r\n$1\r\nx\r\n", 32, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PeekKeys([]byte(tt.in), tt.max, nil)
			if len(got) != len(tt.want) {
				t.Fatalf("PeekKeys = %q, want %q", got, tt.want)
			}
			for i := range got {
				if string(got[i]) != tt.want[i] {
					t.Fatalf("PeekKeys = %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// FuzzPeekKeys: any input gives keys that are slices of it, and the
// keys of whole commands are those Reader.Next parses.
func FuzzPeekKeys(f *testing.F) {
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$1\r\na\r\n*3\r\n$3\r\nSET\r\n$2\r\nbb\r\n$1\r\nv\r\n"))
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$-1\r\n"))
	f.Add([]byte("*1\r\n$0\r\n\r\n"))
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$9223372036854775807\r\nxx\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys := PeekKeys(data, 32, nil)
		for _, k := range keys {
			if len(k) > 0 && !aliases(k, data) {
				t.Fatalf("PeekKeys gave %q, not a slice of its input", k)
			}
		}
		r := NewReader(bytes.NewReader(data))
		r.MaxBulkLen = 1 << 20
		for _, k := range keys {
			var want []byte
			for want == nil {
				a, err := r.Next()
				if err == ErrIncomplete {
					if r.Fill() != nil {
						t.Fatalf("PeekKeys gave %q beyond what Next parses", k)
					}
					continue
				}
				if err != nil {
					t.Fatalf("PeekKeys gave %q where Next fails: %v", k, err)
				}
				want = peekedKey(a)
			}
			if string(want) != string(k) {
				t.Fatalf("PeekKeys gave %q, Next parsed %q", k, want)
			}
		}
	})
}

// peekedKey is the key PeekKeys should find in a parsed command, nil for
// none.
func peekedKey(args [][]byte) []byte {
	switch {
	case len(args) < 2:
		return nil
	case !isCall(args[0]):
		return args[1]
	case len(args) < 4 || string(args[2]) == "0":
		return nil
	}
	return args[3]
}

// aliases reports whether k lies within data's memory.
func aliases(k, data []byte) bool {
	start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(k)))
	return p >= start && p+uintptr(len(k)) <= start+uintptr(len(data))
}
