package command_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The functions family's tests. The raw replies in the tables are
// redis-server 7.0.15's to the same commands, in RESP2 and (when they
// differ) RESP3. Libraries are the node's, not a database's: each table
// starts with FUNCTION FLUSH, as scrRun runs it once per protocol.

// fnLib is a library of functions covering the calls' cases.
const fnLib = "#!lua name=mylib\n" +
	"local calls = 0\n" +
	"redis.register_function('echo', function(keys, args) return {keys, args} end)\n" +
	"redis.register_function('count', function(keys, args) calls = calls + 1 return calls end)\n" +
	"redis.register_function{function_name='get', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}\n" +
	"redis.register_function('set', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n" +
	"redis.register_function('fail', function(keys, args) error('boom') end)\n" +
	"redis.register_function('unknown', function(keys, args) return redis.call('nosuch') end)\n" +
	"redis.register_function('globals', function(keys, args) return KEYS end)\n" +
	"redis.register_function{function_name='rowrite', callback=function(keys, args) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}\n" +
	"redis.register_function('resp3', function(keys, args) redis.setresp(3) return {redis.call('hgetall', keys[1]), true, false} end)\n" +
	"redis.register_function('nested', function(keys, args) return redis.pcall('fcall', 'count', 0) end)\n"

const fnOther = "#!lua name=other\nredis.register_function('other', function() return 'other' end)\n"

// fnListLib has a function with a description and every flag.
const fnListLib = "#!lua name=listlib\nredis.register_function{function_name='described', callback=function() return 1 end, " +
	"flags={'no-writes', 'allow-cross-slot-keys', 'allow-oom', 'no-cluster', 'allow-stale'}, description='it has a description'}\n"

// fnRedisPayload is FUNCTION DUMP of redis-server 7.0.15 holding two
// libraries, la (function fa) and lb (function fb).
const fnRedisPayload = "\xf5@G#!lua name=lb\nredis.register_function('fb', function() return 'b' end)\n\xf5@G#!lua name=la\nredis.register_function('fa', function() return 'a' end)\n\n\x00BCB\xc3\xbc\xa0\xf0\x07"

