package scripting

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/resp"
)

// Function libraries: the first line, the body's load environment and
// redis.register_function, and the functions' calls. The error texts are
// redis-server 7.0's.

func TestParseLibrary(t *testing.T) {
	tests := []struct {
		code, name, err string
	}{
		{"#!lua name=mylib\nreturn 1", "mylib", ""},
		{"#!LUA NAME=Up_1\n", "Up_1", ""},
		{"#!lua  name=sp  \n", "sp", ""},
		{"return 1", "", "Missing library metadata"},
		{"", "", "Missing library metadata"},
		{"#!lua name=x", "", "Invalid library metadata"},
		{"#!\n", "", "Library name was not given"},
		{"#!lua \"name=x\n", "", "Invalid library metadata"},
		{"#!lua\n", "", "Library name was not given"},
		{"#!lua name=\n", "", errBadName},
		{"#!lua name=a-b\n", "", errBadName},
		{"#!lua name=a name=b\n", "", "Invalid metadata value, name argument was given multiple times"},
		{"#!lua foo=bar name=a\n", "", "Invalid metadata value given: foo=bar"},
		{"#!lua name=a extra\n", "", "Invalid metadata value given: extra"},
		{"#!python name=a\n", "", "Engine 'python' not found"},
		{"#!python name=a-b\n", "", errBadName},
		{"#! name=a\n", "", "Engine '' not found"},
	}
	for _, tt := range tests {
		h, err := ParseLibrary(tt.code)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("ParseLibrary(%q) = %v, want error %q", tt.code, err, tt.err)
		case tt.err == "" && (err != nil || h.Name != tt.name):
			t.Errorf("ParseLibrary(%q) = %+v, %v, want name %q", tt.code, h, err, tt.name)
		}
	}
}

// load parses and loads code in vm.
func load(vm *VM, code string) (*Library, error) {
	h, err := ParseLibrary(code)
	if err != nil {
		return nil, err
	}
	return vm.LoadLibrary(context.Background(), h, &fakeHost{})
}

func TestLoadLibraryErrors(t *testing.T) {
	vm := NewVM("7.0.15")
	defer vm.Close()
	reg := "Error registering functions: ERR "
	tests := []struct {
		body, err string
	}{
		{"return {", "Error compiling function: user_function:2: unexpected symbol near '<eof>'"},
		{"redis.log(redis.LOG_WARNING, 'hi')", "No functions registered"},
		{"return type(string)", reg + "user_function:2: Script attempted to access nonexistent global variable 'type'"},
		{"return redis.call('ping')", reg + "user_function:2: Script attempted to access nonexistent global variable 'call'"},
		{"local s = redis.setresp", reg + "user_function:2: Script attempted to access nonexistent global variable 'setresp'"},
		{"x = 1", reg + "user_function:2: Attempt to modify a readonly table"},
		{"redis.x = 1", reg + "user_function:2: Attempt to modify a readonly table"},
		{"\nerror('boom')", reg + "user_function:3: Script attempted to access nonexistent global variable 'error'"},
		{"redis.register_function('a', function() end) redis.register_function('a', function() end)", reg + "Function already exists in the library"},
		{"redis.register_function('a-b', function() end)", reg + errBadName},
		{"redis.register_function('', function() end)", reg + errBadName},
		{"redis.register_function{function_name='a b', callback=function() end}", reg + errBadName},
		{"redis.register_function('a')", reg + "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."},
		{"redis.register_function('a', 'b')", reg + "second argument to redis.register_function must be a function"},
		{"redis.register_function({}, function() end)", reg + "first argument to redis.register_function must be a string"},
		{"redis.register_function()", reg + errRegisterArgs},
		{"redis.register_function('a', function() end, 3)", reg + errRegisterArgs},
		{"redis.register_function({})", reg + "redis.register_function must get a function name argument"},
		{"redis.register_function{function_name='a'}", reg + "redis.register_function must get a callback argument"},
		{"redis.register_function{callback=function() end}", reg + "redis.register_function must get a function name argument"},
		{"redis.register_function{function_name='a', callback=function() end, flags='x'}", reg + "flags argument to redis.register_function must be a table representing function flags"},
		{"redis.register_function{function_name='a', callback=function() end, flags={'bad'}}", reg + "unknown flag given"},
		{"redis.register_function{function_name='a', callback=function() end, flags={{}}}", reg + "unknown flag given"},
		{"redis.register_function{function_name='a', callback=function() end, foo=1}", reg + "unknown argument given to redis.register_function"},
		{"redis.register_function{[1]='x'}", reg + "unknown argument given to redis.register_function"},
		{"redis.register_function{[true]='x'}", reg + "named argument key given to redis.register_function is not a string"},
		{"redis.register_function{function_name={}, callback=function() end}", reg + "function_name argument given to redis.register_function must be a string"},
		{"redis.register_function{function_name='a', callback=1}", reg + "callback argument given to redis.register_function must be a function"},
		{"redis.register_function{function_name='a', callback=function() end, description={}}", reg + "description argument given to redis.register_function must be a string"},
	}
	for _, tt := range tests {
		_, err := load(vm, "#!lua name=lib\n"+tt.body)
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: error %v, want %q", tt.body, err, tt.err)
		}
	}
}

