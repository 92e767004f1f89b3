package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/node"
)

func serverCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "server [config-file] [--name value ...]",
		Short: "Run a cache node",
		Long: `Run a cache node that Redis clients talk to unchanged.

Settings use redis-server's names and syntax. They come from an optional
config file (one "name value" directive a line, or --config FILE) and from
flags, which override the file: every directive is also a flag, as in
"shoal server --port 7000 --maxclients 100".`,
		// Directives are open-ended (--maxclients, --hz, ...), so the
		// command line is read the way redis-server reads it, not by cobra.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "--help" || a == "-h" {
					return cmd.Help()
				}
			}
			cfg, err := config.FromArgs(args)
			if err != nil {
				return err
			}
			return runServer(cfg)
		},
	}
}

func runServer(cfg *config.Config) error {
	if cfg.Bool("daemonize") && cfg.String("pidfile") == "" {
		if err := cfg.Load("pidfile", []string{defaultPidFile}); err != nil {
			return err
		}
	}
	if cfg.Bool("daemonize") && !isDaemonChild() {
		return daemonize()
	}
	log, closeLog, err := newLogger(cfg)
	if err != nil {
		tellParent(err)
		return err
	}
	defer closeLog()
	removePidFile := writePidFile(cfg.String("pidfile"), log)
	defer removePidFile()
	// The signals are ours before the node says it is ready: a SIGTERM
	// right after that line would otherwise kill the process unsaved.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	n := node.New(cfg, log)
	if err := n.Start(); err != nil {
		tellParent(err)
		return err
	}
	tellParent(nil)
	sup := newSupervisor(cfg, log)
	sup.ready(cfg.String("replicaof") != "")
	for stopped := false; !stopped; {
		select {
		case s := <-sig:
			stopped = stopOnSignal(n, cfg, s, log)
		case <-n.Done():
			stopped = true
		}
	}
	sup.stopping()
	log.Info("bye")
	return nil
}

// stopOnSignal stops the node for SIGINT or SIGTERM with the flags of
// shutdown-on-sigint or shutdown-on-sigterm. As in Redis, a save that
// fails (without force) leaves the node running; it reports whether the
// node stopped.
func stopOnSignal(n *node.Node, cfg *config.Config, s os.Signal, log *slog.Logger) bool {
	directive := "shutdown-on-sigterm"
	if s == syscall.SIGINT {
		directive = "shutdown-on-sigint"
	}
	log.Info("received signal, shutting down", "signal", s.String())
	if err := n.StopOnSignal(cfg.Int(directive)); err != nil {
		log.Warn("Errors trying to shut down the server. Check the logs for more information.", "error", err)
		return false
	}
	return true
}

// newLogger logs to logfile (stderr when empty) at loglevel.
func newLogger(cfg *config.Config) (*slog.Logger, func(), error) {
	var out io.Writer = os.Stderr
	closeLog := func() {}
	if path := cfg.String("logfile"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("can't open the log file: %w", err)
		}
		out, closeLog = f, func() { f.Close() }
	}
	level := map[string]slog.Level{"debug": slog.LevelDebug, "verbose": slog.LevelDebug, "notice": slog.LevelInfo,
		"warning": slog.LevelWarn}[cfg.String("loglevel")]
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level})), closeLog, nil
}
