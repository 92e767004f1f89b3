package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/node"
)

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "shoal %s (redis %s compatible) %s %s/%s\n",
				node.Version, command.RedisVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}
