package persist_test

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestMain removes the node binary the process tests build.
func TestMain(m *testing.M) { testserver.Main(m) }
