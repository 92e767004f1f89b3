package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/shoal-cache/shoal/internal/config"
)

// daemonChildEnv marks the process daemonize started: it is the daemon,
// and file descriptor 3 is the pipe on which it tells its parent that it
// listens (or why it could not).
const daemonChildEnv = "SHOAL_DAEMONIZED"

// defaultPidFile is where a daemon writes its pid when pidfile is not
// set, as redis-server does.
const defaultPidFile = "/var/run/redis.pid"

// isDaemonChild reports whether this process is the daemon a parent
// started.
func isDaemonChild() bool { return os.Getenv(daemonChildEnv) == "1" }

// daemonize starts this program again, with the same arguments, as a
// session leader with its standard streams on /dev/null, and waits until
// it listens: it returns nil then (the caller exits 0), or the error the
// daemon stopped with.
func daemonize() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), daemonChildEnv+"=1")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("daemonize: %w", err)
	}
	w.Close()
	msg, _ := io.ReadAll(r)
	r.Close()
	if string(msg) == "ready" {
		return cmd.Process.Release()
	}
	cmd.Wait()
	if len(msg) == 0 {
		return errors.New("daemonize: the daemon exited before it listened")
	}
	return errors.New(string(msg))
}

// tellParent gives the daemon's parent the outcome of start-up: "ready",
// or the error; it does nothing in a process not daemonized.
func tellParent(startErr error) {
	if !isDaemonChild() {
		return
	}
	f := os.NewFile(3, "daemon-pipe")
	if startErr != nil {
		f.WriteString(startErr.Error())
	} else {
		f.WriteString("ready")
	}
	f.Close()
}

// writePidFile writes the process's pid as redis-server does; a failure
// is logged, not fatal, as there. It returns a function removing it.
func writePidFile(path string, log *slog.Logger) func() {
	if path == "" {
		return func() {}
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		log.Warn("Failed to write PID file", "pidfile", path, "error", err)
		return func() {}
	}
	return func() { os.Remove(path) }
}

// supervisor tells the process supervisor about the node's state, as
// redis-server's supervised modes do.
type supervisor struct {
	mode string // "systemd", "upstart" or ""
	log  *slog.Logger
}

// newSupervisor resolves supervised; auto picks systemd when
// NOTIFY_SOCKET is set and upstart when UPSTART_JOB is.
func newSupervisor(cfg *config.Config, log *slog.Logger) supervisor {
	mode := cfg.String("supervised")
	if mode == "auto" {
		switch {
		case os.Getenv("NOTIFY_SOCKET") != "":
			mode = "systemd"
		case os.Getenv("UPSTART_JOB") != "":
			mode = "upstart"
		}
	}
	if mode != "systemd" && mode != "upstart" {
		mode = ""
	}
	return supervisor{mode: mode, log: log}
}

// ready says the node accepts connections: systemd gets a status and
// READY=1 on NOTIFY_SOCKET; upstart, which waits for the process to
// stop itself, gets SIGSTOP.
func (s supervisor) ready(replica bool) {
	switch s.mode {
	case "systemd":
		status := "STATUS=Ready to accept connections\n"
		if replica {
			status = "STATUS=Ready to accept connections in read-only mode. Waiting for MASTER <-> REPLICA sync\n"
		}
		s.notify(status)
		s.notify("READY=1\n")
	case "upstart":
		if os.Getenv("UPSTART_JOB") == "" {
			s.log.Warn("upstart supervision requested, but UPSTART_JOB not found!")
			return
		}
		s.log.Info("supervised by upstart, will stop to signal readiness.")
		syscall.Kill(os.Getpid(), syscall.SIGSTOP)
		os.Unsetenv("UPSTART_JOB")
	}
}

// stopping tells systemd the node is shutting down.
func (s supervisor) stopping() {
	if s.mode == "systemd" {
		s.notify("STOPPING=1\n")
	}
}

// notify sends one datagram to systemd's NOTIFY_SOCKET ("@name" is in
// the abstract namespace, which the net package reads the same way).
func (s supervisor) notify(msg string) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		s.log.Warn("systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!")
		return
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		s.log.Warn("Can't connect to systemd socket", "socket", path, "error", err)
		return
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		s.log.Warn("Can't send notification to systemd", "message", strings.TrimSpace(msg), "error", err)
	}
}
