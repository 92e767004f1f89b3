package e2e

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// debianConf is the config file Debian's redis-server package installs.
const debianConf = "/etc/redis/redis.conf"

// TestStartsFromRedisConf starts Shoal from Debian's stock redis.conf,
// with flags keeping it on loopback, an ephemeral port and a temporary
// directory, in the foreground, and checks that it serves and that the
// file's settings are the node's.
func TestStartsFromRedisConf(t *testing.T) {
	if _, err := os.Stat(debianConf); err != nil {
		t.Skip(debianConf + " not installed (apt-get install redis-server)")
	}
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "shoal.pid")
	p := startServer(t, "--config", debianConf, "--port", "0", "--bind", "127.0.0.1", "--daemonize", "no", "--supervised", "no",
		"--dir", dir, "--logfile", "", "--pidfile", pidfile)
	c := redis.NewClient(&redis.Options{Addr: p.addr})
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"protected-mode": "yes", "tcp-backlog": "511", "oom-score-adj-values": "0 200 800",
		"proc-title-template": "{title} {listen-addr} {server-mode}", "pidfile": pidfile} {
		got, err := c.ConfigGet(ctx, name).Result()
		if err != nil || got[name] != want {
			t.Errorf("CONFIG GET %s = %v, %v; want %q", name, got, err, want)
		}
	}
}

// TestPidFile checks that the pid file holds the process's pid while it
// runs and is gone after a clean stop (SIGTERM).
func TestPidFile(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "shoal.pid")
	p := startServer(t, "--pidfile", pidfile)
	got, err := os.ReadFile(pidfile)
	if err != nil || string(got) != strconv.Itoa(p.cmd.Process.Pid)+"\n" {
		t.Fatalf("pid file = %q, %v; want %d", got, err, p.cmd.Process.Pid)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	err = <-p.exited
	p.exited <- err
	if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
		t.Errorf("pid file after a clean stop: %v", err)
	}
}

// TestSIGTERMSavesWithSavePoints checks Redis's default for SIGTERM
// (shutdown-on-sigterm default): a snapshot when save points are set,
// none with nosave.
func TestSIGTERMSavesWithSavePoints(t *testing.T) {
	for _, tt := range []struct {
		flags []string
		saved bool
	}{
		{[]string{"--save", "3600 1"}, true},
		{[]string{"--save", "3600 1", "--shutdown-on-sigterm", "nosave"}, false},
		{[]string{"--save", ""}, false},
		{[]string{"--save", "", "--shutdown-on-sigterm", "save"}, true},
	} {
		dir := t.TempDir()
		p := startServer(t, append(tt.flags, "--dir", dir)...)
		c := redis.NewClient(&redis.Options{Addr: p.addr})
		c.Set(context.Background(), "k", "v", 0)
		c.Close()
		p.cmd.Process.Signal(syscall.SIGTERM)
		err := <-p.exited
		p.exited <- err
		_, statErr := os.Stat(filepath.Join(dir, "dump.rdb"))
		if saved := statErr == nil; saved != tt.saved {
			t.Errorf("%v: dump.rdb after SIGTERM: %v, want saved=%v", tt.flags, statErr, tt.saved)
		}
	}
}

// TestProtectedMode connects from 127.0.0.2, which Redis 7.0 counts as
// remote (it compares the address with 127.0.0.1 and ::1): refused with
// Redis's text while protected-mode is on and there is no password,
// served otherwise.
func TestProtectedMode(t *testing.T) {
	if probe, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skip("127.0.0.2 is not usable here:", err)
	} else {
		probe.Close()
	}
	tests := []struct {
		flags  []string
		denied bool
	}{
		{nil, true},
		{[]string{"--protected-mode", "no"}, false},
		{[]string{"--requirepass", "secret"}, false},
	}
	for _, tt := range tests {
		p := startServer(t, append([]string{"--bind", "0.0.0.0"}, tt.flags...)...)
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 5 * time.Second}
		conn, err := d.Dial("tcp", "127.0.0.1:"+p.port)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		conn.Write([]byte("PING\r\n"))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		denied := strings.HasPrefix(line, "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.")
		if denied != tt.denied {
			t.Errorf("%v: a client from 127.0.0.2 got %q, want denied=%v", tt.flags, line, tt.denied)
		}
	}
	// From 127.0.0.1 the default node serves.
	p := startServer(t)
	c := redis.NewClient(&redis.Options{Addr: p.addr})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Errorf("PING from 127.0.0.1 in protected mode: %v", err)
	}
}

// TestSupervisedSystemd checks that a node supervised by systemd tells
// NOTIFY_SOCKET it is ready, as redis-server does.
func TestSupervisedSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, mode := range []string{"systemd", "auto"} {
		t.Setenv("NOTIFY_SOCKET", sock)
		startServer(t, "--supervised", mode)
		var got []string
		ln.SetReadDeadline(time.Now().Add(5 * time.Second))
		for len(got) < 2 {
			buf := make([]byte, 512)
			n, err := ln.Read(buf)
			if err != nil {
				break
			}
			got = append(got, string(buf[:n]))
		}
		if len(got) != 2 || got[0] != "STATUS=Ready to accept connections\n" || got[1] != "READY=1\n" {
			t.Errorf("supervised %s: NOTIFY_SOCKET got %q", mode, got)
		}
	}
}

// TestDaemonize checks daemonize yes: the command returns once the
// daemon listens, the daemon's pid is in the pid file, it serves, and
// it is in a session of its own.
func TestDaemonize(t *testing.T) {
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "shoal.pid")
	port := freeLoopbackPort(t)
	cmd := exec.Command(binary, "server", "--daemonize", "yes", "--port", port, "--pidfile", pidfile,
		"--dir", dir, "--metrics-addr", "", "--save", "")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("shoal server --daemonize yes: %v: %s", err, out)
	}
	raw, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	daemon, _ := os.FindProcess(pid)
	t.Cleanup(func() { daemon.Signal(syscall.SIGKILL) })
	// Field 6 of /proc/PID/stat is the session; the command name
	// before it is in parentheses.
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		_, rest, _ := strings.Cut(string(stat), ") ")
		if f := strings.Fields(rest); len(f) < 4 || f[3] != strconv.Itoa(pid) {
			t.Errorf("daemon %d is not its session's leader: %s", pid, stat)
		}
	}
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	defer c.Close()
	if got, err := c.ConfigGet(context.Background(), "daemonize").Result(); err != nil || got["daemonize"] != "yes" {
		t.Errorf("CONFIG GET daemonize = %v, %v", got, err)
	}
	daemon.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
		t.Errorf("pid file after the daemon stopped: %v", err)
	}
	// A daemon that cannot start makes the command fail with its error.
	out, err = exec.Command(binary, "server", "--daemonize", "yes", "--port", port, "--pidfile", pidfile,
		"--dir", filepath.Join(dir, "missing"), "--metrics-addr", "").CombinedOutput()
	if err == nil {
		t.Errorf("daemonize with a missing dir succeeded: %s", out)
	}
}

func freeLoopbackPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}
