package replication

import (
	"bufio"
	"fmt"
	"io"
)

// Request is a replica's PSYNC (or SYNC) with what its handshake told.
type Request struct {
	ConnID int64
	Addr   string
	Port   int
	// ID and Offset are PSYNC's arguments: "?" and -1 ask for a full
	// sync; SYNC is PSYNC without them.
	ID      string
	Offset  int64
	CapaEOF bool
	// Legacy is SYNC: no +FULLRESYNC line, the snapshot at once.
	Legacy bool
	Stream Stream
}

// PSync answers a replica's PSYNC. It continues the replica from its
// offset when the backlog holds it under the ID the replica knows, and
// reports true; otherwise the caller must run FullSync with the link it
// returns.
func (s *State) PSync(req Request) (*Link, bool) {
	l := newLink(s, req.ConnID, req.Addr, req.Port, req.Stream)
	s.mu.Lock()
	if !req.Legacy && s.canContinue(req.ID, req.Offset) {
		l.next = req.Offset - 1
		l.ack.Store(l.next)
		l.state.Store(int32(LinkOnline))
		l.inSync.Store(true)
		s.links[l.id] = l
		id := s.replID
		s.mu.Unlock()
		s.SyncPartialOK.Add(1)
		s.log.Info("partial resynchronization accepted", "replica", req.Addr, "offset", req.Offset)
		if req.Stream.Write(fmt.Appendf(nil, "+CONTINUE %s\r\n", id)) != nil {
			l.close()
			return l, true
		}
		go l.run()
		return l, true
	}
	s.mu.Unlock()
	if req.ID != "?" && !req.Legacy {
		s.SyncPartialErr.Add(1)
	}
	s.SyncFull.Add(1)
	return l, false
}

// canContinue is Redis's test for a partial resync: the ID is ours (or
// our previous one, for offsets up to where it stopped), and the backlog
// holds every byte from the offset on. The caller holds mu.
func (s *State) canContinue(id string, off int64) bool {
	if !s.active {
		return false
	}
	if id != s.replID && (id != s.replID2 || off > s.secondOff) {
		return false
	}
	return s.stream.covers(off - 1)
}

// Snapshotter writes a point-in-time snapshot of the node to w, calling
// atStart at its instant with no command running.
type Snapshotter func(w io.Writer, atStart func()) error

// FullSync sends the replica of l a snapshot and then the stream from the
// snapshot's instant on; it returns once the snapshot is sent (or failed),
// the stream going on in the background. activate runs at the instant
// when the backlog is created by this sync: the node makes State its
// effect sink then.
func (s *State) FullSync(l *Link, capaEOF, legacy bool, snapshot Snapshotter, activate func()) error {
	w := &syncWriter{l: l, legacy: legacy, eof: capaEOF && !legacy}
	err := snapshot(w, func() { w.header = s.attach(l, activate) })
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		s.log.Warn("full sync failed", "replica", l.addr, "error", err)
		l.close()
		return err
	}
	l.state.Store(int32(LinkOnline))
	l.ack.Store(w.off)
	s.log.Info("synchronization with replica succeeded", "replica", l.addr)
	go l.run()
	return nil
}

// attach registers l at the stream's current end: the snapshot's instant.
func (s *State) attach(l *Link, activate func()) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.active {
		s.activate()
		if activate != nil {
			activate()
		}
	}
	s.unsynced = false
	l.next = s.stream.end
	l.state.Store(int32(LinkSendSnapshot))
	s.links[l.id] = l
	return fmt.Sprintf("%s %d", s.replID, s.stream.end)
}

// syncWriter sends the snapshot: +FULLRESYNC, then the RDB in the
// diskless EOF-marker form ($EOF:<mark> ... <mark>) to replicas that
// understand it, else buffered to learn its length ($len).
type syncWriter struct {
	l      *Link
	legacy bool
	eof    bool
	header string // "replid offset", set at the snapshot's instant
	off    int64
	mark   string
	bw     *bufio.Writer
	mem    []byte // the whole RDB, without capa eof
}

func (w *syncWriter) Write(p []byte) (int, error) {
	if w.bw == nil {
		if err := w.start(); err != nil {
			return 0, err
		}
	}
	if !w.eof {
		w.mem = append(w.mem, p...)
		return len(p), nil
	}
	return w.bw.Write(p)
}

func (w *syncWriter) start() error {
	w.bw = bufio.NewWriterSize(streamWriter{w.l.stream}, 64<<10)
	var id string
	fmt.Sscanf(w.header, "%s %d", &id, &w.off)
	if !w.legacy {
		w.bw.WriteString("+FULLRESYNC " + w.header + "\r\n")
	}
	if w.eof {
		w.mark = NewReplID()
		w.bw.WriteString("$EOF:" + w.mark + "\r\n")
	}
	return nil
}

func (w *syncWriter) finish() error {
	if w.bw == nil {
		if err := w.start(); err != nil {
			return err
		}
	}
	if w.eof {
		w.bw.WriteString(w.mark)
	} else {
		fmt.Fprintf(w.bw, "$%d\r\n", len(w.mem))
		w.bw.Write(w.mem)
	}
	return w.bw.Flush()
}

// streamWriter gives Stream.Write a copy: bufio reuses its buffer.
type streamWriter struct{ s Stream }

func (w streamWriter) Write(p []byte) (int, error) {
	if err := w.s.Write(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
