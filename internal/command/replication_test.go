package command_test

import (
	"net"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The replication family's replies on a replica whose primary is not
// there and on a primary short of replicas. The raw replies in the
// tables are redis-server 7.0.15's to the same commands, SHA1s and line
// numbers included.

// deadPort returns a loopback port nothing listens on.
func deadPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// replStep is one command and Redis's reply to it.
type replStep struct {
	args []string
	want string
}

func replRun(t *testing.T, raw *testserver.Raw, steps []replStep) {
	t.Helper()
	for i, s := range steps {
		if got := raw.Do(s.args...); got != s.want {
			t.Errorf("step %d %q:\n got %q\nwant %q", i, s.args, got, s.want)
		}
	}
}

const (
	replReadOnly   = "-READONLY You can't write against a read only replica.\r\n"
	replMasterDown = "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n"
	replNoReplicas = "-NOREPLICAS Not enough good replicas to write.\r\n"
	replWaitErr    = "-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.\r\n"
	replSetScript  = "return redis.call('set','q','1')"
	replLib        = "#!lua name=rc\nredis.register_function('w', function(k, a) return redis.call('set', k[1], '1') end)\n" +
		"redis.register_function{function_name='r', callback=function(k, a) return redis.call('get', k[1]) end, flags={'no-writes'}}"
)

// TestReplicaRefusesScriptsLikeRedis: on a read-only replica a script's
// writes get READONLY (a script with flags before it runs), with the
// link down and replica-serve-stale-data no scripts get MASTERDOWN
// unless they allow stale data, and then their commands that do not
// get an error; WAIT is refused before its arguments are read; ROLE's
// offset is -1 while the link is down; HELLO says "replica".
func TestReplicaRefusesScriptsLikeRedis(t *testing.T) {
	srv := testserver.Start(t, "replicaof 127.0.0.1 "+deadPort(t))
	raw := srv.Raw(t)
	replRun(t, raw, []replStep{
		{[]string{"EVAL", replSetScript, "0"}, "-READONLY You can't write against a read only replica. script: 7e261e95a4e34decacc61e8157a2bf6b9e5bed72, on @user_script:1.\r\n"},
		{[]string{"EVAL", "return redis.pcall('set','q','1')['err']", "0"}, "$53\r\nREADONLY You can't write against a read only replica.\r\n"},
		{[]string{"EVAL", "#!lua\nreturn 1", "0"}, replReadOnly},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn redis.call('get','q')", "0"}, "$-1\r\n"},
		{[]string{"EVAL_RO", "#!lua\nreturn 1", "0"}, replReadOnly},
		{[]string{"CONFIG", "SET", "replica-read-only", "no"}, "+OK\r\n"},
		{[]string{"FUNCTION", "LOAD", "REPLACE", replLib}, "$2\r\nrc\r\n"},
		{[]string{"CONFIG", "SET", "replica-read-only", "yes"}, "+OK\r\n"},
		{[]string{"FCALL", "w", "1", "q"}, replReadOnly},
		{[]string{"FCALL", "r", "1", "q"}, "$-1\r\n"},
		{[]string{"FCALL_RO", "w", "1", "q"}, replReadOnly},
		{[]string{"WAIT", "1", "-1"}, replWaitErr},
		{[]string{"WAIT", "x", "0"}, replWaitErr},
		{[]string{"CONFIG", "SET", "replica-serve-stale-data", "no"}, "+OK\r\n"},
		{[]string{"EVAL", "return 1", "0"}, replMasterDown},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, replMasterDown},
		{[]string{"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get','a')", "0"},
			"-ERR Can not execute the command on a stale replica script: b4dc3987a08b9f475b5eb6967a9ea6339b2a290e, on @user_script:2.\r\n"},
		{[]string{"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('echo','a')", "0"}, "$1\r\na\r\n"},
		{[]string{"EVAL_RO", "#!lua\nreturn 1", "0"}, replReadOnly},
		{[]string{"FCALL", "r", "1", "q"}, replMasterDown},
		{[]string{"CONFIG", "SET", "replica-serve-stale-data", "yes"}, "+OK\r\n"},
		{[]string{"GET", "q"}, "$-1\r\n"}, // no script wrote it
	})
	if got := raw.Do("ROLE"); !strings.HasSuffix(got, "\r\n:-1\r\n") {
		t.Errorf("ROLE on a replica whose link is down = %q, want offset -1", got)
	}
	if got := raw.Do("HELLO", "2"); !strings.Contains(got, "$4\r\nrole\r\n$7\r\nreplica\r\n") {
		t.Errorf("HELLO on a replica = %q, want role replica", got)
	}
}

