package testserver

import (
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// redisVersion is the line of redis-server whose replies Shoal matches.
var redisVersion = regexp.MustCompile(`v=7\.0\.\d+`)

// StartRedis runs a redis-server 7.0 on a free loopback port, without
// persistence, and returns its address; directives are config lines such
// as "requirepass secret". It skips the test when redis-server is not
// installed or is another version: other versions answer some commands
// differently, so a comparison would not mean much. The server is killed
// at cleanup, and by the kernel if the test process dies first (Linux).
func StartRedis(t testing.TB, directives ...string) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not in PATH (apt-get install redis-server)")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil || !redisVersion.Match(out) {
		t.Skipf("need redis-server 7.0.x, have %q", out)
	}
	port := freePort(t)
	args := []string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir()}
	for _, d := range directives {
		name, value, _ := strings.Cut(d, " ")
		args = append(args, "--"+name, value)
	}
	cmd := exec.Command(path, args...)
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := "127.0.0.1:" + port
	waitReady(t, addr)
	return addr
}

// freePort asks the kernel for a free port. redis-server cannot be told
// to pick one itself (--port 0 disables TCP), so there is a small window in
// which another process could take it.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitReady polls addr until it answers PING (with PONG, or NOAUTH when
// it has a password), for up to 5 s.
func waitReady(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			_, err = c.Write([]byte("PING\r\n"))
			buf := make([]byte, 64)
			n, _ := c.Read(buf)
			c.Close()
			if err == nil && strings.HasSuffix(string(buf[:n]), "\r\n") {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("redis-server at %s did not answer PING", addr)
}