// TestFunctionCalls loads a library and calls its functions: keys and
// arguments as parameters, a library's locals kept from call to call,
// no-writes and FCALL_RO, errors named after the function, calls inside
// MULTI, and what scripts may not call.
func TestFunctionCalls(t *testing.T) {
	scrRun(t, testserver.Start(t), []scrStep{
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "LOAD", fnLib}, "$5\r\nmylib\r\n", ""},
		{[]string{"FUNCTION", "LOAD", fnLib}, "-ERR Library 'mylib' already exists\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "REPLACE", fnLib}, "$5\r\nmylib\r\n", ""},
		{[]string{"FCALL", "echo", "2", "k1", "k2", "a1"}, "*2\r\n*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n*1\r\n$2\r\na1\r\n", ""},
		{[]string{"FCALL", "ECHO", "0"}, "*2\r\n*0\r\n*0\r\n", ""},
		{[]string{"FCALL", "count", "0"}, ":1\r\n", ""},
		{[]string{"FCALL", "count", "0"}, ":2\r\n", ""},
		{[]string{"FCALL", "set", "1", "k", "v"}, "+OK\r\n", ""},
		{[]string{"FCALL", "get", "1", "k"}, "$1\r\nv\r\n", ""},
		{[]string{"FCALL_RO", "get", "1", "k"}, "$1\r\nv\r\n", ""},
		{[]string{"FCALL_RO", "set", "1", "k", "v"}, "-ERR Can not execute a script with write flag using *_ro command.\r\n", ""},
		{[]string{"FCALL", "rowrite", "1", "k"}, "-ERR Write commands are not allowed from read-only scripts. script: rowrite, on @user_function:10.\r\n", ""},
		{[]string{"FCALL", "fail", "0"}, "-ERR user_function:7: boom script: fail, on @user_function:7.\r\n", ""},
		{[]string{"FCALL", "unknown", "0"}, "-ERR Unknown Redis command called from script script: unknown, on @user_function:8.\r\n", ""},
		{[]string{"FCALL", "globals", "0"}, "-ERR user_function:9: Script attempted to access nonexistent global variable 'KEYS' script: globals, on @user_function:9.\r\n", ""},
		{[]string{"HSET", "h", "f", "v"}, ":1\r\n", ""},
		{[]string{"FCALL", "resp3", "1", "h"}, "*3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n:1\r\n:0\r\n", "*3\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n#t\r\n#f\r\n"},
		{[]string{"FCALL", "nested", "0"}, "-ERR This Redis command is not allowed from script\r\n", ""},
		{[]string{"FCALL", "nosuch", "0"}, "-ERR Function not found\r\n", ""},
		{[]string{"FCALL_RO", "nosuch", "0"}, "-ERR Function not found\r\n", ""},
		{[]string{"FCALL", "count", "x"}, "-ERR Bad number of keys provided\r\n", ""},
		{[]string{"FCALL", "nosuch", "x"}, "-ERR Function not found\r\n", ""},
		{[]string{"FCALL", "count", "-1"}, "-ERR Number of keys can't be negative\r\n", ""},
		{[]string{"FCALL", "count", "2", "a"}, "-ERR Number of keys can't be greater than number of args\r\n", ""},
		{[]string{"FCALL", "count"}, "-ERR wrong number of arguments for 'fcall' command\r\n", ""},
		{[]string{"EVAL", "return redis.pcall('fcall','count',0)", "0"}, "-ERR This Redis command is not allowed from script\r\n", ""},
		{[]string{"EVAL", "return redis.pcall('function','list')", "0"}, "-ERR This Redis command is not allowed from script\r\n", ""},
		{[]string{"MULTI"}, "+OK\r\n", ""},
		{[]string{"FCALL", "count", "0"}, "+QUEUED\r\n", ""},
		{[]string{"FUNCTION", "LOAD", fnOther}, "+QUEUED\r\n", ""},
		{[]string{"FCALL", "other", "0"}, "+QUEUED\r\n", ""},
		{[]string{"EXEC"}, "*3\r\n:3\r\n$5\r\nother\r\n$5\r\nother\r\n", ""},
		{[]string{"FUNCTION", "LOAD", fnOther}, "-ERR Library 'other' already exists\r\n", ""},
		{[]string{"FUNCTION", "STATS"}, "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:11\r\n", "%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:11\r\n"},
		{[]string{"FUNCTION", "KILL"}, "-NOTBUSY No scripts in execution right now.\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=clash\nredis.register_function('OTHER', function() return 1 end)\n"}, "-ERR Function OTHER already exists\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "other"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "other"}, "-ERR Library not found\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "MYLIB"}, "-ERR Library not found\r\n", ""},
		{[]string{"FCALL", "other", "0"}, "-ERR Function not found\r\n", ""},
		{[]string{"FUNCTION", "FLUSH", "x"}, "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n", ""},
		{[]string{"FUNCTION", "FLUSH", "sync", "x"}, "-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.\r\n", ""},
		{[]string{"FUNCTION", "FLUSH", "ASYNC"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "FLUSH", "SYNC"}, "+OK\r\n", ""},
		{[]string{"FCALL", "count", "0"}, "-ERR Function not found\r\n", ""},
		{[]string{"FUNCTION", "STATS"}, "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:0\r\n$15\r\nfunctions_count\r\n:0\r\n", "%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n$15\r\nlibraries_count\r\n:0\r\n$15\r\nfunctions_count\r\n:0\r\n"},
	})
}

