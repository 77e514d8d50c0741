package app

import (
	"context"
	"fmt"
	"os"

	"dunghan/internal/agency"
	"dunghan/internal/procedure"
	"dunghan/internal/store"
)

func runProcedure(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(env.Stdout, "Usage: dunghan procedure import [-agency CODE] FILE")
			return 0
		}
		fmt.Fprintln(env.Stderr, "Usage: dunghan procedure import [-agency CODE] FILE")
		return 2
	}
	fs := newFlagSet(env, "procedure import", "procedure import [-agency CODE] FILE\n\nImports a procedure catalogue in the JSON format of shared/data/procedures-education.json,\nin one transaction. Re-importing the same file changes nothing; a changed procedure gets a new version.")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency in the database)")
	if rc := parseFlags(fs, args[1:]); rc >= 0 {
		return rc
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan procedure import: %v\n", err)
		return 1
	}
	perDay := minutesPerDay()
	procs, err := procedure.Import(data, perDay)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan procedure import: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	s, rc := open(ctx, env, "procedure import")
	if s == nil {
		return rc
	}
	defer s.store.Close()
	a, err := pickAgency(ctx, s.store, *agencyCode)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan procedure import: %v\n", err)
		return 1
	}
	res, err := s.store.ImportProcedures(ctx, a.ID, procs, perDay)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan procedure import: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s: %d procedures read; %d new, %d with a new version, %d unchanged.\n",
		a.Name, len(procs), res.Created, res.NewVersions, res.Unchanged)
	if len(res.NoDuration) > 0 {
		fmt.Fprintf(env.Stdout, "%d written without a legal duration (flagged, no deadline): %v\n", len(res.NoDuration), res.NoDuration)
	}
	return 0
}

// pickAgency returns the agency with the given code, or the only agency
// when code is empty.
func pickAgency(ctx context.Context, st *store.Store, code string) (agency.Agency, error) {
	if code != "" {
		return st.AgencyByCode(ctx, code)
	}
	all, err := st.Agencies(ctx)
	if err != nil {
		return agency.Agency{}, err
	}
	switch len(all) {
	case 0:
		return agency.Agency{}, fmt.Errorf("the database has no agency yet: run 'dunghan serve' once (it loads the demo agency) or give -agency")
	case 1:
		return all[0], nil
	}
	return agency.Agency{}, fmt.Errorf("the database has %d agencies: name one with -agency CODE", len(all))
}
