package app

import (
	"context"
	"fmt"
)

func runForms(ctx context.Context, env Env, args []string) int {
	fmt.Fprintln(env.Stderr, "forms: not built yet")
	return 1
}
