package command

// Redis's error replies that several families share, verbatim: client
// libraries match on them.
const (
	errSyntax       = "ERR syntax error"
	errWrongType    = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errNotInteger   = "ERR value is not an integer or out of range"
	errNotFloat     = "ERR value is not a valid float"
	errOverflow     = "ERR increment or decrement would overflow"
	errNoSuchKey    = "ERR no such key"
	errDBIndex      = "ERR DB index is out of range"
	errNoAuth       = "NOAUTH Authentication required."
	errInvalidPass  = "WRONGPASS invalid username-password pair or user is disabled."
	errNotSupported = "ERR not supported by this version of Shoal"
	errOOM          = "OOM command not allowed when used memory > 'maxmemory'."
)
