//go:build unix

package persist

import "syscall"

// umask reads the process's umask (setting it back at once).
func umask() int {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return m
}
