package testserver

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes the kernel kill redis-server when the test process
// dies, even killed (a test binary piped into head), when t.Cleanup
// never runs.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
