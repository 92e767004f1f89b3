package persist

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
)

// umask is the process's umask, read from /proc (Linux) rather than set
// and reset, which would race with other goroutines creating files; 022
// where it cannot be read.
var umask = sync.OnceValue(func() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0o22
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
			if m, err := strconv.ParseInt(strings.TrimSpace(v), 8, 32); err == nil {
				return int(m)
			}
		}
	}
	return 0o22
})
