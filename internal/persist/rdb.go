// Package persist owns the files a node persists its keyspace to, and the
// byte-level mechanics of writing and reading them: a file is written
// beside its final name and renamed into place only once complete and
// fsynced (AtomicFile), so a crash never leaves a half file under the
// name a restart loads; a snapshot is read through a Source that counts
// offsets and checksums what it consumes, so an error names where the
// file went wrong.
//
// The snapshot format is Redis 7.0's RDB (version 10), described in
// docs/snapshot-format.md; its opcodes are here, the encodings of values
// with the values, in the command package, which DUMP and RESTORE share.
package persist

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"path/filepath"
)

// The RDB file's framing: "REDIS" and four version digits, then opcodes
// and keys, then OpEOF and the CRC-64 of everything before it.
const (
	Magic   = "REDIS"
	Version = 10 // Redis 7.0

	OpFunction2    = 0xF5 // a function library (Redis 7.0)
	OpFunction     = 0xF6 // a function (Redis 7.0 release candidates)
	OpModuleAux    = 0xF7
	OpIdle         = 0xF8 // LRU idle seconds of the next key
	OpFreq         = 0xF9 // LFU counter of the next key
	OpAux          = 0xFA // a name and a value string
	OpResizeDB     = 0xFB // the next database's key and expiring-key counts
	OpExpireTimeMs = 0xFC // expiry of the next key, Unix ms, 8 bytes LE
	OpExpireTime   = 0xFD // expiry of the next key, Unix s, 4 bytes LE
	OpSelectDB     = 0xFE
	OpEOF          = 0xFF
)

// crcTable is Redis's CRC-64/Jones, reversed as Go wants it.
var crcTable = crc64.MakeTable(0x95ac9329ac4bc9b5)

// CRC64 continues Redis's crc64(crc, p): unlike Go's Update, Redis's
// inverts neither before nor after, so both are undone.
func CRC64(crc uint64, p []byte) uint64 { return ^crc64.Update(^crc, crcTable, p) }

// AtomicFile is a file being written under a temporary name in the
// directory of its final name.
type AtomicFile struct {
	f     *os.File
	w     *bufio.Writer
	final string
	n     int64
}

// CreateAtomic starts writing path: the bytes go to a temporary file
// next to it until Commit.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "temp-"+filepath.Base(path)+"-*")
	if err != nil {
		return nil, err
	}
	// CreateTemp makes the file private; a snapshot is as readable as
	// Redis makes it (0644 before the umask).
	if err := f.Chmod(0o644 &^ os.FileMode(umask())); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &AtomicFile{f: f, w: bufio.NewWriterSize(f, 1<<20), final: path}, nil
}

// Write buffers p.
func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.w.Write(p)
	a.n += int64(n)
	return n, err
}

// Size is the number of bytes written so far.
func (a *AtomicFile) Size() int64 { return a.n }

// TempName is the temporary file's path.
func (a *AtomicFile) TempName() string { return a.f.Name() }

// Commit flushes, fsyncs and renames the file to its final name, then
// fsyncs the directory so the rename survives a crash. On error the
// temporary file is removed.
func (a *AtomicFile) Commit() error {
	err := a.w.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.final)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return err
	}
	return syncDir(filepath.Dir(a.final))
}

// Abort closes and removes the temporary file.
func (a *AtomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// CRCWriter passes bytes on to W and keeps Redis's CRC-64 of them.
type CRCWriter struct {
	W   io.Writer
	CRC uint64
	N   int64
}

// Write writes p to W and adds it to the checksum.
func (c *CRCWriter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.CRC = CRC64(c.CRC, p[:n])
	c.N += int64(n)
	return n, err
}

// Source reads a snapshot through a window of buffered bytes: a parser
// looks at the window, and consumes what it parsed. The checksum and the
// offset cover the consumed bytes.
type Source struct {
	r        io.Reader
	buf      []byte
	off, end int   // the window is buf[off:end]
	pos      int64 // file offset of buf[off]
	crc      uint64
	eof      bool
	err      error
}

// NewSource reads from r.
func NewSource(r io.Reader) *Source { return &Source{r: r, buf: make([]byte, 256<<10)} }

// Window returns the unconsumed bytes buffered, having read until there
// are at least n of them or the input ended. It is valid until the next
// Window or Consume.
func (s *Source) Window(n int) []byte {
	for s.end-s.off < n && !s.eof {
		if s.off > 0 {
			// Slide the window to the front before reading more.
			s.end = copy(s.buf, s.buf[s.off:s.end])
			s.off = 0
		}
		if n > len(s.buf) {
			grown := make([]byte, max(n, 2*len(s.buf)))
			copy(grown, s.buf[:s.end])
			s.buf = grown
		}
		m, err := s.r.Read(s.buf[s.end:])
		s.end += m
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.eof, s.err = true, err
		}
	}
	return s.buf[s.off:s.end]
}

// Consume marks the first n bytes of the window parsed.
func (s *Source) Consume(n int) {
	s.crc = CRC64(s.crc, s.buf[s.off:s.off+n])
	s.off += n
	s.pos += int64(n)
	if s.off == s.end {
		s.off, s.end = 0, 0
	}
}

// Offset is the file offset of the first unconsumed byte.
func (s *Source) Offset() int64 { return s.pos }

// CRC is the checksum of the bytes consumed so far.
func (s *Source) CRC() uint64 { return s.crc }

// Err is the read error that ended the input early, nil at a clean end.
func (s *Source) Err() error { return s.err }

// FormatError is what is wrong with a snapshot file, and where.
type FormatError struct {
	Offset int64
	What   string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("bad RDB file at offset %d: %s", e.Offset, e.What)
}

// ErrTruncated is wrapped by the FormatError of a file that ends early.
var ErrTruncated = errors.New("unexpected end of file")
