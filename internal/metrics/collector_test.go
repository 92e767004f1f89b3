package metrics_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/metrics"
	"github.com/shoal-cache/shoal/internal/resp"
)

// fakeConn is an authenticated client in db 0, enough to run commands
// through Table.Exec without a server.
type fakeConn struct{}

func (fakeConn) ID() int64                 { return 1 }
func (fakeConn) Name() string              { return "" }
func (fakeConn) SetName(string)            {}
func (fakeConn) DB() int                   { return 0 }
func (fakeConn) SetDB(int)                 {}
func (fakeConn) Proto() int                { return 2 }
func (fakeConn) SetProto(int)              {}
func (fakeConn) User() string              { return "default" }
func (fakeConn) Authenticated() bool       { return true }
func (fakeConn) Authenticate(string)       {}
func (fakeConn) SetLib(string, string)     {}
func (fakeConn) SetNoEvict(bool)           {}
func (fakeConn) Info() string              { return "" }
func (fakeConn) Addr() string              { return "127.0.0.1:1" }
func (fakeConn) LocalAddr() string         { return "127.0.0.1:6379" }
func (fakeConn) Kill()                     {}
func (fakeConn) CloseAfterReply()          {}
func (fakeConn) Block()                    {}
func (fakeConn) Unblock([]byte)            {}
func (fakeConn) Postpone()                 {}
func (fakeConn) Resume()                   {}
func (fakeConn) NoteCommand(*command.Spec) {}
func (fakeConn) Reset()                    {}
func (fakeConn) Push([]byte)               {}

// newNode is a command.Node with no server around it.
func newNode() *command.Node {
	return &command.Node{Engine: engine.New(engine.Options{}), Config: config.Default(), Table: command.NewTable(),
		Version: "test", Started: time.Now()}
}

// newCtx returns a Ctx for node whose replies go to out.
func newCtx(node *command.Node, out *bytes.Buffer) *command.Ctx {
	return &command.Ctx{W: resp.NewWriter(out), Conn: fakeConn{}, Node: node, Txn: node.Engine.NewTxn()}
}

func exec(node *command.Node, c *command.Ctx, args ...string) {
	c.Args = c.Args[:0]
	for _, a := range args {
		c.Args = append(c.Args, []byte(a))
	}
	node.Table.Exec(c)
}

// TestCollectorPedantic: what Collect sends matches what Describe
// declares, and each metric is well formed, as a pedantic registry checks.
func TestCollectorPedantic(t *testing.T) {
	node := newNode()
	reg := prometheus.NewPedanticRegistry()
	if _, err := metrics.Register(reg, node); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := newCtx(node, &out)
	exec(node, c, "SET", "k", "v")
	exec(node, c, "GET", "k")
	exec(node, c, "COMMAND", "COUNT") // a subcommand
	exec(node, c, "GET")              // rejected
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	for _, name := range []string{"shoal_commands_total", "shoal_command_duration_seconds", "shoal_keys", "shoal_slot_keys_imbalance"} {
		if !names[name] {
			t.Errorf("%s not gathered", name)
		}
	}
	// Without a client registry there is nothing to say of clients.
	if names["shoal_connected_clients"] {
		t.Error("shoal_connected_clients gathered with no client registry")
	}
}

// TestRegisterTwice: two nodes in one process each have their own
// registry; one registry refuses a second node's collector.
func TestRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := metrics.Register(reg, newNode()); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.Register(reg, newNode()); err == nil {
		t.Error("a registry took the metrics of two nodes")
	}
	if _, err := metrics.Register(prometheus.NewRegistry(), newNode()); err != nil {
		t.Errorf("a second node's own registry: %v", err)
	}
}
