package command

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// FUNCTION DUMP and FUNCTION RESTORE move every library at once in
// Redis's payload, which is DUMP's (dump.go) with libraries for a value:
//
//	(0xf5 | library code as an RDB string)... | RDB version | CRC-64
//
// Only the code is saved, first line and all; RESTORE loads each library
// from it again, as FUNCTION LOAD would. Redis 7.0 also reads libraries
// saved by its release candidates (0xf6: name, engine, description and
// body apart), and so does Shoal.

const (
	rdbOpcodeFunction      = 0xf5 // RDB_OPCODE_FUNCTION2
	rdbOpcodeFunctionPreGA = 0xf6 // RDB_OPCODE_FUNCTION_PRE_GA

	errRestorePolicy = "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."
)

// functionDump is FUNCTION DUMP.
func functionDump(c *Ctx) {
	var b []byte
	for _, lib := range c.Node.scripts.functions.libraries() {
		b = appendRDBString(append(b, rdbOpcodeFunction), []byte(lib.Code))
	}
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	b = binary.LittleEndian.AppendUint64(b, redisCRC64(b))
	c.W.Bulk(b)
}

// restorePolicy is how FUNCTION RESTORE treats the libraries there are.
type restorePolicy int

const (
	restoreAppend  restorePolicy = iota // add; a library of the same name is an error
	restoreReplace                      // add; a library of the same name is replaced
	restoreFlush                        // drop them all first
)

// parseRestorePolicy reads FUNCTION RESTORE's options, replying the error
// if they are wrong.
func parseRestorePolicy(c *Ctx) (restorePolicy, bool) {
	switch {
	case len(c.Args) > 4:
		c.Error(functionSyntaxError(c))
		return 0, false
	case len(c.Args) == 3, is(c.Args[3], "append"):
		return restoreAppend, true
	case is(c.Args[3], "replace"):
		return restoreReplace, true
	case is(c.Args[3], "flush"):
		return restoreFlush, true
	}
	c.Error(errRestorePolicy)
	return 0, false
}

// functionRestore is FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE].
func functionRestore(c *Ctx) {
	policy, ok := parseRestorePolicy(c)
	if !ok {
		return
	}
	payload := c.Args[2]
	if !checkPayload(payload) {
		c.Error(errDumpPayload)
		return
	}
	if err := c.Node.scripts.functions.restore(&scriptHost{node: c.Node}, payload, policy); err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.commitNow()
	c.W.OK()
}

// restore loads the libraries of a checked payload and adds them by
// policy. Nothing changes on error.
func (f *functionLibs) restore(host scripting.Host, payload []byte, policy restorePolicy) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var loaded librarySet
	r := &rdbReader{b: payload}
	// Like Redis, read libraries while more than the footer is left; the
	// last may run into the footer's bytes.
	for len(r.b) > dumpFooterLen {
		code, err := readFunctionCode(r)
		if err != nil {
			return err
		}
		if _, err := loaded.create(f.machine(), host, code, false); err != nil {
			return err
		}
	}
	if policy == restoreFlush {
		f.set = loaded
		return nil
	}
	return f.set.join(&loaded, policy == restoreReplace)
}

// readFunctionCode reads one library's code, with Redis's error texts.
func readFunctionCode(r *rdbReader) (string, error) {
	typ, err := r.next(1)
	if err != nil {
		return "", errors.New("can not read data type")
	}
	switch typ[0] {
	case rdbOpcodeFunction:
		code, err := r.readString()
		if err != nil {
			return "", errors.New("Failed loading library payload")
		}
		return string(code), nil
	case rdbOpcodeFunctionPreGA:
		return readPreGAFunction(r)
	}
	return "", errors.New("given type is not a function")
}

// readPreGAFunction reads a library as Redis 7.0's release candidates
// saved it and turns it into code with a first line.
func readPreGAFunction(r *rdbReader) (string, error) {
	name, err := r.readString()
	if err != nil {
		return "", errors.New("Failed loading library name")
	}
	engine, err := r.readString()
	if err != nil {
		return "", errors.New("Failed loading engine name")
	}
	hasDesc, _, err := r.readLen()
	if err != nil {
		return "", errors.New("Failed loading library description indicator")
	}
	if hasDesc != 0 {
		if _, err := r.readString(); err != nil {
			return "", errors.New("Failed loading library description")
		}
	}
	body, err := r.readString()
	if err != nil {
		return "", errors.New("Failed loading library blob")
	}
	return "#!" + string(engine) + " name=" + string(name) + "\n" + string(body), nil
}

// loadLibrary adds one library read from a snapshot, replacing one of the
// same name, as Redis loads an RDB's functions.
func (f *functionLibs) loadLibrary(n *Node, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var loaded librarySet
	if _, err := loaded.create(f.machine(), &scriptHost{node: n}, code, false); err != nil {
		return fmt.Errorf("loading a function library: %w", err)
	}
	return f.set.join(&loaded, true)
}
