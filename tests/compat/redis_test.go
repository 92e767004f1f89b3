package compat

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// startRedis runs the reference redis-server 7.0 (testserver.StartRedis),
// skipping the test when it is not installed.
func startRedis(t *testing.T, directives ...string) string {
	t.Helper()
	return testserver.StartRedis(t, directives...)
}

// dialRedis opens a raw connection to redis-server, the same kind of
// client the Shoal side uses.
func dialRedis(t *testing.T, addr string) *testserver.Raw {
	return (&testserver.Server{Addr: addr}).Raw(t)
}