// TestFunctionLoadErrors checks FUNCTION LOAD's refusals: the first line,
// the body's load environment and redis.register_function's arguments.
func TestFunctionLoadErrors(t *testing.T) {
	srv := testserver.Start(t)
	scrRun(t, srv, []scrStep{
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=x"}, "-ERR Invalid library metadata\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "return 1"}, "-ERR Missing library metadata\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua\n"}, "-ERR Library name was not given\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=\n"}, "-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=a-b\n"}, "-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=x foo=bar\n"}, "-ERR Invalid metadata value given: foo=bar\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!python name=x\n"}, "-ERR Engine 'python' not found\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=x name=y\n"}, "-ERR Invalid metadata value, name argument was given multiple times\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nreturn {"}, "-ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.log(redis.LOG_WARNING, 'no functions')"}, "-ERR No functions registered\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nreturn type(string)"}, "-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'type'\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nreturn redis.call('ping')"}, "-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nx = 1"}, "-ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function('a', function() end) redis.register_function('a', function() end)"}, "-ERR Error registering functions: ERR Function already exists in the library\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function('a-b', function() end)"}, "-ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function('a')"}, "-ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function('a', 'b')"}, "-ERR Error registering functions: ERR second argument to redis.register_function must be a function\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function()"}, "-ERR Error registering functions: ERR wrong number of arguments to redis.register_function\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function{function_name='a'}"}, "-ERR Error registering functions: ERR redis.register_function must get a callback argument\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function{callback=function() end}"}, "-ERR Error registering functions: ERR redis.register_function must get a function name argument\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, flags={'bad'}}"}, "-ERR Error registering functions: ERR unknown flag given\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=e\nredis.register_function{function_name='a', callback=function() end, foo=1}"}, "-ERR Error registering functions: ERR unknown argument given to redis.register_function\r\n", ""},
		{[]string{"FUNCTION", "LOAD"}, "-ERR wrong number of arguments for 'function|load' command\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "foo", "bar"}, "-ERR Unknown option given: foo\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "REPLACE"}, "-ERR Missing library metadata\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "REPLACE", "REPLACE", "#!LUA NAME=up\nredis.register_function('up', function() return 1 end)"}, "$2\r\nup\r\n", ""},
		{[]string{"FUNCTION"}, "-ERR wrong number of arguments for 'function' command\r\n", ""},
		{[]string{"FUNCTION", "NOSUCH"}, "-ERR unknown subcommand 'NOSUCH'. Try FUNCTION HELP.\r\n", ""},
		{[]string{"FUNCTION", "STATS", "x"}, "-ERR wrong number of arguments for 'function|stats' command\r\n", ""},
		{[]string{"FUNCTION", "LIST"}, "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$2\r\nup\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\nup\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n", "*1\r\n%3\r\n$12\r\nlibrary_name\r\n$2\r\nup\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$2\r\nup\r\n$11\r\ndescription\r\n_\r\n$5\r\nflags\r\n~0\r\n"},
	})
	// A body gets 500 ms.
	got := srv.Raw(t).Do("FUNCTION", "LOAD", "#!lua name=e\nwhile true do end")
	if want := "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n"; got != want {
		t.Errorf("looping body: %q, want %q", got, want)
	}
}

