package replication

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Sink is an effect sink State forwards to (the append-only log): the
// method set of command.EffectSink.
type Sink interface {
	Feed(db int, args [][]byte) int64
	FeedBlock(dbs []int, cmds [][][]byte) int64
	AwaitDurable(pos int64, done func()) bool
	Durable(pos int64) bool
}

// Settings are the directives replication reads; the node refreshes them
// when the configuration changes.
type Settings struct {
	BacklogSize     int64
	BacklogTTL      time.Duration
	Timeout         time.Duration
	PingPeriod      time.Duration
	MinReplicas     int
	MinReplicasLag  time.Duration
	Sync            bool
	SyncTimeout     time.Duration
	OutputHardLimit int64
	// AsyncBatch is how long an async link gathers effects after a
	// write before it sends the next (direct.go).
	AsyncBatch time.Duration
	// SourceAddr is the local address links to the primary leave from
	// (bind-source-addr); "" lets the system choose.
	SourceAddr string
}

// State is a node's replication state: its replication IDs and offset,
// the backlog, the replicas connected to it, and what waits on their
// acknowledgements. While active it is the node's effect sink.
type State struct {
	log      *slog.Logger
	settings atomic.Pointer[Settings]

	mu        sync.Mutex
	replID    string
	replID2   string
	secondOff int64 // second_repl_offset, -1 when replID2 is unset
	stream    backlog
	active    bool // a backlog exists (repl_backlog_active)
	// unsynced: the backlog was made only because the node became a
	// replica, which has fed it nothing yet; Redis has none then, and
	// INFO says so (repl_backlog_active:0) until a sync, a stream or a
	// replica of its own.
	unsynced bool
	db       int  // the database the stream last selected, -1: none
	mirror   bool // a replica: the stream is the primary's, fed raw
	enc      []byte
	aof      Sink
	aofPairs []posPair
	links    map[int64]*Link
	waiters  []*waiter
	// holdTimer fails held sync-mode writes at their deadline; holdArmed
	// says it is set.
	holdTimer *time.Timer
	holdArmed bool
	// hasAOF mirrors aof != nil for Durable's lock-free fast path.
	hasAOF atomic.Bool
	// pending are bytes of the primary's stream applied or being
	// applied, appended to the stream by the effect they cause (Feed) or
	// after it (flushPending). linked is set while the link to the
	// primary is up.
	pending []byte
	linked  bool
	// linkDownAt is when the link to a primary last went down (Unix
	// ms): 0 while it has not been up since the node was a primary, when
	// Redis reports master_link_down_since_seconds:-1.
	linkDownAt int64
	// idleSince is when the last replica went (for repl-backlog-ttl).
	idleSince time.Time
	// batches counts the event loops' batches in progress; unsent says
	// the stream gained bytes since a loop's EndBatch last sent them
	// (direct.go).
	batches atomic.Int32
	unsent  atomic.Bool
	// directs counts the links event loops write (sync mode only).
	directs atomic.Int32

	// stats for INFO stats and /metrics.
	SyncFull, SyncPartialOK, SyncPartialErr atomic.Int64
	// NetIn counts the bytes read from primaries
	// (total_net_repl_input_bytes).
	NetIn atomic.Int64
}

// posPair maps a stream position to the log's position for the same
// effect, kept only while the log has not made it durable.
type posPair struct{ pos, aofPos int64 }

// NewState returns the state of a node that has never replicated: a
// fresh replication ID, offset 0, no backlog.
func NewState(log *slog.Logger, s Settings) *State {
	st := &State{log: log, replID: NewReplID(), replID2: zeroID, secondOff: -1, db: -1, links: map[int64]*Link{}}
	st.settings.Store(&s)
	return st
}

const zeroID = "0000000000000000000000000000000000000000"

// NewReplID returns a random 40-character replication ID.
func NewReplID() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SetSettings replaces the settings (CONFIG SET).
func (s *State) SetSettings(set Settings) { s.settings.Store(&set) }

// Settings returns the settings in force.
func (s *State) Settings() Settings { return *s.settings.Load() }

// Active reports whether a backlog exists: the node is a replica, or has
// had one. Only then is State the node's effect sink.
func (s *State) Active() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// Activate creates the backlog if there is none: sync mode needs State
// as the sink before any replica comes, to hold writes back.
func (s *State) Activate() {
	s.mu.Lock()
	s.activate()
	s.unsynced = false
	s.mu.Unlock()
}

