package resp

// Raw appends p, which must be one or more complete replies already in
// the writer's protocol (a script's reply built elsewhere).
func (w *Writer) Raw(p []byte) { w.buf = append(w.buf, p...) }

// BigNumber appends a RESP3 big number ("(123...\r\n"); RESP2 sees a bulk
// string, as Redis's addReplyBigNum sends it.
func (w *Writer) BigNumber(digits string) {
	if w.Proto < 3 {
		w.BulkString(digits)
		return
	}
	w.buf = append(w.buf, '(')
	w.buf = append(w.buf, digits...)
	w.buf = append(w.buf, '\r', '\n')
}

// Truncate drops what was written after the first n bytes of the buffer
// (Len before): a reply the client asked not to get (CLIENT REPLY).
func (w *Writer) Truncate(n int) { w.buf = w.buf[:n] }