// TestFunctionList checks FUNCTION LIST's shapes and options, FUNCTION
// DUMP's payload (the bytes Redis produces) and FUNCTION HELP.
func TestFunctionList(t *testing.T) {
	scrRun(t, testserver.Start(t), []scrStep{
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "LIST"}, "*0\r\n", ""},
		{[]string{"FUNCTION", "LOAD", fnListLib}, "$7\r\nlistlib\r\n", ""},
		{[]string{"FUNCTION", "LIST"}, "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n*5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n", "*1\r\n%3\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n~5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n"},
		{[]string{"FUNCTION", "LIST", "WITHCODE"}, "*1\r\n*8\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n*5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n$12\r\nlibrary_code\r\n$228\r\n#!lua name=listlib\nredis.register_function{function_name='described', callback=function() return 1 end, flags={'no-writes', 'allow-cross-slot-keys', 'allow-oom', 'no-cluster', 'allow-stale'}, description='it has a description'}\n\r\n", "*1\r\n%4\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n~5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n$12\r\nlibrary_code\r\n$228\r\n#!lua name=listlib\nredis.register_function{function_name='described', callback=function() return 1 end, flags={'no-writes', 'allow-cross-slot-keys', 'allow-oom', 'no-cluster', 'allow-stale'}, description='it has a description'}\n\r\n"},
		{[]string{"FUNCTION", "LOAD", fnOther}, "$5\r\nother\r\n", ""},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "OTH*"}, "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$5\r\nother\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$5\r\nother\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n", "*1\r\n%3\r\n$12\r\nlibrary_name\r\n$5\r\nother\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$5\r\nother\r\n$11\r\ndescription\r\n_\r\n$5\r\nflags\r\n~0\r\n"},
		{[]string{"FUNCTION", "LIST", "withcode", "libraryname", "*lib"}, "*1\r\n*8\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n*5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n$12\r\nlibrary_code\r\n$228\r\n#!lua name=listlib\nredis.register_function{function_name='described', callback=function() return 1 end, flags={'no-writes', 'allow-cross-slot-keys', 'allow-oom', 'no-cluster', 'allow-stale'}, description='it has a description'}\n\r\n", "*1\r\n%4\r\n$12\r\nlibrary_name\r\n$7\r\nlistlib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$9\r\ndescribed\r\n$11\r\ndescription\r\n$20\r\nit has a description\r\n$5\r\nflags\r\n~5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n$12\r\nlibrary_code\r\n$228\r\n#!lua name=listlib\nredis.register_function{function_name='described', callback=function() return 1 end, flags={'no-writes', 'allow-cross-slot-keys', 'allow-oom', 'no-cluster', 'allow-stale'}, description='it has a description'}\n\r\n"},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "nomatch"}, "*0\r\n", ""},
		{[]string{"FUNCTION", "LIST", "WITHCODE", "WITHCODE"}, "-ERR Unknown argument WITHCODE\r\n", ""},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME"}, "-ERR library name argument was not given\r\n", ""},
		{[]string{"FUNCTION", "LIST", "foo"}, "-ERR Unknown argument foo\r\n", ""},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"}, "-ERR Unknown argument LIBRARYNAME\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "other"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "DUMP"}, "$206\r\n\xf5\xc3@\xbe@\xe4\x1b#!lua name=listlib\nredis.reg \x0f\x0ber_function{\xc0\x08\x00_`-\x15'described', callback=\xc0#\x1f() return 1 end, flags={'no-writ\x01es 5\x00' 5\x10ow-cross-slot-key\xe0\x02\x18\x02oom@% 2\x02clu@\x8b@\r\x803\x08stale'}, \x80\x85\x00p@\xa0\t='it has a\xe0\x03\x15\x02'}\n\n\x001:\xde:\x1c@F\x9a\r\n", ""},
		{[]string{"FUNCTION", "HELP"}, "*40\r\n+FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+LOAD [REPLACE] <FUNCTION CODE>\r\n+    Create a new library with the given library name and code.\r\n+DELETE <LIBRARY NAME>\r\n+    Delete the given library.\r\n+LIST [LIBRARYNAME PATTERN] [WITHCODE]\r\n+    Return general information on all the libraries:\r\n+    * Library name\r\n+    * The engine used to run the Library\r\n+    * Library description\r\n+    * Functions list\r\n+    * Library code (if WITHCODE is given)\r\n+    It also possible to get only function that matches a pattern using LIBRARYNAME argument.\r\n+STATS\r\n+    Return information about the current function running:\r\n+    * Function name\r\n+    * Command used to run the function\r\n+    * Duration in MS that the function is running\r\n+    If no function is running, return nil\r\n+    In addition, returns a list of available engines.\r\n+KILL\r\n+    Kill the current running function.\r\n+FLUSH [ASYNC|SYNC]\r\n+    Delete all the libraries.\r\n+    When called without the optional mode argument, the behavior is determined by the\r\n+    lazyfree-lazy-user-flush configuration directive. Valid modes are:\r\n+    * ASYNC: Asynchronously flush the libraries.\r\n+    * SYNC: Synchronously flush the libraries.\r\n+DUMP\r\n+    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command\r\n+RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]\r\n+    Restore the libraries represented by the given payload, it is possible to give a restore policy to\r\n+    control how to handle existing libraries (default APPEND):\r\n+    * FLUSH: delete all existing libraries.\r\n+    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.\r\n+    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old\r\n+      libraries with the new libraries (notice that even on this option there is a chance of failure\r\n+      in case of functions name collision with another library).\r\n+HELP\r\n+    Prints this help.\r\n", ""},
	})
}

