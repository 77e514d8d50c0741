// Package app wires the domain, the store and the web layer together and
// implements the dunghan subcommands.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// Version is set at build time with -ldflags "-X dunghan/internal/app.Version=…".
var Version = "dev"

// Env is what a subcommand may touch of the outside world. Tests build their own.
type Env struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ func() []string
	Now     func() time.Time
	Random  io.Reader // source of salts, secrets and IDs
}

// Std returns the process environment.
func Std() Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ, Now: time.Now, Random: rand.Reader}
}

// command is one subcommand. run returns the process exit status.
type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"serve":      {"run the web server and the background workers", runServe},
		"migrate":    {"apply the database migrations and exit", runMigrate},
		"version":    {"print the version", runVersion},
		"procedure":  {"manage the procedure catalogue (procedure import FILE)", runProcedure},
		"user":       {"manage users (user create)", runUser},
		"calendar":   {"working-calendar arithmetic offline (due, between, day, lunar, solar, year)", runCalendar},
		"scorecard":  {"Decision 766 scorecard tools (scorecard what-if)", runScorecard},
		"forms":      {"print the official forms as PDF (forms render, forms register)", runForms},
		"portal":     {"National Public Service Portal sync (portal status, reconcile, resync)", runPortal},
		"portal-sim": {"serve a simulated National Public Service Portal on loopback", runPortalSim},
	}
}

// Main runs the subcommand named by args[0] and returns the exit status.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		printHelp(env.Stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		printHelp(env.Stdout)
		return 0
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "dunghan: unknown command %q\n\n", name)
		printHelp(env.Stderr)
		return 2
	}
	return cmd.run(ctx, env, args[1:])
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "dunghan: administrative-procedure dossiers, on time.")
	fmt.Fprintln(w, "\nUsage: dunghan <command> [flags]\n\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "help", "show this list")
	fmt.Fprintln(w, "\nRun 'dunghan <command> -h' for the flags of a command.")
}

// newFlagSet returns a flag set that reports errors to env.Stderr and does not exit.
func newFlagSet(env Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: dunghan %s\n", usage)
		if hasFlags(fs) {
			fmt.Fprintln(env.Stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args and returns the exit status to use when parsing
// stopped the command: 0 for -h, 2 for bad flags, -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string) int {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return -1
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		return 2
	}
}

func runVersion(_ context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "version", "version")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	fmt.Fprintf(env.Stdout, "dunghan %s\n", Version)
	return 0
}
