package app

import "context"

func runServe(context.Context, Env, []string) int     { return 1 }
func runMigrate(context.Context, Env, []string) int   { return 1 }
func runProcedure(context.Context, Env, []string) int { return 1 }
func runUser(context.Context, Env, []string) int      { return 1 }