// TestFunctionRestore restores a payload dumped by redis-server with each
// policy, its collisions (undone on failure), malformed payloads and
// Redis 7.0's release-candidate format.
func TestFunctionRestore(t *testing.T) {
	scrRun(t, testserver.Start(t), []scrStep{
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload}, "+OK\r\n", ""},
		{[]string{"FCALL", "fa", "0"}, "$1\r\na\r\n", ""},
		{[]string{"FCALL", "fb", "0"}, "$1\r\nb\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "lb"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload}, "-ERR Library la already exists\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "APPEND"}, "-ERR Library la already exists\r\n", ""},
		{[]string{"FCALL", "fb", "0"}, "-ERR Function not found\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "REPLACE"}, "+OK\r\n", ""},
		{[]string{"FCALL", "fb", "0"}, "$1\r\nb\r\n", ""},
		{[]string{"FUNCTION", "DELETE", "lb"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lc\nredis.register_function('fb', function() return 'c' end)\n"}, "$2\r\nlc\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "REPLACE"}, "-ERR Function fb already exists\r\n", ""},
		{[]string{"FCALL", "fa", "0"}, "$1\r\na\r\n", ""},
		{[]string{"FCALL", "fb", "0"}, "$1\r\nc\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "lc"}, "*0\r\n", ""},
		{[]string{"FCALL", "fb", "0"}, "$1\r\nb\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "bad"}, "-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", fnRedisPayload, "FLUSH", "x"}, "-ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", "garbage"}, "-ERR DUMP payload version or checksum are wrong\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", "\xf5@G#!lua name=lb\nredis.register_function('fb', function() return 'b' end)\n\xf5@G#!lua name=la\nredis.register_function('fa', function() return 'a' end)\n\n\x00BCB\xc3\xbc\xa0\xf0x"}, "-ERR DUMP payload version or checksum are wrong\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", "\x00\x05hello\n\x00cr\xdfve4 \n"}, "-ERR given type is not a function\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", "\xf5?ab\n\x00\xd3\xd6.xW\xc0\xedl"}, "-ERR Failed loading library payload\r\n", ""},
		{[]string{"FUNCTION", "RESTORE", "\xf6\x03pgl\x03lua\x01\x04desc=redis.register_function('pg', function() return 'pre-ga' end)\n\x00c\xab\xe6!\xd2\x08\x7f\xf5"}, "+OK\r\n", ""},
		{[]string{"FCALL", "pg", "0"}, "$6\r\npre-ga\r\n", ""},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "pgl", "WITHCODE"}, "*1\r\n*8\r\n$12\r\nlibrary_name\r\n$3\r\npgl\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\npg\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n$12\r\nlibrary_code\r\n$76\r\n#!lua name=pgl\nredis.register_function('pg', function() return 'pre-ga' end)\r\n", "*1\r\n%4\r\n$12\r\nlibrary_name\r\n$3\r\npgl\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n%3\r\n$4\r\nname\r\n$2\r\npg\r\n$11\r\ndescription\r\n_\r\n$5\r\nflags\r\n~0\r\n$12\r\nlibrary_code\r\n$76\r\n#!lua name=pgl\nredis.register_function('pg', function() return 'pre-ga' end)\r\n"},
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n", ""},
		{[]string{"FUNCTION", "DUMP"}, "$10\r\n\n\x00]\x9b\\@\x0f\x7f\xa2\xda\r\n", ""},
	})
}

// fnLoop's spin never ends; spinWrite writes, then spins.
const fnLoop = "#!lua name=loop\n" +
	"redis.register_function('spin', function(keys, args) while true do end end)\n" +
	"redis.register_function('spinwrite', function(keys, args) redis.call('set', keys[1], 'written') while true do end end)\n"

const (
	fnBusy   = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	fnKilled = "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."
)

// TestFunctionKill runs a function that never ends with
// busy-reply-threshold at 100 ms: past it other clients get BUSY naming
// FUNCTION KILL, SCRIPT KILL refuses, FUNCTION STATS shows the function
// and the command that called it, and FUNCTION KILL stops it. Then a
// busy EVAL script: FUNCTION KILL and FUNCTION STATS refuse it.
func TestFunctionKill(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	admin.ConfigSet(ctx, "busy-reply-threshold", "100")
	if err := admin.FunctionLoad(ctx, fnLoop).Err(); err != nil {
		t.Fatal(err)
	}
	looper, other, raw := srv.Client(t), srv.Client(t), srv.Raw(t)
	loopErr := make(chan error, 1)
	go func() { loopErr <- looper.FCall(ctx, "spin", []string{"k1"}, "arg").Err() }()
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == fnBusy })
	if got := redisErr(other.Get(ctx, "k").Err()); got != fnBusy {
		t.Errorf("GET while busy: %q", got)
	}
	for _, step := range []struct{ cmd, want string }{
		{"SCRIPT KILL", "-" + fnBusy + "\r\n"},
		{"FUNCTION LIST", "-" + fnBusy + "\r\n"},
		{"MULTI", "+OK\r\n"},
		{"EXEC", "-EXECABORT Transaction discarded because of: " + fnBusy + "\r\n"},
	} {
		if got := raw.Do(strings.Fields(step.cmd)...); got != step.want {
			t.Errorf("%s while busy: %q, want %q", step.cmd, got, step.want)
		}
	}
	stats := raw.Do("FUNCTION", "STATS")
	running := "*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*5\r\n$5\r\nfcall\r\n$4\r\nspin\r\n$1\r\n1\r\n$2\r\nk1\r\n$3\r\narg\r\n$11\r\nduration_ms\r\n:"
	engines := "\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n"
	if !strings.HasPrefix(stats, running) || !strings.HasSuffix(stats, engines) {
		t.Errorf("FUNCTION STATS while busy: %q", stats)
	}
	if err := admin.FunctionKill(ctx).Err(); err != nil {
		t.Fatalf("FUNCTION KILL: %v", err)
	}
	select {
	case err := <-loopErr:
		if redisErr(err) != fnKilled {
			t.Fatalf("killed function's reply: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the function did not stop")
	}
	if got := redisErr(admin.FunctionKill(ctx).Err()); got != "NOTBUSY No scripts in execution right now." {
		t.Errorf("FUNCTION KILL with no function: %q", got)
	}

	go func() { loopErr <- looper.Eval(ctx, "while true do end", nil).Err() }()
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == scrBusy })
	for _, cmd := range []string{"FUNCTION KILL", "FUNCTION STATS"} {
		if got := raw.Do(strings.Fields(cmd)...); got != "-"+scrBusy+"\r\n" {
			t.Errorf("%s beside a busy script: %q", cmd, got)
		}
	}
	if err := admin.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	if err := <-loopErr; redisErr(err) != scrKilled {
		t.Fatalf("killed script's reply: %v", err)
	}
}

