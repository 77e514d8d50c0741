package app

import (
	"context"
	"fmt"

	"dunghan/internal/config"
	"dunghan/internal/store"
)

func runMigrate(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "migrate", "migrate\n\nApplies the pending migrations to DUNGHAN_DATABASE_URL and exits.\n\nEnvironment:\n"+config.Help())
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	s, rc := open(ctx, env, "migrate")
	if s == nil {
		return rc
	}
	defer s.store.Close()
	fmt.Fprintf(env.Stdout, "database %s is up to date (%s)\n", store.Redact(s.cfg.DatabaseURL), s.store.Engine())
	return 0
}
