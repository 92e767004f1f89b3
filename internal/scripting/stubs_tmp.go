package scripting

import lua "github.com/yuin/gopher-lua"

func structLib(L *lua.LState) *lua.LTable   { return L.CreateTable(0, 0) }
func cmsgpackLib(L *lua.LState) *lua.LTable { return L.CreateTable(0, 0) }