// activate creates the backlog if there is none. The caller holds mu.
func (s *State) activate() {
	if !s.active {
		s.active = true
		s.stream.reset(s.stream.end)
		s.db = -1
	}
}

// SetAOF makes State forward every effect to the log too (nil: none).
// Call it where no command runs (a snapshot's start) so that the log
// starts at a definite effect.
func (s *State) SetAOF(a Sink) {
	s.mu.Lock()
	s.aof, s.aofPairs = a, nil
	s.hasAOF.Store(a != nil)
	s.mu.Unlock()
}

// AOF returns the log State forwards to, nil if none.
func (s *State) AOF() Sink {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aof
}

// Feed appends one effect to the stream (and the log) and returns the
// stream position after it (command.EffectSink).
func (s *State) Feed(db int, args [][]byte) int64 {
	s.mu.Lock()
	pos := s.feedLocked(db, args)
	s.mu.Unlock()
	return pos
}

// FeedBlock is Feed of a transaction or script: the commands, cmds[i]
// run in database dbs[i], go in as one MULTI ... EXEC block that no other
// command comes into.
func (s *State) FeedBlock(dbs []int, cmds [][][]byte) int64 {
	s.mu.Lock()
	s.feedLocked(dbs[0], wordsMULTI)
	for i, args := range cmds {
		s.feedLocked(dbs[i], args)
	}
	pos := s.feedLocked(dbs[len(dbs)-1], wordsEXEC)
	s.mu.Unlock()
	return pos
}

// feedLocked is Feed. The caller holds mu.
func (s *State) feedLocked(db int, args [][]byte) int64 {
	var aofPos int64
	if s.aof != nil {
		aofPos = s.aof.Feed(db, args)
	}
	if s.mirror && len(s.pending) > 0 {
		s.appendPending()
	}
	if !s.mirror && s.active {
		s.enc = s.enc[:0]
		if db != s.db {
			s.enc = appendSelect(s.enc, db)
			s.db = db
		}
		s.enc = resp.AppendCommand(s.enc, args...)
		s.stream.append(s.enc)
		s.trim()
		s.fed()
	}
	pos := s.stream.end
	if s.aof != nil && !s.aof.Durable(aofPos) {
		s.aofPairs = append(s.aofPairs, posPair{pos, aofPos})
	}
	return pos
}

var (
	wordsMULTI = [][]byte{[]byte("MULTI")}
	wordsEXEC  = [][]byte{[]byte("EXEC")}
)

// FeedRaw appends bytes of the primary's stream, as a replica applied
// them, so that its own replicas and its offsets follow its primary's.
func (s *State) FeedRaw(p []byte) {
	s.mu.Lock()
	s.activate()
	s.unsynced = false
	s.stream.append(p)
	s.trim()
	s.fed()
	s.mu.Unlock()
}

// feedPing appends a PING to the stream, the keepalive replicas count as
// data (Redis sends it in the database last selected: no SELECT).
func (s *State) feedPing() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mirror || len(s.links) == 0 {
		return
	}
	s.stream.append(resp.AppendCommand(nil, wordPING))
	s.fed()
}

// FeedGetAck asks the replicas for their offset now (WAIT does).
func (s *State) FeedGetAck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mirror || len(s.links) == 0 {
		return
	}
	s.stream.append(resp.AppendCommand(nil, wordREPLCONF, wordGETACK, wordStar))
	s.fed()
	for _, l := range s.links {
		l.hurryUp() // not held back by the batching (direct.go)
	}
}

// Offset is master_repl_offset.
func (s *State) Offset() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stream.end
}

// IDs returns the replication ID, the previous one and the offset up to
// which the previous one is valid.
func (s *State) IDs() (id, id2 string, second int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replID, s.replID2, s.secondOff
}

// Restore sets the replication ID and offset the node's persisted data
// was at (the RDB's repl-id and repl-offset). A replica continues from
// there; a primary, as Redis 7 does, takes a new ID and keeps the old one
// as replID2, with an (empty) backlog at that offset, so that its
// replicas at that very offset continue without a full sync.
func (s *State) Restore(id string, off int64, primary bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replID = id
	s.stream.reset(off)
	s.db = -1
	if primary {
		s.activate()
		s.shiftID()
		s.idleSince = time.Now()
	}
}

