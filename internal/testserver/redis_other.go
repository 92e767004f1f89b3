//go:build !linux

package testserver

import "os/exec"

// dieWithTest does nothing where there is no parent-death signal: there
// t.Cleanup alone stops redis-server.
func dieWithTest(*exec.Cmd) {}
