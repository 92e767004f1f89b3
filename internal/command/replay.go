package command

import (
	"fmt"
	"io"

	"github.com/shoal-cache/shoal/internal/resp"
	"github.com/shoal-cache/shoal/internal/stripe"
)

// Replayer runs the commands of a log being loaded (the AOF), as Redis's
// loader does with its fake client: through the command table, in the
// log's database, replies dropped. Its commands propagate nothing: the
// node's sink is not attached while it loads.
type Replayer struct {
	ctx  Ctx
	conn replayConn
}

// NewReplayer returns a Replayer for n.
func (n *Node) NewReplayer() *Replayer {
	r := &Replayer{}
	// A stripe of its own: a replica applies its stream while its event
	// loops serve reads.
	r.ctx = Ctx{W: resp.NewWriter(io.Discard), Conn: &r.conn, Node: n, Txn: n.Engine.NewTxn(), Stripe: stripe.Count - 1, loading: true}
	return r
}

// Apply runs one command. Only a command the table does not know is an
// error: a command that fails replays as it failed when it was logged.
func (r *Replayer) Apply(args [][]byte) error {
	spec := r.ctx.Node.Table.Lookup(args[0])
	if spec == nil {
		return fmt.Errorf("unknown command '%s' reading the append only file", cString(args[0]))
	}
	r.ctx.Args = args
	r.ctx.Node.Table.Exec(&r.ctx)
	r.ctx.W.Flush()
	return nil
}

// replayConn is the Replayer's client: always authenticated, no network.
type replayConn struct {
	db int
}

func (c *replayConn) ID() int64             { return -1 }
func (c *replayConn) Name() string          { return "" }
func (c *replayConn) SetName(string)        {}
func (c *replayConn) DB() int               { return c.db }
func (c *replayConn) SetDB(db int)          { c.db = db }
func (c *replayConn) Proto() int            { return 2 }
func (c *replayConn) SetProto(int)          {}
func (c *replayConn) User() string          { return "default" }
func (c *replayConn) Authenticated() bool   { return true }
func (c *replayConn) Authenticate(string)   {}
func (c *replayConn) SetLib(string, string) {}
func (c *replayConn) SetNoEvict(bool)       {}
func (c *replayConn) Info() string          { return "" }
func (c *replayConn) Addr() string          { return "" }
func (c *replayConn) LocalAddr() string     { return "" }
func (c *replayConn) Kill()                 {}
func (c *replayConn) Block()                {}
func (c *replayConn) Unblock([]byte)        {}
func (c *replayConn) Postpone()             {}
func (c *replayConn) Resume()               {}
func (c *replayConn) CloseAfterReply()      {}
func (c *replayConn) NoteCommand(*Spec)     {}
func (c *replayConn) Reset()                { c.db = 0 }
func (c *replayConn) Push([]byte)           {}
