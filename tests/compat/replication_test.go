package compat

// Replication as a client sees it: a redis-server 7.0 pair and a Shoal
// pair, each a primary and replicas on loopback, driven by the same
// commands; ROLE and INFO replication are compared field by field in
// Redis's order once the values that differ between any two servers
// (replication IDs, ports, offsets past 1, seconds) are masked, and the
// errors byte for byte. A fake primary holds the replicas in the
// handshake and in the middle of a full sync, to compare those states.

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// replicationCases need no second server: the replication commands'
// argument checks, and what a primary answers to the replicas' own
// commands (REPLCONF ACK and GETACK have no reply, so they are not here).
var replicationCases = []lineCase{
	{"wait args", []string{"WAIT", "WAIT 0", "WAIT x 0", "WAIT 0 x", "WAIT 0 -1", "WAIT -1 0", "WAIT 1.5 0",
		"WAIT 0 1.5", "WAIT 0 99999999999999999999", "WAIT 0 0", "WAIT 1 10", "SET k v", "WAIT 1 10"}},
	{"replicaof args", []string{"REPLICAOF", "REPLICAOF 127.0.0.1", "REPLICAOF 127.0.0.1 x", "REPLICAOF 127.0.0.1 1 2",
		"REPLICAOF NO TWO", "REPLICAOF NO ONE", "REPLICAOF no one", "SLAVEOF NO ONE", "SLAVEOF x y", "ROLE"}},
	{"replconf", []string{"REPLCONF", "REPLCONF listening-port 1234", "REPLCONF LISTENING-PORT -5",
		"REPLCONF listening-port", "REPLCONF listening-port x", "REPLCONF a b c", "REPLCONF foo bar",
		"REPLCONF listening-port 1 foo x", "REPLCONF capa eof", "REPLCONF capa psync2 capa foo", "REPLCONF capa",
		"REPLCONF rdb-only 1", "REPLCONF rdb-only 0", "REPLCONF rdb-only 2", "REPLCONF rdb-only -1",
		"REPLCONF rdb-only x1", "REPLCONF rdb-only 99999999999999999999",
		`REPLCONF rdb-filter-only ""`, "REPLCONF rdb-filter-only functions", `REPLCONF rdb-filter-only "FUNCTIONS  functions"`,
		`REPLCONF rdb-filter-only "functions x"`, `REPLCONF rdb-filter-only "\"abc"`,
		"REPLCONF ip-address 1.2.3.4", `REPLCONF ip-address ""`,
		"REPLCONF ip-address " + strings.Repeat("a", 255), "REPLCONF ip-address " + strings.Repeat("a", 256)}},
	{"psync args", []string{"PSYNC", "PSYNC ?", "SYNC x"}},
}

// TestReplicationCommands runs replicationCases on two primaries.
func TestReplicationCommands(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t, "save ")
	for _, proto := range protos {
		for _, c := range replicationCases {
			t.Run("resp"+strconv.Itoa(proto)+"/"+c.name, func(t *testing.T) {
				newPair(t, redisAddr, shoal, proto).run(c.lines)
			})
		}
	}
}

// TestReplicaWithoutLink compares two replicas of a primary that is not
// there: ROLE says connect, INFO that the link is down, and what a
// replica refuses.
func TestReplicaWithoutLink(t *testing.T) {
	rs := startReplPair(t)
	dead := closedPort(t)
	rs.both(t, "REPLICAOF", "127.0.0.1", dead)
	rs.waitRole(t, "connect")
	for _, proto := range protos {
		p := rs.pair(t, proto)
		p.same(normalRole, "ROLE")
		p.same(normalInfo, "INFO", "replication")
		p.run([]string{
			"SET k v", "GET k", "WAIT 0 0", "WAIT x y", "PSYNC ? -1", "SYNC",
			"REPLICAOF 127.0.0.1 " + dead, "SLAVEOF 127.0.0.1 " + dead, "REPLICAOF 127.0.0.1 x",
			"CONFIG SET replica-serve-stale-data no", "GET k", "PING", "ROLE",
			"CONFIG SET replica-serve-stale-data yes", "GET k",
			"CONFIG SET replica-read-only no", "SET k v", "CONFIG SET replica-read-only yes", "SET k v",
		})
	}
	p := rs.pair(t, 2)
	p.do("REPLICAOF", "NO", "ONE")
	p.same(normalInfo, "INFO", "replication")
	p.same(normalRole, "ROLE")
}

