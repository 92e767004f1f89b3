package replication

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestCommandReader: commands come back with their arguments intact (the
// earlier ones too, after raw grew for later ones) and the exact number
// of bytes each took, which the replica's offset advances by.
func TestCommandReader(t *testing.T) {
	big := strings.Repeat("v", 5000)
	cases := []struct {
		name   string
		stream string
		want   [][]string // nil entry: a keepalive
		sizes  []int64
	}{
		{"one command", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
			[][]string{{"SET", "k", "v"}}, []int64{27}},
		{"keepalive then command", "\n*1\r\n$4\r\nPING\r\n",
			[][]string{nil, {"PING"}}, []int64{1, 14}},
		{"arguments past raw's first array", "*4\r\n$4\r\nMSET\r\n$1\r\na\r\n$5000\r\n" + big + "\r\n$1\r\nb\r\n",
			[][]string{{"MSET", "a", big, "b"}}, []int64{int64(4 + 10 + 7 + 7 + 5002 + 7)}},
		{"empty argument", "*2\r\n$3\r\nGET\r\n$0\r\n\r\n",
			[][]string{{"GET", ""}}, []int64{19}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &commandReader{br: bufio.NewReaderSize(strings.NewReader(tc.stream), 64)}
			for i, want := range tc.want {
				args, size, err := r.next()
				if err != nil {
					t.Fatalf("command %d: %v", i, err)
				}
				if size != tc.sizes[i] {
					t.Errorf("command %d took %d bytes, want %d", i, size, tc.sizes[i])
				}
				if int64(len(r.raw)) != size && want != nil {
					t.Errorf("command %d: raw holds %d bytes, want %d", i, len(r.raw), size)
				}
				if len(args) != len(want) {
					t.Fatalf("command %d: %d arguments, want %d", i, len(args), len(want))
				}
				for j := range want {
					if string(args[j]) != want[j] {
						t.Errorf("command %d argument %d = %.20q, want %.20q", i, j, args[j], want[j])
					}
				}
			}
		})
	}
}

// TestCommandReaderRejects: malformed headers are protocol errors.
func TestCommandReaderRejects(t *testing.T) {
	for _, stream := range []string{
		"SET k v\r\n",
		"*x\r\n",
		"*-1\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$1x\r\nk\r\n",
		"*1\r\n:1\r\n",
		"*1\r\n$99999999999999999999\r\n",
		"*1\r\n$999999999999999\r\nshort\r\n",
	} {
		r := &commandReader{br: bufio.NewReader(bytes.NewBufferString(stream))}
		if _, _, err := r.next(); !errors.Is(err, errProtocol) {
			t.Errorf("%q: err = %v, want a protocol error", stream, err)
		}
	}
}

// FuzzCommandReader: any stream reads as commands or fails with an
// error, never a panic, and each command's size is the bytes it took.
func FuzzCommandReader(f *testing.F) {
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n\n*1\r\n$4\r\nPING\r\n"))
	f.Add([]byte("*1\r\n$5000\r\nshort\r\n"))
	f.Add([]byte("*1\r\n$1000000000\r\nshort\r\n"))
	f.Add([]byte("*2\r\n$0\r\n\r\n$-1\r\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		r := &commandReader{br: bufio.NewReaderSize(bytes.NewReader(stream), 16)}
		var total int64
		for {
			args, size, err := r.next()
			if err != nil {
				break
			}
			total += size
			if args != nil && int64(len(r.raw)) != size {
				t.Fatalf("raw holds %d bytes of a %d-byte command", len(r.raw), size)
			}
		}
		if total > int64(len(stream)) {
			t.Fatalf("commands took %d bytes of a %d-byte stream", total, len(stream))
		}
	})
}
