package persist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The log's files, laid out as Redis 7 lays them out: in the directory
// appenddirname under dir, a base file (a snapshot, or commands) and
// incremental files of commands, in order, named by a manifest:
//
//	file appendonly.aof.1.base.rdb seq 1 type b
//	file appendonly.aof.1.incr.aof seq 1 type i
//
// A rewrite starts a new incremental file and names it in the manifest
// before anything is written to it, writes a new base, and then writes a
// manifest of the new base and the new incremental file alone. Each
// manifest replaces the last by rename, so a crash at any point leaves a
// manifest whose files hold every acknowledged effect exactly once.

// fileKind is a manifest entry's type.
type fileKind byte

const (
	kindBase fileKind = 'b'
	kindIncr fileKind = 'i'
	kindHist fileKind = 'h' // a file a rewrite made obsolete, not loaded
)

type manifestEntry struct {
	name string
	seq  int64
	kind fileKind
}

type manifest struct {
	entries []manifestEntry
}

func (m *manifest) base() *manifestEntry {
	for i := range m.entries {
		if m.entries[i].kind == kindBase {
			return &m.entries[i]
		}
	}
	return nil
}

// incrs returns the incremental files in order.
func (m *manifest) incrs() []manifestEntry {
	var out []manifestEntry
	for _, e := range m.entries {
		if e.kind == kindIncr {
			out = append(out, e)
		}
	}
	return out
}

func (m *manifest) lastIncr() *manifestEntry {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if m.entries[i].kind == kindIncr {
			return &m.entries[i]
		}
	}
	return nil
}

func (m *manifest) maxSeq(kind fileKind) int64 {
	var n int64
	for _, e := range m.entries {
		if e.kind == kind && e.seq > n {
			n = e.seq
		}
	}
	return n
}

func (m *manifest) encode() []byte {
	var b bytes.Buffer
	for _, e := range m.entries {
		fmt.Fprintf(&b, "file %s seq %d type %c\n", e.name, e.seq, e.kind)
	}
	return b.Bytes()
}

// parseManifest reads a manifest; its errors name the line.
func parseManifest(data []byte) (*manifest, error) {
	m := &manifest{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields)%2 != 0 {
			return nil, fmt.Errorf("invalid AOF manifest file format at line %d", line)
		}
		var e manifestEntry
		for i := 0; i < len(fields); i += 2 {
			switch fields[i] {
			case "file":
				e.name = fields[i+1]
			case "seq":
				n, err := strconv.ParseInt(fields[i+1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("invalid seq at line %d of the AOF manifest", line)
				}
				e.seq = n
			case "type":
				if len(fields[i+1]) != 1 || !strings.Contains("bih", fields[i+1]) {
					return nil, fmt.Errorf("unknown AOF file type at line %d of the AOF manifest", line)
				}
				e.kind = fileKind(fields[i+1][0])
			}
		}
		if e.name == "" || e.kind == 0 || strings.ContainsAny(e.name, "/\\") {
			return nil, fmt.Errorf("invalid AOF manifest file format at line %d", line)
		}
		m.entries = append(m.entries, e)
	}
	if len(m.entries) == 0 {
		return nil, errors.New("found an empty AOF manifest")
	}
	return m, nil
}

// Files is the log's directory and manifest.
type Files struct {
	dir      string // dir/appenddirname
	name     string // appendfilename
	manifest *manifest
}

// OpenFiles reads the manifest in dir/dirName, or starts an empty one
// (nothing is written until the log is opened). exists reports whether
// a manifest was there.
func OpenFiles(dir, dirName, fileName string) (f *Files, exists bool, err error) {
	f = &Files{dir: filepath.Join(dir, dirName), name: fileName, manifest: &manifest{}}
	data, err := os.ReadFile(f.manifestPath())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, false, nil
	case err != nil:
		return nil, false, err
	}
	m, err := parseManifest(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", f.manifestPath(), err)
	}
	f.manifest = m
	return f, true, nil
}

// Dir is the log's directory.
func (f *Files) Dir() string { return f.dir }

func (f *Files) manifestPath() string { return filepath.Join(f.dir, f.name+".manifest") }

func (f *Files) path(name string) string { return filepath.Join(f.dir, name) }

// BasePath is the base file to load first, "" when there is none, and
// whether it is a snapshot (else commands).
func (f *Files) BasePath() (path string, snapshot bool) {
	b := f.manifest.base()
	if b == nil {
		return "", false
	}
	return f.path(b.name), strings.HasSuffix(b.name, ".rdb")
}

// IncrPaths are the incremental files to replay, in order.
func (f *Files) IncrPaths() []string {
	var out []string
	for _, e := range f.manifest.incrs() {
		out = append(out, f.path(e.name))
	}
	return out
}

// addIncr names a new incremental file in the manifest, creating the
// file first and the directory if need be.
func (f *Files) addIncr() error {
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return err
	}
	seq := f.manifest.maxSeq(kindIncr) + 1
	name := fmt.Sprintf("%s.%d.incr.aof", f.name, seq)
	file, err := os.OpenFile(f.path(name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fileErr("create", name, err)
	}
	file.Close()
	next := &manifest{entries: append(append([]manifestEntry(nil), f.manifest.entries...), manifestEntry{name, seq, kindIncr})}
	if err := f.writeManifest(next); err != nil {
		return err
	}
	f.manifest = next
	return nil
}

// openLastIncr opens the last incremental file for appending.
func (f *Files) openLastIncr() (*os.File, int64, error) {
	e := f.manifest.lastIncr()
	file, err := os.OpenFile(f.path(e.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, fileErr("open", e.name, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	return file, st.Size(), nil
}

// writeManifest replaces the manifest with m, crash-safely.
func (f *Files) writeManifest(m *manifest) error {
	return writeFileAtomic(f.manifestPath(), m.encode())
}

func (f *Files) fileSize(name string) int64 {
	st, err := os.Stat(f.path(name))
	if err != nil {
		return 0
	}
	return st.Size()
}

// TotalSize is the size of every file loaded: base and incrementals.
func (f *Files) TotalSize() int64 {
	var n int64
	for _, e := range f.manifest.entries {
		if e.kind != kindHist {
			n += f.fileSize(e.name)
		}
	}
	return n
}

// sizeBeforeLastIncr is totalSize without the last incremental file.
func (f *Files) sizeBeforeLastIncr() int64 {
	last := f.manifest.lastIncr()
	var n int64
	for _, e := range f.manifest.entries {
		if e.kind != kindHist && (last == nil || e.name != last.name) {
			n += f.fileSize(e.name)
		}
	}
	return n
}

// writeFileAtomic writes data to a temporary file beside path, forces it
// to disk, renames it over path and forces the directory, so that path
// holds the old or the new data after a crash, never a part.
func writeFileAtomic(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "temp-"+filepath.Base(path))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}
