package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/shoal-cache/shoal/internal/persist"
)

// checkAOFCommand is redis-check-aof for Shoal's log: it reads a log file
// (or every command file a manifest names) and reports where it stops
// being valid; with --fix it cuts the file there.
func checkAOFCommand() *cobra.Command {
	var fix bool
	cmd := &cobra.Command{
		Use:   "check-aof [--fix] FILE",
		Short: "Check an append only file (or manifest) and optionally cut it at its last valid command",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results, err := persist.CheckAOF(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			bad := false
			for _, r := range results {
				if r.Problem == "" {
					fmt.Fprintf(out, "%s: OK, %d commands, %d bytes\n", r.File, r.Commands, r.Size)
					continue
				}
				bad = true
				fmt.Fprintf(out, "%s: %s at offset %d (valid up to offset %d, %d bytes after it)\n",
					r.File, r.Problem, r.Good, r.Good, r.Size-r.Good)
				if fix {
					if err := persist.Repair(r); err != nil {
						return err
					}
					fmt.Fprintf(out, "%s: cut at offset %d\n", r.File, r.Good)
				}
			}
			if bad && !fix {
				return errors.New("the append only file is not valid; run again with --fix to cut it at the offset shown")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&fix, "fix", false, "cut each bad file at its last valid command")
	return cmd
}
