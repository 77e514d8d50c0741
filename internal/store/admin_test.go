package store_test

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

func TestUserAdministration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sum, err := demo.Seed(ctx, s, rand.Reader, 480)
		if err != nil {
			t.Fatal(err)
		}
		ag := sum.Agency.ID
		units, _ := s.Units(ctx, ag)
		unit := map[string]string{}
		for _, u := range units {
			unit[u.Code] = u.ID
		}
		hash, _ := auth.HashPassword(rand.Reader, "mật khẩu ban đầu")
		u, err := s.CreateUser(ctx, auth.User{AgencyID: ag, Username: "cv.moi", FullName: "Trương Thị Mới", UnitID: unit["GDTrH"],
			Roles: []auth.Role{auth.Specialist}, Active: true, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		accounts, err := s.UserAccounts(ctx, ag)
		if err != nil || len(accounts) != len(sum.Logins)+1 {
			t.Fatalf("%d accounts, %v", len(accounts), err)
		}
		i := slices.IndexFunc(accounts, func(x auth.User) bool { return x.ID == u.ID })
		if i < 0 || accounts[i].PasswordHash != "" || !accounts[i].Active || !slices.Equal(accounts[i].Roles, []auth.Role{auth.Specialist}) {
			t.Fatalf("account listed as %+v", accounts)
		}

		// Roles: replaced, ordered, never empty or unknown.
		if err := s.SetUserRoles(ctx, ag, u.ID, []auth.Role{auth.Admin, auth.DivisionHead, auth.Admin}); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByID(ctx, ag, u.ID)
		if err != nil || !slices.Equal(got.Roles, []auth.Role{auth.DivisionHead, auth.Admin}) || got.Username != "cv.moi" || got.PasswordHash != "" {
			t.Fatalf("after SetUserRoles: %+v %v", got, err)
		}
		for _, bad := range [][]auth.Role{nil, {"boss"}} {
			if err := s.SetUserRoles(ctx, ag, u.ID, bad); !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("roles %v: want invalid, got %v", bad, err)
			}
		}
		// Unit: only one of the agency's units.
		if err := s.SetUserUnit(ctx, ag, u.ID, unit["TCCB"]); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, ag, u.ID); got.UnitID != unit["TCCB"] {
			t.Fatalf("unit %s", got.UnitID)
		}
		if err := s.SetUserUnit(ctx, ag, u.ID, "nope"); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("unknown unit: want invalid, got %v", err)
		}
		// Another agency sees none of it.
		other, _ := s.CreateAgency(ctx, agency.Agency{Code: "000.00.09.H44", Name: "Sở khác"})
		for name, err := range map[string]error{
			"UserByID":      func() error { _, err := s.UserByID(ctx, other.ID, u.ID); return err }(),
			"SetUserRoles":  s.SetUserRoles(ctx, other.ID, u.ID, []auth.Role{auth.Admin}),
			"SetUserUnit":   s.SetUserUnit(ctx, other.ID, u.ID, unit["TCCB"]),
			"SetUserActive": s.SetUserActive(ctx, other.ID, u.ID, false),
			"SetPassword":   s.SetPassword(ctx, other.ID, u.ID, hash),
		} {
			if !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s across agencies: want not found, got %v", name, err)
			}
		}
		if list, _ := s.UserAccounts(ctx, other.ID); len(list) != 0 {
			t.Fatalf("other agency lists %d users", len(list))
		}

		// Deactivation ends the sessions; reactivation does not revive them.
		now := time.Now()
		if err := s.CreateSession(ctx, got, "tok-1", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveToken(ctx, got, "api-1", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserActive(ctx, ag, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, ag, u.ID); got.Active {
			t.Fatal("still active")
		}
		if err := s.SetUserActive(ctx, ag, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, "tok-1", now); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("session after deactivation: %v", err)
		}
		if _, err := s.UserByToken(ctx, "api-1", now); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("token after deactivation: %v", err)
		}

		// A password reset replaces the hash, lifts a lock and ends sessions.
		full, _ := s.UserByUsername(ctx, "cv.moi")
		for range auth.MaxFailures {
			if err := s.LoginFailed(ctx, full, auth.MaxFailures, auth.LockFor); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.UserByID(ctx, ag, u.ID); got.LockedUntil.IsZero() {
			t.Fatal("want a lock after repeated failures")
		}
		s.CreateSession(ctx, got, "tok-2", now.Add(time.Hour))
		newHash, _ := auth.HashPassword(rand.Reader, "mật khẩu mới đủ dài")
		if err := s.SetPassword(ctx, ag, u.ID, newHash); err != nil {
			t.Fatal(err)
		}
		full, _ = s.UserByUsername(ctx, "cv.moi")
		if ok, _ := auth.VerifyPassword(full.PasswordHash, "mật khẩu mới đủ dài"); !ok || !full.LockedUntil.IsZero() {
			t.Fatalf("after reset: verified %v, locked until %v", ok, full.LockedUntil)
		}
		if _, err := s.SessionUser(ctx, "tok-2", now); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("session after reset: %v", err)
		}
		if err := s.SetPassword(ctx, ag, u.ID, ""); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("empty hash: %v", err)
		}
		if err := s.SetUserActive(ctx, ag, "nope", false); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}
