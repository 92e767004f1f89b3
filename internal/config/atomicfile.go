package config

import (
	"errors"
	"strings"
	"syscall"

	"github.com/shoal-cache/shoal/internal/persist"
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
// rewriteConfigOverwriteFile does, through persist.AtomicFile: a temporary
// file beside it (mode 0644 less the umask), fsynced, renamed over path,
// and the directory fsynced. Until the rename path is untouched, and a
// failure removes the temporary file.
func writeFileAtomic(path string, content []byte) error {
	f, err := persist.CreateAtomic(path)
	if err != nil {
		return &RewriteError{Op: "create a temporary config file", Err: err}
	}
	if _, err := f.Write(content); err != nil {
		f.Abort()
		return &RewriteError{Op: "write the temporary config file", Err: err}
	}
	if err := f.Commit(); err != nil {
		return &RewriteError{Op: "write the config file", Err: err}
	}
	return nil
}