// TestPrimaryRefusesScriptsWithoutReplicas: with min-replicas-to-write
// unmet, a script's writes and a script that may write get NOREPLICAS.
func TestPrimaryRefusesScriptsWithoutReplicas(t *testing.T) {
	srv := testserver.Start(t, "min-replicas-to-write 5")
	replRun(t, srv.Raw(t), []replStep{
		{[]string{"EVAL", replSetScript, "0"}, "-NOREPLICAS Not enough good replicas to write. script: 7e261e95a4e34decacc61e8157a2bf6b9e5bed72, on @user_script:1.\r\n"},
		{[]string{"EVAL", "#!lua\nreturn 1", "0"}, replNoReplicas},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, ":1\r\n"},
		{[]string{"EVAL_RO", "#!lua\nreturn 1", "0"}, replNoReplicas},
		{[]string{"EVAL", "return redis.pcall('set','q','1')['err']", "0"}, "$45\r\nNOREPLICAS Not enough good replicas to write.\r\n"},
	})
	if got := srv.Raw(t).Do("HELLO", "2"); !strings.Contains(got, "$4\r\nrole\r\n$6\r\nmaster\r\n") {
		t.Errorf("HELLO on a primary = %q, want role master", got)
	}
}

// TestMinReplicasNeedsBothSettings: as in Redis, min-replicas-to-write
// refuses writes only while min-replicas-max-lag is above 0 too, and INFO
// replication counts the good replicas (min_slaves_good_slaves) only then.
func TestMinReplicasNeedsBothSettings(t *testing.T) {
	srv := testserver.Start(t, "min-replicas-to-write 2")
	r := srv.Raw(t)
	if got := srvInfoField(srvInfo(t, r, "replication"), "min_slaves_good_slaves"); got != "0" {
		t.Errorf("min_slaves_good_slaves with both settings on = %q, want 0", got)
	}
	replRun(t, r, []replStep{
		{[]string{"SET", "k", "v"}, replNoReplicas},
		{[]string{"CONFIG", "SET", "min-replicas-max-lag", "0"}, "+OK\r\n"},
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
	})
	if info := srvInfo(t, r, "replication"); strings.Contains(info, "min_slaves_good_slaves") {
		t.Errorf("INFO replication with min-replicas-max-lag 0 shows min_slaves_good_slaves:\n%s", info)
	}
}

// TestUnsyncedReplicaHasNoBacklog: a node made a replica of a primary it
// never reached has no backlog in INFO, as in Redis (which makes one at
// the first sync), nor once promoted without a replica; a node that was
// a primary with a backlog keeps it as a replica.
func TestUnsyncedReplicaHasNoBacklog(t *testing.T) {
	backlog := func(r *testserver.Raw) [3]string {
		info := srvInfo(t, r, "replication")
		return [3]string{srvInfoField(info, "repl_backlog_active"), srvInfoField(info, "repl_backlog_first_byte_offset"), srvInfoField(info, "repl_backlog_histlen")}
	}
	srv := testserver.Start(t, "replicaof 127.0.0.1 "+deadPort(t))
	r := srv.Raw(t)
	if got := backlog(r); got != [3]string{"0", "0", "0"} {
		t.Errorf("replica that never synced: repl_backlog_active, first_byte_offset, histlen = %v, want 0 0 0", got)
	}
	r.Do("REPLICAOF", "NO", "ONE")
	r.Do("SET", "k", "v")
	if got := backlog(r); got[0] != "0" {
		t.Errorf("promoted without ever syncing or a replica: repl_backlog_active = %s, want 0", got[0])
	}
}