func TestLoadLibraryRegisters(t *testing.T) {
	vm := NewVM("7.0.15")
	defer vm.Close()
	lib, err := load(vm, "#!lua name=lib\n"+
		"redis.register_function('pos', function() return 1 end)\n"+
		"redis.register_function(7, function() return 1 end)\n"+
		"redis.register_function{function_name='named', callback=function() end, flags={'NO-WRITES', 'allow-oom'}, description='d'}\n"+
		"redis.register_function{function_name='num', callback=redis.log, description=2}\n"+
		"redis.register_function{FUNCTION_NAME='upper', CALLBACK=function() end, FLAGS={}}\n"+
		"return 5")
	if err != nil {
		t.Fatal(err)
	}
	type fn struct {
		name, desc string
		flags      []string
	}
	var got []fn
	for _, f := range lib.Functions {
		desc := "<nil>"
		if f.Description != nil {
			desc = *f.Description
		}
		if f.Library != lib {
			t.Errorf("%s: library not set", f.Name)
		}
		got = append(got, fn{f.Name, desc, f.Flags.Names()})
	}
	want := []fn{
		{"pos", "<nil>", []string{}}, {"7", "<nil>", []string{}},
		{"named", "d", []string{"no-writes", "allow-oom"}}, {"num", "2", []string{}}, {"upper", "<nil>", []string{}},
	}
	if lib.Name != "lib" || !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %s %+v, want lib %+v", lib.Name, got, want)
	}
	if all := (NoWrites | AllowOOM | AllowStale | NoCluster | AllowCrossSlotKeys).Names(); strings.Join(all, ",") != "no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys" {
		t.Errorf("flag order %v", all)
	}
}

func TestLoadLibraryTimeout(t *testing.T) {
	vm := NewVM("7.0.15")
	defer vm.Close()
	h, _ := ParseLibrary("#!lua name=spin\nwhile true do end")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := vm.LoadLibrary(ctx, h, &fakeHost{})
	if want := "Error registering functions: ERR FUNCTION LOAD timeout"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	// The VM is usable afterwards.
	if _, err := load(vm, "#!lua name=ok\nredis.register_function('f', function() return 1 end)"); err != nil {
		t.Error(err)
	}
}

// fcall calls the function named name of lib and returns the reply as a
// client of protocol proto reads it.
func fcall(t *testing.T, vm *VM, lib *Library, h Host, proto int, name string, keys, args []string) string {
	t.Helper()
	f := lib.function(name)
	if f == nil {
		t.Fatalf("no function %s", name)
	}
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	w.Proto = proto
	vm.Call(context.Background(), f, toBytes(keys), toBytes(args), h).Write(w, func(msg string, counted bool) { w.Error(msg) })
	w.Flush()
	return out.String()
}

func TestCallFunction(t *testing.T) {
	vm := NewVM("7.0.15")
	defer vm.Close()
	lib, err := load(vm, "#!lua name=t\n"+
		"local n = 0\n"+
		"redis.register_function('cnt', function(keys, args) n = n + 1 return n end)\n"+
		"redis.register_function('kv', function(keys, args) return {keys, args} end)\n"+
		"redis.register_function('err', function(keys, args) error('boom') end)\n"+
		"redis.register_function('glob', function(keys, args) return KEYS end)\n"+
		"redis.register_function('set', function(keys, args) y = 1 end)\n"+
		"redis.register_function('call', function(keys, args) return redis.call('nosuch') end)\n"+
		"redis.register_function('std', function() return {type(string), type(cjson), type(redis.call), type(redis.register_function), redis.REDIS_VERSION} end)\n"+
		"redis.register_function('resp3', function() redis.setresp(3) return {true, false} end)\n")
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHost{}
	tests := []struct {
		proto      int
		name       string
		keys, args []string
		want       string
	}{
		{2, "cnt", nil, nil, ":1\r\n"},
		{2, "cnt", nil, nil, ":2\r\n"},
		{2, "kv", []string{"a", "b"}, []string{"c"}, "*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n"},
		{2, "err", nil, nil, "-ERR user_function:5: boom script: err, on @user_function:5.\r\n"},
		{2, "glob", nil, nil, "-ERR user_function:6: Script attempted to access nonexistent global variable 'KEYS' script: glob, on @user_function:6.\r\n"},
		{2, "set", nil, nil, "-ERR user_function:7: Attempt to modify a readonly table script: set, on @user_function:7.\r\n"},
		{2, "call", nil, nil, "-ERR Unknown Redis command called from script script: call, on @user_function:8.\r\n"},
		{2, "std", nil, nil, "*5\r\n$5\r\ntable\r\n$5\r\ntable\r\n$8\r\nfunction\r\n$3\r\nnil\r\n$6\r\n7.0.15\r\n"},
		{3, "resp3", nil, nil, "*2\r\n#t\r\n#f\r\n"},
		{2, "cnt", nil, nil, ":3\r\n"},
	}
	for _, tt := range tests {
		if got := fcall(t, vm, lib, h, tt.proto, tt.name, tt.keys, tt.args); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
