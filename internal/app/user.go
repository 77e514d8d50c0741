package app

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/auth"
)

func runUser(ctx context.Context, env Env, args []string) int {
	const usage = "user create -username NAME -name \"FULL NAME\" -role ROLE[,ROLE] -unit CODE [-email E] [-agency CODE] [-password-stdin]"
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(env.Stdout, "Usage: dunghan "+usage)
			return 0
		}
		fmt.Fprintln(env.Stderr, "Usage: dunghan "+usage)
		return 2
	}
	roles := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		roles[i] = string(r)
	}
	fs := newFlagSet(env, "user create", usage+"\n\nCreates a staff account. Without -password-stdin a random password is generated and printed once.")
	username := fs.String("username", "", "log-in name: a-z, 0-9, '.', '-', '_'")
	name := fs.String("name", "", "full name, e.g. \"Nguyễn Văn A\"")
	roleList := fs.String("role", "", "comma-separated roles: "+strings.Join(roles, ", "))
	unit := fs.String("unit", "", "code of the user's unit, e.g. MOTCUA")
	email := fs.String("email", "", "e-mail address for notifications")
	agencyCode := fs.String("agency", "", "national identifier of the agency (default: the only agency)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if rc := parseFlags(fs, args[1:]); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || *username == "" || *name == "" || *roleList == "" || *unit == "" {
		fmt.Fprintln(env.Stderr, "dunghan user create: -username, -name, -role and -unit are required")
		fs.Usage()
		return 2
	}
	u := auth.User{Username: strings.ToLower(strings.TrimSpace(*username)), FullName: norm.NFC.String(strings.TrimSpace(*name)),
		Email: strings.TrimSpace(*email), Active: true}
	for _, r := range strings.Split(*roleList, ",") {
		role := auth.Role(strings.TrimSpace(r))
		if !role.Valid() {
			fmt.Fprintf(env.Stderr, "dunghan user create: unknown role %q (known: %s)\n", r, strings.Join(roles, ", "))
			return 2
		}
		u.Roles = append(u.Roles, role)
	}
	password, generated, err := readPassword(env, *fromStdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan user create: %v\n", err)
		return 2
	}
	if u.PasswordHash, err = auth.HashPassword(env.Random, password); err != nil {
		fmt.Fprintf(env.Stderr, "dunghan user create: %v\n", err)
		return 2
	}
	s, rc := open(ctx, env, "user create")
	if s == nil {
		return rc
	}
	defer s.store.Close()
	a, err := pickAgency(ctx, s.store, *agencyCode)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan user create: %v\n", err)
		return 1
	}
	un, err := s.store.UnitByCode(ctx, a.ID, *unit)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan user create: %v\n", err)
		return 1
	}
	u.AgencyID, u.UnitID = a.ID, un.ID
	if _, err := s.store.CreateUser(ctx, u); err != nil {
		fmt.Fprintf(env.Stderr, "dunghan user create: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "created user %s (%s) in %s\n", u.Username, *roleList, un.Name)
	if generated {
		fmt.Fprintf(env.Stdout, "password (shown once): %s\n", password)
	}
	return 0
}

// readPassword reads the password from stdin, or generates one.
func readPassword(env Env, fromStdin bool) (password string, generated bool, err error) {
	if !fromStdin {
		b := make([]byte, 12)
		if _, err := io.ReadFull(env.Random, b); err != nil {
			return "", false, err
		}
		return base64.RawURLEncoding.EncodeToString(b), true, nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}
