package persist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
)

// LoadOptions say how to load a log.
type LoadOptions struct {
	// Apply runs one command of the log (its args are valid during the
	// call). An error stops the load: an unknown command is one.
	Apply func(args [][]byte) error
	// LoadSnapshot loads a base file that is a snapshot.
	LoadSnapshot func(path string) error
	// Truncated is aof-load-truncated: cut a torn tail of the last file
	// (with a warning naming the offset) instead of refusing to start.
	Truncated bool
	// Progress, if set, is told how many bytes of how many were loaded.
	Progress func(loaded, total int64)
	Log      *slog.Logger
}

// CorruptError is a log that cannot be loaded as it is.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
	// Truncated is set when the file merely ends early (aof-load-truncated
	// no refused to cut it).
	Truncated bool
}

func (e *CorruptError) Error() string {
	if e.Truncated {
		return fmt.Sprintf("the append only file %s ends in the middle of a command at offset %d (%s). "+
			"Set aof-load-truncated yes to cut it there, or repair it with: shoal check-aof --fix %s",
			e.File, e.Offset, e.Reason, e.File)
	}
	return fmt.Sprintf("bad file format reading the append only file %s at offset %d: %s. "+
		"Make a backup of the file, then repair it with: shoal check-aof --fix %s (it cuts the file at that offset, "+
		"losing what follows)", e.File, e.Offset, e.Reason, e.File)
}

// errTorn is a command cut short by the end of the file.
var errTorn = errors.New("unexpected end of file")

// LoadAOF loads the log named by files: its base, then its incremental
// files in order. It returns how many commands it applied.
func LoadAOF(files *Files, opts LoadOptions) (int64, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	var total, loaded int64
	base, snapshot := files.BasePath()
	paths := files.IncrPaths()
	for _, p := range append([]string{base}, paths...) {
		if p != "" {
			total += fileSizeOf(p)
		}
	}
	var commands int64
	if base != "" {
		if snapshot {
			if err := opts.LoadSnapshot(base); err != nil {
				return 0, err
			}
			loaded += fileSizeOf(base)
		} else {
			n, _, err := replayFile(base, false, &opts, func(n int64) { report(&opts, loaded+n, total) })
			if err != nil {
				return 0, err
			}
			commands += n
			loaded += fileSizeOf(base)
		}
	}
	for i, p := range paths {
		last := i == len(paths)-1
		n, _, err := replayFile(p, last, &opts, func(n int64) { report(&opts, loaded+n, total) })
		if err != nil {
			return commands, err
		}
		commands += n
		loaded += fileSizeOf(p)
	}
	return commands, nil
}

func report(opts *LoadOptions, loaded, total int64) {
	if opts.Progress != nil {
		opts.Progress(loaded, total)
	}
}

func fileSizeOf(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// replayFile applies the commands of one file. A torn tail of the last
// file is cut when opts allow it, and so is a MULTI left open at its end,
// whose EXEC never made it to the file: the transaction was never
// acknowledged. It returns the commands applied and the offset where
// the file's good part ends.
func replayFile(path string, last bool, opts *LoadOptions, progress func(int64)) (int64, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := newCommandScanner(f)
	var commands, good int64
	multiAt := int64(-1)
	for {
		args, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			cerr := &CorruptError{File: path, Offset: sc.start, Reason: err.Error(), Truncated: errors.Is(err, errTorn)}
			if !cerr.Truncated || !last || !opts.Truncated {
				return commands, good, cerr
			}
			cut := sc.start
			if multiAt >= 0 {
				cut = multiAt
			}
			opts.Log.Warn("!!! Warning: short read while loading the AOF file !!!", "file", path, "offset", sc.start,
				"truncated_to", cut, "lost_bytes", fileSizeOf(path)-cut)
			return commands, cut, os.Truncate(path, cut)
		}
		switch {
		case isWord(args[0], "multi"):
			multiAt = sc.start
		case isWord(args[0], "exec"):
			multiAt = -1
		}
		if err := opts.Apply(args); err != nil {
			return commands, good, fmt.Errorf("%s at offset %d: %w", path, sc.start, err)
		}
		commands++
		good = sc.offset
		if commands%1024 == 0 {
			progress(good)
		}
	}
	if multiAt >= 0 {
		if !last || !opts.Truncated {
			return commands, good, &CorruptError{File: path, Offset: multiAt, Reason: "MULTI without EXEC", Truncated: true}
		}
		opts.Log.Warn("reverting an incomplete MULTI/EXEC transaction at the end of the AOF", "file", path, "offset", multiAt)
		// The transaction's queued commands never ran: cutting them keeps
		// the file in step with the keyspace, so appends continue after it.
		return commands, multiAt, os.Truncate(path, multiAt)
	}
	progress(good)
	return commands, good, nil
}

func isWord(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// commandScanner reads RESP arrays of bulk strings, the log's only form,
// keeping the offset of each.
type commandScanner struct {
	r      *bufio.Reader
	offset int64 // after the last command read
	start  int64 // of the command being read
	args   [][]byte
	buf    []byte
}

func newCommandScanner(r io.Reader) *commandScanner {
	return &commandScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// maxArgs and maxBulk bound what a corrupt length can make us allocate.
const (
	maxArgs = 1 << 24
	maxBulk = 512 << 20 // proto-max-bulk-len
)

func (s *commandScanner) next() ([][]byte, error) {
	s.start = s.offset
	first, err := s.r.Peek(1)
	if err == io.EOF && len(first) == 0 {
		return nil, io.EOF
	}
	n, err := s.line('*')
	if err != nil {
		return nil, err
	}
	if n < 1 || n > maxArgs {
		return nil, fmt.Errorf("invalid number of arguments %d", n)
	}
	s.args = s.args[:0]
	s.buf = s.buf[:0]
	lens := make([]int, 0, n)
	for range n {
		size, err := s.line('$')
		if err != nil {
			return nil, err
		}
		if size < 0 || size > maxBulk {
			return nil, fmt.Errorf("invalid bulk length %d", size)
		}
		start := len(s.buf)
		s.buf = append(s.buf, make([]byte, size+2)...)
		if _, err := io.ReadFull(s.r, s.buf[start:]); err != nil {
			return nil, errTorn
		}
		s.offset += size + 2
		if s.buf[len(s.buf)-2] != '\r' || s.buf[len(s.buf)-1] != '\n' {
			return nil, errors.New("a bulk string does not end in CRLF")
		}
		s.buf = s.buf[:len(s.buf)-2]
		lens = append(lens, int(size))
	}
	pos := 0
	for _, l := range lens {
		s.args = append(s.args, s.buf[pos:pos+l:pos+l])
		pos += l
	}
	return s.args, nil
}

// line reads "<prefix><integer>\r\n".
func (s *commandScanner) line(prefix byte) (int64, error) {
	text, err := s.r.ReadSlice('\n')
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, errTorn
		}
		return 0, err
	}
	s.offset += int64(len(text))
	if len(text) < 3 || text[0] != prefix || text[len(text)-2] != '\r' {
		return 0, fmt.Errorf("expected '%c' at the start of a line", prefix)
	}
	n, err := strconv.ParseInt(string(text[1:len(text)-2]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid length %q", text[1:len(text)-2])
	}
	return n, nil
}
