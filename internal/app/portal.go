package app

import (
	"context"
	"fmt"
)

func runPortal(ctx context.Context, env Env, args []string) int {
	fmt.Fprintln(env.Stderr, "portal: not built yet")
	return 1
}

func runPortalSim(ctx context.Context, env Env, args []string) int {
	fmt.Fprintln(env.Stderr, "portal-sim: not built yet")
	return 1
}