// TestFunctionUnkillable: a busy function that wrote cannot be killed by
// either command.
func TestFunctionUnkillable(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	admin.ConfigSet(ctx, "busy-reply-threshold", "50")
	admin.FunctionLoad(ctx, fnLoop)
	looper := srv.Client(t)
	done := make(chan error, 1)
	go func() { done <- looper.FCall(ctx, "spinwrite", []string{"k"}).Err() }()
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == fnBusy })
	const unkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. " +
		"You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	for _, kill := range []string{"SCRIPT", "FUNCTION"} {
		if got := redisErr(admin.Do(ctx, kill, "KILL").Err()); got != unkillable {
			t.Errorf("%s KILL of a function that wrote: %q", kill, got)
		}
	}
	// SHUTDOWN NOSAVE ends the node, and with it the function.
	admin.Do(ctx, "SHUTDOWN", "NOSAVE")
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("the function outlived SHUTDOWN NOSAVE")
	}
}

// fnRateLimiter is a cache-style library: a token bucket per key
// (tokens and last refill in one hash), and a read-only peek.
const fnRateLimiter = `#!lua name=ratelimit
local function refill(key, capacity, rate, now)
  local state = redis.call('hmget', key, 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local last = tonumber(state[2]) or now
  return math.min(capacity, tokens + (now - last) * rate / 1000)
end
redis.register_function('take', function(keys, args)
  local capacity, rate, now = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  local tokens = refill(keys[1], capacity, rate, now)
  local allowed = 0
  if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
  end
  redis.call('hset', keys[1], 'tokens', tokens, 'ts', now)
  return allowed
end)
redis.register_function{function_name='peek', flags={'no-writes'}, callback=function(keys, args)
  return math.floor(refill(keys[1], tonumber(args[1]), tonumber(args[2]), tonumber(args[3])))
end}
`

