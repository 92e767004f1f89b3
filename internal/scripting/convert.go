package scripting

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/shoal-cache/shoal/internal/resp"
)

// ErrorFunc writes an error reply (msg starts with its code); counted
// says INFO errorstats counted it already, when a command the script
// called replied it.
type ErrorFunc func(msg string, counted bool)

// Write writes the script's reply to w, in w's protocol, by Redis's
// rules for converting a Lua value:
//
//	string                bulk string
//	number                integer (truncated)
//	true                  integer 1 (RESP3 scripts: true)
//	false, nil            null (RESP3 scripts: false for false)
//	{err=text}            error
//	{ok=text}             status
//	{double=n}            double
//	{big_number=text}     big number
//	{verbatim_string=...} verbatim string
//	{map={...}}           map
//	{set={...}}           set
//	table                 array of t[1], t[2], ... up to the first nil
//
// Errors, the script's own or ones nested in its reply, go through
// onError.
func (r *Result) Write(w *resp.Writer, onError ErrorFunc) {
	if r.err != nil {
		msg, counted := r.failure()
		onError(msg, counted)
		return
	}
	c := converter{w: w, onError: onError, resp: r.resp}
	c.value(r.value, 0)
}

type converter struct {
	w       *resp.Writer
	onError ErrorFunc
	resp    int
}

// maxDepth bounds the nesting of a reply, so that a table that contains
// itself ends: Redis's conversion stops where its Lua stack cannot grow,
// which is this deep.
const maxDepth = 7995

func (c *converter) value(v lua.LValue, depth int) {
	w := c.w
	switch v := v.(type) {
	case lua.LString:
		w.BulkString(string(v))
	case lua.LNumber:
		w.Int(truncate(float64(v)))
	case lua.LBool:
		switch {
		case c.resp >= 3:
			w.Bool(bool(v))
		case bool(v):
			w.Int(1)
		default:
			w.Null()
		}
	case *lua.LTable:
		if depth >= maxDepth {
			c.onError("ERR reached lua stack limit", false)
			return
		}
		c.table(v, depth)
	default:
		w.Null()
	}
}

// truncate converts as C's (long long) cast does on x86: values out of
// range, and NaN, become the smallest integer.
func truncate(f float64) int64 {
	if math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return math.MinInt64
	}
	return int64(f)
}

// noNewlines maps CR and LF to spaces, as Redis does to status and error
// texts.
var noNewlines = strings.NewReplacer("\r", " ", "\n", " ")

func (c *converter) table(t *lua.LTable, depth int) {
	w := c.w
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		c.onError(noNewlines.Replace(strings.TrimRight(string(s), "\r\n")), lua.LVAsBool(t.RawGetString("ignore_error_stats_update")))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.Simple(noNewlines.Replace(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		writeDouble(w, float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		w.BigNumber(noNewlines.Replace(string(s)))
		return
	}
	if v, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, okF := v.RawGetString("format").(lua.LString)
		s, okS := v.RawGetString("string").(lua.LString)
		if okF && okS {
			w.Verbatim(verbatimFormat(string(format)), string(s))
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		w.Map(pairCount(m))
		m.ForEach(func(k, v lua.LValue) {
			c.value(k, depth+1)
			c.value(v, depth+1)
		})
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		w.Set(pairCount(s))
		s.ForEach(func(k, _ lua.LValue) { c.value(k, depth+1) })
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.Array(n)
	for i := 1; i <= n; i++ {
		c.value(t.RawGetInt(i), depth+1)
	}
}

func pairCount(t *lua.LTable) int {
	n := 0
	t.ForEach(func(_, _ lua.LValue) { n++ })
	return n
}

// verbatimFormat is the three-byte format of a verbatim string ("txt").
func verbatimFormat(f string) string {
	return (f + "   ")[:3]
}

// writeDouble writes a double as Redis's addReplyDouble does: %.17g,
// with C's "-nan" for the NaN that 0/0 gives.
func writeDouble(w *resp.Writer, f float64) {
	if !math.IsNaN(f) {
		w.Double(f)
		return
	}
	text := formatNumber(f, 17)
	if w.Proto >= 3 {
		w.Raw([]byte("," + text + "\r\n"))
		return
	}
	w.BulkString(text)
}
