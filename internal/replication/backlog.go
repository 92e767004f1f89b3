package replication

// blockSize is the size of one backlog block. Blocks are never rewritten
// once filled, so a slice of one may be handed to a connection's writer
// without copying.
const blockSize = 64 << 10

// block holds the stream's bytes from offset start on.
type block struct {
	start int64
	buf   []byte
}

// backlog is the replication stream's recent history: bytes first..end-1
// (0-based stream positions; Redis's offsets are these plus one for the
// first byte, and end for master_repl_offset). The caller serialises
// access.
type backlog struct {
	blocks []*block
	first  int64
	end    int64
}

// reset empties the backlog and makes the stream continue at end.
func (b *backlog) reset(end int64) {
	b.blocks, b.first, b.end = nil, end, end
}

// append adds p at the end of the stream.
func (b *backlog) append(p []byte) {
	for len(p) > 0 {
		var last *block
		if n := len(b.blocks); n > 0 {
			last = b.blocks[n-1]
		}
		if last == nil || len(last.buf) == cap(last.buf) {
			last = &block{start: b.end, buf: make([]byte, 0, blockSize)}
			b.blocks = append(b.blocks, last)
		}
		n := min(len(p), cap(last.buf)-len(last.buf))
		last.buf = append(last.buf, p[:n]...)
		p = p[n:]
		b.end += int64(n)
	}
}

// histlen is the number of bytes held (repl_backlog_histlen).
func (b *backlog) histlen() int64 { return b.end - b.first }

// covers reports whether the bytes from pos to the end are held.
func (b *backlog) covers(pos int64) bool { return pos >= b.first && pos <= b.end }

// read returns up to max bytes from pos on, nil when pos is the end. The
// slice aliases a block: it stays valid, unchanged, after the lock goes.
func (b *backlog) read(pos int64, max int) []byte {
	if pos >= b.end || pos < b.first {
		return nil
	}
	lo, hi := 0, len(b.blocks)-1
	for lo < hi { // the last block starting at or before pos
		mid := (lo + hi + 1) / 2
		if b.blocks[mid].start <= pos {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	blk := b.blocks[lo]
	data := blk.buf[pos-blk.start:]
	if len(data) > max {
		data = data[:max]
	}
	return data[:len(data):len(data)]
}

// trim drops whole blocks that end at or before keep, never the last:
// keep is the oldest position someone still needs.
func (b *backlog) trim(keep int64) {
	i := 0
	for i < len(b.blocks)-1 && b.blocks[i].start+int64(len(b.blocks[i].buf)) <= keep {
		b.blocks[i] = nil
		i++
	}
	if i > 0 {
		b.blocks = append(b.blocks[:0], b.blocks[i:]...)
		b.first = b.blocks[0].start
	}
}

// size is the memory the blocks take.
func (b *backlog) size() int64 { return int64(len(b.blocks)) * blockSize }
