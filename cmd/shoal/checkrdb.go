package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/config"
)

func checkRDBCommand() *cobra.Command {
	databases := 16
	cmd := &cobra.Command{
		Use:   "check-rdb FILE",
		Short: "Verify a snapshot (RDB) file",
		Long: `Read an RDB snapshot (Shoal's or redis-server 7.0's) through to its
checksum, decoding every value, and report what it holds, or the offset of
the first problem and what it is. It exits with status 1 when the file
would not load.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			cfg := config.Default()
			if err := cfg.Load("databases", []string{fmt.Sprint(databases)}); err != nil {
				return err
			}
			st, err := command.CheckSnapshot(f, cfg)
			out := cmd.OutOrStdout()
			names := make([]string, 0, len(st.Aux))
			for k := range st.Aux {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(out, "[aux] %s = %s\n", k, st.Aux[k])
			}
			fmt.Fprintf(out, "[info] %d keys read, %d already expired\n", st.Keys, st.Expired)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(out, "%s: RDB looks OK\n", args[0])
			return nil
		},
	}
	cmd.Flags().IntVar(&databases, "databases", databases, "databases the loading node has (a file naming a higher one fails)")
	return cmd
}
