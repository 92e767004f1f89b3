package command

import (
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/shoal-cache/shoal/internal/resp"
)

// commandDocsJSON is what redis-server 7.0's COMMAND DOCS says of each
// command Shoal has, in Redis's words; a command Redis 7.0 does not have
// is documented by the command table's summary, version and group alone.
// scripts/gen-command-docs.sh regenerates it.
//
//go:embed command_docs.json
var commandDocsJSON []byte

// commandDoc is one command's entry in command_docs.json, the fields in
// the order Redis writes them (addReplyCommandDocs).
type commandDoc struct {
	Summary         string      `json:"summary"`
	Since           string      `json:"since"`
	Group           string      `json:"group"`
	Complexity      string      `json:"complexity"`
	DocFlags        []string    `json:"doc_flags"`
	DeprecatedSince string      `json:"deprecated_since"`
	ReplacedBy      string      `json:"replaced_by"`
	History         [][2]string `json:"history"`
	Arguments       []docArg    `json:"arguments"`
}

// docArg is one argument of a command's syntax (addReplyCommandArgList).
type docArg struct {
	Name            string   `json:"name"`
	Type            string   `json:"type"`
	KeySpecIndex    *int     `json:"key_spec_index"`
	Token           string   `json:"token"`
	Summary         string   `json:"summary"`
	Since           string   `json:"since"`
	DeprecatedSince string   `json:"deprecated_since"`
	Flags           []string `json:"flags"`
	Arguments       []docArg `json:"arguments"`
}

// commandDocsByName maps a command's full name ("get", "client|kill") to its
// documentation; it panics if the embedded file does not parse, which
// the package's tests catch.
var commandDocsByName = sync.OnceValue(func() map[string]*commandDoc {
	var docs map[string]*commandDoc
	if err := json.Unmarshal(commandDocsJSON, &docs); err != nil {
		panic("command_docs.json: " + err.Error())
	}
	return docs
})

// len is how many fields write adds to the command's map, after summary,
// version and group.
func (d *commandDoc) len() int {
	n := 0
	for _, present := range []bool{d.Complexity != "", len(d.DocFlags) > 0, d.DeprecatedSince != "",
		d.ReplacedBy != "", len(d.History) > 0, len(d.Arguments) > 0} {
		if present {
			n++
		}
	}
	return n
}

// write writes the fields counted by len, as Redis does: the flags as a
// set of simple strings, the history as a set of [version, change] pairs.
func (d *commandDoc) write(w *resp.Writer) {
	if d.Complexity != "" {
		w.BulkString("complexity")
		w.BulkString(d.Complexity)
	}
	if len(d.DocFlags) > 0 {
		w.BulkString("doc_flags")
		writeSimpleSet(w, d.DocFlags)
	}
	for _, f := range [][2]string{{"deprecated_since", d.DeprecatedSince}, {"replaced_by", d.ReplacedBy}} {
		if f[1] != "" {
			w.BulkString(f[0])
			w.BulkString(f[1])
		}
	}
	if len(d.History) > 0 {
		w.BulkString("history")
		w.Set(len(d.History))
		for _, h := range d.History {
			w.Array(2)
			w.BulkString(h[0])
			w.BulkString(h[1])
		}
	}
	if len(d.Arguments) > 0 {
		w.BulkString("arguments")
		writeDocArgs(w, d.Arguments)
	}
}

func writeDocArgs(w *resp.Writer, args []docArg) {
	w.Array(len(args))
	for _, a := range args {
		// a oneof or a block always lists its arguments
		nested := a.Type == "oneof" || a.Type == "block"
		strs := [][2]string{{"token", a.Token}, {"summary", a.Summary}, {"since", a.Since}, {"deprecated_since", a.DeprecatedSince}}
		n := 2
		for _, present := range []bool{a.KeySpecIndex != nil, a.Token != "", a.Summary != "", a.Since != "",
			a.DeprecatedSince != "", len(a.Flags) > 0, nested} {
			if present {
				n++
			}
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.Name)
		w.BulkString("type")
		w.BulkString(a.Type)
		if a.KeySpecIndex != nil {
			w.BulkString("key_spec_index")
			w.Int(int64(*a.KeySpecIndex))
		}
		for _, f := range strs {
			if f[1] != "" {
				w.BulkString(f[0])
				w.BulkString(f[1])
			}
		}
		if len(a.Flags) > 0 {
			w.BulkString("flags")
			writeSimpleSet(w, a.Flags)
		}
		if nested {
			w.BulkString("arguments")
			writeDocArgs(w, a.Arguments)
		}
	}
}

func writeSimpleSet(w *resp.Writer, items []string) {
	w.Set(len(items))
	for _, s := range items {
		w.Simple(s)
	}
}
