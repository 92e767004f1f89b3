package testserver

import (
	"fmt"
	"testing"

	"github.com/shoal-cache/shoal/internal/node"
)

// TryStart is Start that returns the node's start-up error (a snapshot
// that does not load, say) instead of failing the test.
func TryStart(t testing.TB, directives ...string) (*Server, error) {
	t.Helper()
	cfg, err := nodeConfig(t, directives)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	n := node.New(cfg, testLogger(t))
	if err := n.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(n.Stop)
	return &Server{Addr: n.Addr(), Node: n}, nil
}

// Stop stops the node, as a restart's first half: a test then starts a
// node on the same dir to see what it loads.
func (s *Server) Stop() { s.Node.Stop() }