// TestReplicaDuringSync holds replicas in the handshake and in a full
// sync that stops short (before the snapshot's header, in its EOF-marker
// form, in its length form) and compares ROLE and INFO replication
// there, master_sync_* fields included.
func TestReplicaDuringSync(t *testing.T) {
	rs := startReplPair(t)
	for _, c := range []struct{ mode, role, read string }{
		{"silent", "handshake", ""}, {"no-header", "sync", "0"}, {"eof", "sync", "9"}, {"length", "sync", "9"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			rs.both(t, "REPLICAOF", "127.0.0.1", fakePrimary(t, c.mode))
			rs.waitRole(t, c.role)
			rs.eventually(t, "the snapshot's first bytes", func(addr string) bool {
				return infoField(t, addr, "master_sync_read_bytes") == c.read
			})
			for _, proto := range protos {
				p := rs.pair(t, proto)
				p.same(normalRole, "ROLE")
				p.same(normalInfo, "INFO", "replication")
				p.run([]string{"SET k v", "GET k", "WAIT 0 0"})
			}
		})
	}
}

// TestReplicationLinked compares a primary with none, one and two
// replicas, the replicas, WAIT, min-replicas-to-write, and a replica
// promoted by REPLICAOF NO ONE.
func TestReplicationLinked(t *testing.T) {
	primaries := startReplPair(t)
	first, second := startReplPair(t), startReplPair(t)
	prim := primaries.pair(t, 2)
	for _, proto := range protos {
		p := primaries.pair(t, proto)
		p.same(normalRole, "ROLE")
		p.same(normalInfo, "INFO", "replication")
		p.run([]string{"WAIT 0 0", "WAIT 1 10"})
	}

	first.follow(t, primaries)
	primaries.waitOnline(t, 1)
	for _, proto := range protos {
		primaries.pair(t, proto).same(normalRole, "ROLE")
		first.pair(t, proto).same(normalRole, "ROLE")
	}
	prim.same(normalInfo, "INFO", "replication")
	first.pair(t, 2).same(normalInfo, "INFO", "replication")
	prim.run([]string{"SET k 1", "WAIT 1 0", "WAIT 2 50", "INCR k", "WAIT 0 0"})
	fp := first.pair(t, 2)
	fp.doEach([]string{"REPLICAOF", "127.0.0.1", portOf(primaries.redis)}, []string{"REPLICAOF", "127.0.0.1", portOf(primaries.shoal)})
	fp.run([]string{"SET k 2", "WAIT 1 0"})

	// The second replica announces another address: the primary shows it.
	second.both(t, "CONFIG", "SET", "replica-announce-ip", "127.0.0.2")
	second.follow(t, primaries)
	primaries.waitOnline(t, 2)
	for _, proto := range protos {
		primaries.pair(t, proto).same(normalRole, "ROLE")
	}
	prim.same(normalInfo, "INFO", "replication")
	prim.run([]string{"SET k 3", "WAIT 2 0", "WAIT 3 50", "CONFIG SET min-replicas-to-write 3", "SET k 4",
		"CONFIG SET min-replicas-to-write 2", "SET k 5", "WAIT 2 0", "CONFIG SET min-replicas-to-write 0"})
	for _, s := range []*replPair{first, second} {
		s.caughtUp(t, primaries)
		s.pair(t, 2).same(normalInfo, "INFO", "replication")
	}

	p := first.pair(t, 2)
	p.do("REPLICAOF", "NO", "ONE")
	p.same(normalInfo, "INFO", "replication")
	p.same(normalRole, "ROLE")
	for _, addr := range []string{first.redis, first.shoal} {
		id, off := infoField(t, addr, "master_replid2"), infoField(t, addr, "second_repl_offset")
		wantID, wantOff := infoField(t, primaries.addrLike(addr, first), "master_replid"), infoField(t, addr, "master_repl_offset")
		if n, _ := strconv.Atoi(wantOff); id != wantID || off != strconv.Itoa(n+1) {
			t.Errorf("%s after REPLICAOF NO ONE: master_replid2 %s second_repl_offset %s, want %s and %d", addr, id, off, wantID, n+1)
		}
	}
}

