package scripting

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// The fuzz targets feed the libraries' decoders arbitrary input: they may
// raise Lua errors, never panic otherwise.

// noPanic runs fn and fails on any panic but a Lua error.
func noPanic(t *testing.T, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(*lua.ApiError); !ok {
				t.Fatalf("panic: %v", r)
			}
		}
	}()
	fn()
}

func FuzzCJSONDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9"],"b":null}`, `[1,`, `"\ud83d\ude00"`, `0x1f`, `-inf`, `[[[]]]`, "\"a\x00b\""} {
		f.Add(s)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	null := L.NewUserData()
	f.Fuzz(func(t *testing.T, s string) {
		noPanic(t, func() {
			v := decodeJSON(L, s, null)
			// What decodes encodes, unless a number is not finite.
			e := jsonEncoder{L: L, null: null}
			noPanic(t, func() { e.value(v, 0) })
		})
		L.SetTop(0)
	})
}

func FuzzMsgpackUnpack(f *testing.F) {
	for _, s := range []string{"\x93\x01\xa3two\x81\xa1k\xa1v", "\xcd\x01", "\xc1", "\xdc\xff\xff", "\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00"} {
		f.Add(s, 0, 0)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	f.Fuzz(func(t *testing.T, s string, limit, offset int) {
		noPanic(t, func() {
			L.SetTop(0)
			L.Push(lua.LString(s))
			msgpackUnpack(L, limit%8, offset%64)
		})
		L.SetTop(0)
	})
}

func FuzzStructUnpack(f *testing.F) {
	f.Add(">i2 c0 s !4 d", "\x00\x02ab\x00\x00\x00\x00\x00\x00\x00\x00")
	f.Add("<bBhHlLTfx", "0123456789abcdef0123456789abcdef0123")
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	f.Fuzz(func(t *testing.T, format, data string) {
		noPanic(t, func() {
			L.SetTop(0)
			L.Push(lua.LString(format))
			L.Push(lua.LString(data))
			structUnpack(L)
		})
		noPanic(t, func() {
			L.SetTop(0)
			L.Push(lua.LString(format))
			structSize(L)
		})
		L.SetTop(0)
	})
}