// TestFunctionRateLimiter takes from a bucket of 20 tokens from 8
// clients at once: at a fixed time exactly 20 requests pass, whatever the
// interleaving; FCALL_RO peeks at the refill half a second later.
func TestFunctionRateLimiter(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	if err := srv.Client(t).FunctionLoad(ctx, fnRateLimiter).Err(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for i := range 8 {
		c := srv.ClientProto(t, 2+i%2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				n, err := c.FCall(ctx, "take", []string{"bucket"}, 20, 10, 1_000_000).Int()
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				passed += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != 20 {
		t.Fatalf("%d of 80 requests passed a bucket of 20", passed)
	}
	c := srv.Client(t)
	if n, err := c.FCallRO(ctx, "peek", []string{"bucket"}, 20, 10, 1_000_500).Int(); err != nil || n != 5 {
		t.Errorf("peek after 500 ms at 10 tokens/s: %d %v, want 5", n, err)
	}
	if err := c.FCallRO(ctx, "take", []string{"bucket"}, 20, 10, 1_000_500).Err(); redisErr(err) != "ERR Can not execute a script with write flag using *_ro command." {
		t.Errorf("FCALL_RO of a writing function: %v", err)
	}
}

// TestFunctionLocalsOnce: a library's locals change once per call, also
// in a call that writes or runs for a while (a script that does is run
// again from its start; a function must not be).
func TestFunctionLocalsOnce(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	const lib = "#!lua name=locals\n" +
		"local n = 0\n" +
		"redis.register_function('write', function(keys, args) n = n + 1 redis.call('set', keys[1], n) return n end)\n" +
		"redis.register_function('slow', function(keys, args) n = n + 1 local t = redis.call('time') " +
		"repeat local now = redis.call('time') until (now[1] - t[1]) * 1000000 + now[2] - t[2] > 5000 return n end)\n"
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"write", "write", "slow", "write", "slow"} {
		if n, err := c.FCall(ctx, name, []string{"k"}).Int(); err != nil || n != i+1 {
			t.Fatalf("call %d (%s): %d %v, want %d", i+1, name, n, err, i+1)
		}
	}
	if got := c.Get(ctx, "k").Val(); got != "4" {
		t.Errorf("k = %q, want 4", got)
	}
}

// TestFunctionGoRedis drives the FUNCTION commands through go-redis's
// typed API, which parses the replies' shapes, in RESP3 and RESP2.
func TestFunctionGoRedis(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	for _, proto := range []int{3, 2} {
		c := srv.ClientProto(t, proto)
		c.FunctionFlush(ctx)
		if name, err := c.FunctionLoad(ctx, fnListLib).Result(); err != nil || name != "listlib" {
			t.Fatalf("RESP%d FunctionLoad: %q %v", proto, name, err)
		}
		libs, err := c.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: "list*", WithCode: true}).Result()
		want := []redis.Library{{Name: "listlib", Engine: "LUA", Code: fnListLib, Functions: []redis.Function{{Name: "described",
			Description: "it has a description", Flags: []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}}}}}
		if err != nil || !reflect.DeepEqual(libs, want) {
			t.Errorf("RESP%d FunctionList: %+v %v", proto, libs, err)
		}
		stats, err := c.FunctionStats(ctx).Result()
		if err != nil || stats.Running() || len(stats.Engines) != 1 || stats.Engines[0] != (redis.Engine{Language: "LUA", LibrariesCount: 1, FunctionsCount: 1}) {
			t.Errorf("RESP%d FunctionStats: %+v %v", proto, stats, err)
		}
		dump, err := c.FunctionDump(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		c.FunctionFlush(ctx)
		if err := c.FunctionRestore(ctx, dump).Err(); err != nil {
			t.Errorf("RESP%d FunctionRestore: %v", proto, err)
		}
		if n, err := c.FCallRO(ctx, "DESCRIBED", nil).Int(); err != nil || n != 1 {
			t.Errorf("RESP%d FCallRO after the restore: %d %v", proto, n, err)
		}
	}
}

// TestFunctionAOF: with appendonly on, the libraries and what functions
// wrote come back after a restart from the log: FUNCTION LOAD, DELETE,
// RESTORE and FLUSH are logged as sent, FCALL as its function's writes.
func TestFunctionAOF(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := testserver.Start(t, "appendonly yes", "appendfsync always", "dir "+dir)
	c := srv.Client(t)
	for _, cmd := range [][]any{
		{"FUNCTION", "LOAD", fnLib},
		{"FUNCTION", "LOAD", fnOther},
		{"FCALL", "set", "1", "k", "from a function"},
		{"FUNCTION", "DELETE", "other"},
		{"FUNCTION", "LOAD", "#!lua name=gone\nredis.register_function('gone', function() return 1 end)"},
		{"FUNCTION", "FLUSH"},
		{"FUNCTION", "RESTORE", fnRedisPayload},
		{"FUNCTION", "LOAD", fnLib},
	} {
		if err := c.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd[:2], err)
		}
	}
	c.Close()
	srv.Node.Stop()

	c = testserver.Start(t, "appendonly yes", "dir "+dir).Client(t)
	libs, err := c.FunctionList(ctx, redis.FunctionListQuery{}).Result()
	var names []string
	for _, lib := range libs {
		names = append(names, lib.Name)
	}
	if err != nil || strings.Join(names, ",") != "la,lb,mylib" {
		t.Errorf("libraries after the restart: %v %v", names, err)
	}
	if v, err := c.FCall(ctx, "get", []string{"k"}).Text(); err != nil || v != "from a function" {
		t.Errorf("FCALL get after the restart: %q %v", v, err)
	}
}