// TestRoleSkipsReplicasInFullSync holds a replica in its full sync (it
// asks for one and reads nothing of a 32 MB snapshot): INFO lists it, ROLE
// lists only the replicas past their full sync.
func TestRoleSkipsReplicasInFullSync(t *testing.T) {
	rs := startReplPair(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	value := make([]byte, 1<<20)
	for _, addr := range []string{rs.redis, rs.shoal} {
		c := dialRedis(t, addr)
		for i := range 32 {
			for j := range value {
				value[j] = byte(rnd.Uint32())
			}
			c.Do("SET", "k"+strconv.Itoa(i), string(value))
		}
		dialRedis(t, addr).Send("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
	}
	rs.eventually(t, "a replica in its full sync", func(addr string) bool {
		return infoField(t, addr, "connected_slaves") == "1" && !strings.Contains(infoField(t, addr, "slave0"), "state=online")
	})
	for _, proto := range protos {
		rs.pair(t, proto).same(normalRole, "ROLE")
	}
}

// replPair is a redis-server and a Shoal node in the same role.
type replPair struct{ redis, shoal string }

// startReplPair starts a redis-server and a Shoal node. Redis starts a
// full sync at once rather than after 5 s, as Shoal does.
func startReplPair(t *testing.T) *replPair {
	t.Helper()
	redisAddr := startRedis(t, "repl-diskless-sync-delay 0")
	shoal := testserver.Start(t, "save ", "repl-diskless-sync-delay 0")
	return &replPair{redis: redisAddr, shoal: shoal.Addr}
}

func (rs *replPair) pair(t *testing.T, proto int) *pair {
	return newPair(t, rs.redis, &testserver.Server{Addr: rs.shoal}, proto)
}

// both sends a command to both servers and fails unless both say OK.
func (rs *replPair) both(t *testing.T, args ...string) {
	t.Helper()
	for _, addr := range []string{rs.redis, rs.shoal} {
		if got := dialRedis(t, addr).Do(args...); !strings.HasPrefix(got, "+OK") {
			t.Fatalf("%s %s: %q", addr, show(args), got)
		}
	}
}

// follow makes the Redis replica follow the Redis primary and the Shoal
// replica the Shoal primary, and waits until both links are up.
func (rs *replPair) follow(t *testing.T, primaries *replPair) {
	t.Helper()
	dialRedis(t, rs.redis).Do("REPLICAOF", "127.0.0.1", portOf(primaries.redis))
	dialRedis(t, rs.shoal).Do("REPLICAOF", "127.0.0.1", portOf(primaries.shoal))
	rs.waitRole(t, "connected")
}

// addrLike is the server of rs of the same kind as addr's in other.
func (rs *replPair) addrLike(addr string, other *replPair) string {
	if addr == other.redis {
		return rs.redis
	}
	return rs.shoal
}

// waitRole waits until ROLE on both servers says a replica in state.
func (rs *replPair) waitRole(t *testing.T, state string) {
	t.Helper()
	rs.eventually(t, "ROLE state "+state, func(addr string) bool {
		r := parse(dialRedis(t, addr).Do("ROLE"))
		return len(r.elems) == 5 && r.elems[3].body == state
	})
}

// waitOnline waits until both primaries have n online replicas.
func (rs *replPair) waitOnline(t *testing.T, n int) {
	t.Helper()
	rs.eventually(t, fmt.Sprintf("%d online replicas", n), func(addr string) bool {
		info := parse(dialRedis(t, addr).Do("INFO", "replication")).body
		return strings.Count(info, "state=online") == n
	})
}

// caughtUp waits until each replica of rs has applied its primary's
// whole stream.
func (rs *replPair) caughtUp(t *testing.T, primaries *replPair) {
	t.Helper()
	rs.eventually(t, "replicas caught up", func(addr string) bool {
		want := infoField(t, primaries.addrLike(addr, rs), "master_repl_offset")
		return infoField(t, addr, "slave_repl_offset") == want && infoField(t, addr, "master_repl_offset") == want
	})
}

func (rs *replPair) eventually(t *testing.T, what string, cond func(addr string) bool) {
	t.Helper()
	for _, addr := range []string{rs.redis, rs.shoal} {
		deadline := time.Now().Add(10 * time.Second)
		for !cond(addr) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: timed out waiting for %s:\n%s", addr, what, parse(dialRedis(t, addr).Do("INFO", "replication")).body)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// same sends args to both servers and compares the replies as norm
// shows them.
func (p *pair) same(norm func(reply) string, args ...string) {
	p.t.Helper()
	r, s := parse(p.redis.Do(args...)), parse(p.shoal.Do(args...))
	p.remember(args)
	if nr, ns := norm(r), norm(s); nr != ns {
		p.t.Errorf("%s\nredis: %s\nshoal: %s", show(args), nr, ns)
	}
}

// doEach sends each server its own command (they differ in a port, say)
// and compares the replies byte for byte.
func (p *pair) doEach(redisArgs, shoalArgs []string) {
	p.t.Helper()
	r, s := p.redis.Do(redisArgs...), p.shoal.Do(shoalArgs...)
	p.remember(redisArgs)
	if r != s {
		p.t.Errorf("%s\nredis: %q\nshoal: %q", show(redisArgs), r, s)
	}
}

// normalInfo is INFO replication with the values that differ between
// servers masked: replication IDs, ports, offsets (but -1, 0 and 1),
// seconds (but -1).
func normalInfo(r reply) string {
	if r.kind != '$' && r.kind != '=' {
		return r.raw
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(r.body), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		switch {
		case !ok:
		case name == "master_replid", name == "master_replid2":
			if value != strings.Repeat("0", 40) {
				value = "<id>"
			}
		case name == "master_port":
			value = "<port>"
		case strings.HasSuffix(name, "_offset"), name == "repl_backlog_histlen":
			value = maskOffset(value)
		case strings.HasSuffix(name, "_seconds_ago"), name == "master_link_down_since_seconds":
			if value != "-1" {
				value = "<s>"
			}
		case strings.HasPrefix(name, "slave") && strings.Contains(value, "state="):
			value = normalReplicaLine(value)
		}
		out = append(out, name+":"+value)
	}
	return strings.Join(out, "\n")
}

// normalReplicaLine masks a slaveN line's port, offset and lag.
func normalReplicaLine(value string) string {
	fields := strings.Split(value, ",")
	for i, f := range fields {
		name, v, _ := strings.Cut(f, "=")
		switch name {
		case "port", "lag":
			fields[i] = name + "=<n>"
		case "offset":
			fields[i] = name + "=" + maskOffset(v)
		}
	}
	return strings.Join(fields, ",")
}

func maskOffset(v string) string {
	if v == "-1" || v == "0" || v == "1" {
		return v
	}
	return "<n>"
}

// normalRole is ROLE's reply with ports and offsets masked: a primary's
// [master, offset, [[ip, port, offset]...]], a replica's [slave, host,
// port, state, offset].
func normalRole(r reply) string {
	if len(r.elems) == 0 {
		return r.raw
	}
	out := []string{string(r.kind) + r.head, r.elems[0].body}
	switch {
	case r.elems[0].body == "master" && len(r.elems) == 3:
		out = append(out, maskOffset(r.elems[1].head), string(r.elems[2].kind)+r.elems[2].head)
		for _, rep := range r.elems[2].elems {
			if len(rep.elems) != 3 {
				return r.raw
			}
			ip := rep.elems[0]
			out = append(out, fmt.Sprintf("[%c%s %c%s <port> %s]", rep.kind, rep.head, ip.kind, ip.body, maskOffset(rep.elems[2].body)))
		}
	case r.elems[0].body == "slave" && len(r.elems) == 5:
		out = append(out, r.elems[1].raw, string(r.elems[2].kind)+"<port>", r.elems[3].raw, string(r.elems[4].kind)+maskOffset(r.elems[4].head))
	default:
		return r.raw
	}
	return strings.Join(out, " ")
}

// infoField is one field of addr's INFO replication.
func infoField(t *testing.T, addr, name string) string {
	t.Helper()
	for _, line := range strings.Split(parse(dialRedis(t, addr).Do("INFO", "replication")).body, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	return portOf(l.Addr().String())
}

// fakePrimary listens on a loopback port and plays a primary that
// stops: "silent" answers nothing (the replica stays in its handshake);
// the others answer the handshake, +FULLRESYNC, and then no snapshot
// header ("no-header"), or the first bytes of a snapshot in the
// EOF-marker form ("eof") or of one announced as 1000 bytes ("length").
// It returns the port.
func fakePrimary(t *testing.T, mode string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go playPrimary(c, mode)
		}
	}()
	return portOf(l.Addr().String())
}

func playPrimary(c net.Conn, mode string) {
	if mode == "silent" {
		io.Copy(io.Discard, c)
		return
	}
	br := bufio.NewReader(c)
	for {
		args, err := readCommand(br)
		if err != nil {
			return
		}
		switch strings.ToUpper(args[0]) {
		case "PING":
			io.WriteString(c, "+PONG\r\n")
		case "PSYNC", "SYNC":
			sent := "+FULLRESYNC " + strings.Repeat("a", 40) + " 100\r\n"
			switch mode {
			case "eof":
				sent += "$EOF:" + strings.Repeat("b", 40) + "\r\nREDIS0009"
			case "length":
				sent += "$1000\r\nREDIS0009"
			}
			io.WriteString(c, sent)
			io.Copy(io.Discard, c)
			return
		default:
			io.WriteString(c, "+OK\r\n")
		}
	}
}

// readCommand reads one command in RESP (what replicas send).
func readCommand(br *bufio.Reader) ([]string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	args := make([]string, n)
	for i := range args {
		if line, err = br.ReadString('\n'); err != nil {
			return nil, err
		}
		size, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	if n == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	return args, nil
}
