package scripting

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// lrand48 is the generator behind Redis's math.random: POSIX lrand48
// (x = a*x + c mod 2^48, the top 31 bits out), which Redis carries in
// rand.c so that every platform gives scripts the same sequence. It
// starts from lrand48's initial state and is never reseeded but by
// math.randomseed.
type lrand48 struct{ x uint64 }

const (
	lrandA    = 0x5DEECE66D
	lrandC    = 0xB
	lrandMask = 1<<48 - 1
	// lrandMax is REDIS_LRAND48_MAX.
	lrandMax = math.MaxInt32
)

func newLrand48() lrand48 { return lrand48{x: 0x1234ABCD330E} }

func (r *lrand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

func (r *lrand48) next() int32 {
	r.x = (lrandA*r.x + lrandC) & lrandMask
	return int32(r.x >> 17)
}

func (vm *VM) patchMath(m *lua.LTable) {
	m.RawSetString("random", vm.L.NewFunction(vm.mathRandom))
	m.RawSetString("randomseed", vm.L.NewFunction(vm.mathRandomseed))
}

// mathRandom is Redis's math.random: a float in [0,1), or an integer in
// [1,u] or [l,u].
func (vm *VM) mathRandom(L *lua.LState) int {
	r := float64(vm.rand.next()%lrandMax) / lrandMax
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := checkInt(L, 1)
		if u < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l, u := checkInt(L, 1), checkInt(L, 2)
		if l > u {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (vm *VM) mathRandomseed(L *lua.LState) int {
	vm.rand.seed(int32(checkInt(L, 1)))
	return 0
}

// checkInt is luaL_checkint: a number truncated to a C int.
func checkInt(L *lua.LState, n int) int32 {
	return int32(truncate(float64(L.CheckNumber(n))))
}
