package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"dunghan/internal/scorecard"
)

const scorecardUsage = `Usage:
  dunghan scorecard what-if [--file FILE] < input.json
      Scores the Decision 766 parameters in the JSON input (the portal's own
      names: progress, payment, online, metrics) and prints the groups,
      metrics and total as JSON. Bad input: one line on stderr, exit status 2.
  dunghan scorecard rebuild [-agency CODE]
      Recomputes the scorecard's counters from every dossier's events, for a
      database that held dossiers before the scorecard existed.`

// runScorecard implements "dunghan scorecard".
func runScorecard(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, scorecardUsage)
		return 2
	}
	switch args[0] {
	case "what-if":
		return runWhatIf(env, args[1:])
	case "rebuild":
		return runRebuild(ctx, env, args[1:])
	case "-h", "--help", "-help", "help":
		fmt.Fprintln(env.Stdout, scorecardUsage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "dunghan scorecard: unknown subcommand %q\n\n%s\n", args[0], scorecardUsage)
	return 2
}

func runWhatIf(env Env, args []string) int {
	fs := newFlagSet(env, "scorecard what-if", "scorecard what-if [--file FILE] < input.json\n\nScores Decision 766 parameters (reference/qd766-scoring.md) and prints the result as JSON.")
	file := fs.String("file", "", "read the input from FILE instead of standard input")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	in := env.Stdin
	name := "standard input"
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dunghan scorecard what-if: %v\n", err)
			return 2
		}
		defer f.Close()
		in, name = f, *file
	}
	data, err := io.ReadAll(io.LimitReader(in, scorecard.MaxInput+1))
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan scorecard what-if: reading %s: %v\n", name, err)
		return 2
	}
	input, err := scorecard.Parse(data)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan scorecard what-if: %s\n", oneLineText(err.Error()))
		return 2
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(scorecard.Compute(scorecard.Current, input)); err != nil {
		fmt.Fprintf(env.Stderr, "dunghan scorecard what-if: %v\n", err)
		return 1
	}
	return 0
}

// oneLineText folds a message onto one line.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

func runRebuild(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "scorecard rebuild", "scorecard rebuild [-agency CODE]\n\nRecomputes the scorecard's counters and projection columns from every dossier's events, in one transaction.")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	s, rc := open(ctx, env, "scorecard rebuild")
	if s == nil {
		return rc
	}
	defer s.store.Close()
	a, err := pickAgency(ctx, s.store, *agencyCode)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan scorecard rebuild: %v\n", err)
		return 1
	}
	n, err := s.store.RebuildScoreCounters(ctx, a.ID, s.cal)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan scorecard rebuild: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s: scorecard counters rebuilt from %d dossiers.\n", a.Name, n)
	return 0
}
