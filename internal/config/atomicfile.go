package config

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// RewriteError is why CONFIG REWRITE failed: the step (Op) and the
// system's error.
type RewriteError struct {
	Op  string
	Err error
}

func (e *RewriteError) Error() string { return "can't " + e.Op + ": " + e.Err.Error() }

func (e *RewriteError) Unwrap() error { return e.Err }

// Reason is the system error as C's strerror words it ("Permission
// denied"), the text Redis puts in its "Rewriting config file" error. Go's
// texts for errno values are the C library's with a lower-case first
// letter.
func (e *RewriteError) Reason() string {
	var errno syscall.Errno
	if !errors.As(e.Err, &errno) {
		return e.Err.Error()
	}
	s := errno.Error()
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeFileAtomic replaces the file at path with content as Redis's
// rewriteConfigOverwriteFile does: it writes a temporary file beside it
// (path.XXXXXX, mode 0644 less the umask), fsyncs it, renames it over
// path and fsyncs the directory. Until the rename path is untouched, and a
// failure removes the temporary file; only the directory's fsync can fail
// after the new file is in place, and then it is reported all the same.
func writeFileAtomic(path string, content []byte) error {
	f, err := createTemp(path)
	if err != nil {
		return &RewriteError{Op: "create a temporary config file", Err: err}
	}
	tmp := f.Name()
	if err := writeAndClose(f, content); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return &RewriteError{Op: "rename the temporary config file", Err: err}
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return &RewriteError{Op: "fsync the config file's directory", Err: err}
	}
	return nil
}

// createTemp creates path.XXXXXX (six random letters or digits, as
// mkstemp makes them) for writing, a new file.
func createTemp(path string) (*os.File, error) {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for range 100 {
		suffix := make([]byte, 6)
		for i := range suffix {
			suffix[i] = letters[rand.IntN(len(letters))]
		}
		f, err := os.OpenFile(path+"."+string(suffix), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, &os.PathError{Op: "create", Path: path + ".XXXXXX", Err: syscall.EEXIST}
}

// writeAndClose writes content to f, fsyncs and closes it.
func writeAndClose(f *os.File, content []byte) error {
	if _, err := f.Write(content); err != nil {
		f.Close()
		return &RewriteError{Op: "write the temporary config file", Err: err}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return &RewriteError{Op: "fsync the temporary config file", Err: err}
	}
	if err := f.Close(); err != nil {
		return &RewriteError{Op: "close the temporary config file", Err: err}
	}
	return nil
}

// syncDir fsyncs a directory, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
