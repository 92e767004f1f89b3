package command

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shoal-cache/shoal/internal/scripting"
)

// functionLoadTimeout is how long a library's body may run at FUNCTION
// LOAD, as in Redis.
const functionLoadTimeout = 500 * time.Millisecond

// functionLibs are a node's function libraries and the VM they are
// loaded in, which their functions run in. mu guards the set, and the VM
// while a library's body runs; FCALL runs a function holding the node's
// gate exclusively, so no FUNCTION LOAD (which holds it shared) runs
// meanwhile.
type functionLibs struct {
	mu  sync.Mutex
	vm  *scripting.VM
	set librarySet
}

// librarySet is a set of libraries and of the functions they registered.
type librarySet struct {
	libs map[string]*scripting.Library
	// funcs is keyed by the name in lower case: FCALL finds a function
	// by any case, and no two functions may differ only in case.
	funcs map[string]*scripting.Function
}

// machine returns the VM of functions, made at the first library.
func (f *functionLibs) machine() *scripting.VM {
	if f.vm == nil {
		f.vm = scripting.NewVM(RedisVersion)
	}
	return f.vm
}

// find returns the function named name, in any case, or nil.
func (f *functionLibs) find(name []byte) *scripting.Function {
	var buf [64]byte
	key := lower(buf[:0], name)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.set.funcs[string(key)]
}

// load loads a library from code (FUNCTION LOAD) and returns its name.
func (f *functionLibs) load(host scripting.Host, code string, replace bool) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lib, err := f.set.create(f.machine(), host, code, replace)
	if err != nil {
		return "", err
	}
	return lib.Name, nil
}

// delete removes the library named name and reports whether there was one.
func (f *functionLibs) delete(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	lib := f.set.libs[name]
	f.set.unlink(lib)
	return lib != nil
}

// flush removes every library. The VM stays: what the libraries held is
// only reachable from them.
func (f *functionLibs) flush() {
	f.mu.Lock()
	f.set = librarySet{}
	f.mu.Unlock()
}

// libraries returns the libraries sorted by name. Redis lists them in
// its hash table's order, which varies from run to run.
func (f *functionLibs) libraries() []*scripting.Library {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.set.sorted()
}

// counts returns the number of libraries and of functions.
func (f *functionLibs) counts() (libs, funcs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.set.libs), len(f.set.funcs)
}

// create compiles code and runs its body, and adds the library to s, in
// place of the one of its name with replace, as Redis's
// functionsCreateWithLibraryCtx does. The error is the reply's text
// without "ERR ".
func (s *librarySet) create(vm *scripting.VM, host scripting.Host, code string, replace bool) (*scripting.Library, error) {
	h, err := scripting.ParseLibrary(code)
	if err != nil {
		return nil, err
	}
	old := s.libs[h.Name]
	if old != nil && !replace {
		return nil, fmt.Errorf("Library '%s' already exists", h.Name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), functionLoadTimeout)
	defer cancel()
	lib, err := vm.LoadLibrary(ctx, h, host)
	if err != nil {
		return nil, err
	}
	for _, fn := range lib.Functions {
		if have := s.funcs[lowerString(fn.Name)]; have != nil && have.Library != old {
			return nil, fmt.Errorf("Function %s already exists", fn.Name)
		}
	}
	s.unlink(old)
	s.link(lib)
	return lib, nil
}

// link adds lib and its functions. Of two functions of lib whose names
// differ only in case, FCALL finds the first, as in Redis.
func (s *librarySet) link(lib *scripting.Library) {
	if s.libs == nil {
		s.libs, s.funcs = map[string]*scripting.Library{}, map[string]*scripting.Function{}
	}
	s.libs[lib.Name] = lib
	for _, fn := range lib.Functions {
		key := lowerString(fn.Name)
		if _, taken := s.funcs[key]; !taken {
			s.funcs[key] = fn
		}
	}
}

// unlink removes lib, if not nil, and its functions.
func (s *librarySet) unlink(lib *scripting.Library) {
	if lib == nil {
		return
	}
	delete(s.libs, lib.Name)
	for _, fn := range lib.Functions {
		key := lowerString(fn.Name)
		if s.funcs[key] == fn {
			delete(s.funcs, key)
		}
	}
}

// sorted returns the set's libraries sorted by name.
func (s *librarySet) sorted() []*scripting.Library {
	out := make([]*scripting.Library, 0, len(s.libs))
	for _, lib := range s.libs {
		out = append(out, lib)
	}
	slices.SortFunc(out, func(a, b *scripting.Library) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// join adds the libraries of src to s, as Redis's libraryJoin does (for
// FUNCTION RESTORE): a library of a name s has is an error, or with
// replace takes its place; a function of a name s has is an error. On
// error s is left as it was.
func (s *librarySet) join(src *librarySet, replace bool) error {
	var replaced []*scripting.Library
	undo := func() {
		for _, lib := range replaced {
			s.link(lib)
		}
	}
	incoming := src.sorted()
	for _, lib := range incoming {
		old := s.libs[lib.Name]
		if old == nil {
			continue
		}
		if !replace {
			undo()
			return fmt.Errorf("Library %s already exists", lib.Name)
		}
		s.unlink(old)
		replaced = append(replaced, old)
	}
	for _, lib := range incoming {
		for _, fn := range lib.Functions {
			if _, taken := s.funcs[lowerString(fn.Name)]; taken {
				undo()
				return fmt.Errorf("Function %s already exists", fn.Name)
			}
		}
	}
	for _, lib := range incoming {
		s.link(lib)
	}
	return nil
}