// Promote makes the node a primary of its own (REPLICAOF NO ONE): the
// stream gets a new ID and the old one is kept as replID2 up to the
// current offset, so former siblings can continue from it.
func (s *State) Promote() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shiftID()
	s.mirror = false
	s.db = -1
	s.linkDownAt = 0
}

func (s *State) shiftID() {
	s.replID2 = s.replID
	s.secondOff = s.stream.end + 1
	s.replID = NewReplID()
}

// BecomeReplica makes the stream its primary's: local effects go to the
// log only, and the backlog receives the primary's bytes. Replicas
// connected to this node are dropped so they resync through it, as Redis
// does. The ID and offset stay: they are what the node asks its new
// primary to continue from (a promoted sibling knows them as its replID2).
func (s *State) BecomeReplica() {
	s.mu.Lock()
	s.mirror = true
	s.unsynced = s.unsynced || !s.active
	s.activate()
	links := s.takeLinks()
	s.mu.Unlock()
	for _, l := range links {
		l.close()
	}
}

// FullSynced sets the ID and offset of a full sync just loaded: the
// backlog restarts empty at that offset.
func (s *State) FullSynced(id string, off int64) {
	s.mu.Lock()
	s.replID, s.replID2, s.secondOff = id, zeroID, -1
	s.stream.reset(off)
	s.active, s.unsynced = true, false
	links := s.takeLinks()
	s.mu.Unlock()
	for _, l := range links {
		l.close()
	}
}

// Continued follows a +CONTINUE: when the primary's ID changed (it was
// promoted), the old one becomes replID2 up to here.
func (s *State) Continued(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsynced = false
	if id != "" && id != s.replID {
		s.replID2, s.secondOff, s.replID = s.replID, s.stream.end+1, id
	}
}

func (s *State) takeLinks() []*Link {
	var out []*Link
	for id, l := range s.links {
		out = append(out, l)
		delete(s.links, id)
	}
	return out
}

// BacklogInfo is what INFO replication reports of the backlog.
type BacklogInfo struct {
	Active          bool
	Size            int64
	FirstByteOffset int64
	Histlen         int64
	Memory          int64
}

// Backlog reports the backlog's state.
func (s *State) Backlog() BacklogInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	shown := s.active && !s.unsynced
	bi := BacklogInfo{Active: shown, Size: s.Settings().BacklogSize}
	if shown {
		bi.FirstByteOffset, bi.Histlen, bi.Memory = s.stream.first+1, s.stream.histlen(), s.stream.size()
	}
	return bi
}

// trim drops history nobody needs: older than repl-backlog-size and
// already sent to every replica. The caller holds mu.
func (s *State) trim() {
	keep := s.stream.end - s.Settings().BacklogSize
	for _, l := range s.links {
		keep = min(keep, l.next)
	}
	s.stream.trim(keep)
}

// sortedLinks returns the links by connection id.
func (s *State) sortedLinks() []*Link {
	s.mu.Lock()
	out := make([]*Link, 0, len(s.links))
	for _, l := range s.links {
		out = append(out, l)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// addPending holds bytes of the primary's stream until their effect.
func (s *State) addPending(p []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, p...)
	s.mu.Unlock()
}

// flushPending appends the held bytes (a command without effect).
func (s *State) flushPending() {
	s.mu.Lock()
	if len(s.pending) > 0 {
		s.appendPending()
	}
	s.mu.Unlock()
}

// appendPending appends the held bytes. The caller holds mu.
func (s *State) appendPending() {
	s.activate()
	s.stream.append(s.pending)
	s.pending = s.pending[:0]
	s.trim()
	s.fed()
}

func (s *State) setLinked(up bool) {
	s.mu.Lock()
	if s.linked && !up {
		s.linkDownAt = time.Now().UnixMilli()
	}
	s.linked = up
	s.pending = s.pending[:0]
	s.mu.Unlock()
}

// Linked reports whether this replica's link to its primary is up.
func (s *State) Linked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.linked
}

// downSince is when the link to the primary went down (Unix ms), 0 if it
// has not been up since the node was last a primary.
func (s *State) downSince() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.linkDownAt
}
