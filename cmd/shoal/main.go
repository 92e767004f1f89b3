// Command shoal is the one Shoal binary: a cache node (server) and, as the
// project grows, the proxy, cluster administration and load tool.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "shoal",
		Short:         "Shoal, a Redis-compatible distributed in-memory cache",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serverCommand(), versionCommand(), benchCommand(), checkAOFCommand(), checkRDBCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
