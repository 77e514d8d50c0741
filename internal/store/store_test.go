package store_test

import (
	"context"
	"strings"
	"testing"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

func TestMigrateTwiceIsNoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenUnreachable(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://u:secret@127.0.0.1:1/x?connect_timeout=1", store.Options{})
	if err == nil {
		t.Fatal("want error")
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot reach database") || strings.Contains(msg, "secret") {
		t.Fatalf("message %q must say unreachable and hide the password", msg)
	}
	if _, err := store.Open(context.Background(), "mysql://x", store.Options{}); err == nil {
		t.Fatal("want error for unknown scheme")
	}
}

func TestAgencyUnitsUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.CreateAgency(ctx, agency.Agency{Code: "000.00.08.H44", Name: "Sở Giáo dục và Đào tạo", Province: "Quảng Nam"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAgency(ctx, agency.Agency{Code: "000.00.08.H44", Name: "khác"}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate agency code: want conflict, got %v", err)
		}
		got, err := s.AgencyByCode(ctx, "000.00.08.H44")
		if err != nil || got != a {
			t.Fatalf("AgencyByCode = %+v, %v", got, err)
		}
		if _, err := s.AgencyByCode(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("want not found, got %v", err)
		}
		root, err := s.CreateUnit(ctx, a.ID, agency.Unit{Code: "SO", Name: "Sở", Kind: agency.KindAgency})
		if err != nil {
			t.Fatal(err)
		}
		div, err := s.CreateUnit(ctx, a.ID, agency.Unit{ParentID: root.ID, Code: "GDTrH", Name: "Phòng Giáo dục Trung học", Kind: agency.KindDivision})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUnit(ctx, a.ID, agency.Unit{ParentID: "ghost", Code: "X", Name: "X", Kind: agency.KindDivision}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("unknown parent: want invalid, got %v", err)
		}
		units, err := s.Units(ctx, a.ID)
		if err != nil || len(units) != 2 || units[0].ID != root.ID || units[1].ParentID != root.ID {
			t.Fatalf("Units = %+v, %v", units, err)
		}
		if u, err := s.UnitByCode(ctx, a.ID, "GDTrH"); err != nil || u != div {
			t.Fatalf("UnitByCode = %+v, %v", u, err)
		}
		u := auth.User{AgencyID: a.ID, Username: "cv.trunghoc", FullName: "Nguyễn Văn A", UnitID: div.ID,
			Roles: []auth.Role{auth.DivisionHead, auth.Specialist}, Active: true, PasswordHash: "$argon2id$x"}
		u, err = s.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, u); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate username: want conflict, got %v", err)
		}
		for _, bad := range []auth.User{
			{AgencyID: a.ID, Username: "Có Dấu", FullName: "x", UnitID: div.ID, Roles: []auth.Role{auth.Clerk}, PasswordHash: "h"},
			{AgencyID: a.ID, Username: "ok.name", FullName: "x", UnitID: div.ID, Roles: []auth.Role{"boss"}, PasswordHash: "h"},
			{AgencyID: a.ID, Username: "ok.name", FullName: "x", UnitID: "ghost", Roles: []auth.Role{auth.Clerk}, PasswordHash: "h"},
		} {
			if _, err := s.CreateUser(ctx, bad); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("CreateUser(%+v): want invalid, got %v", bad, err)
			}
		}
		got2, err := s.UserByUsername(ctx, "cv.trunghoc")
		if err != nil || got2.ID != u.ID || !got2.Has(auth.Specialist) || got2.Roles[0] != auth.Specialist || !got2.Active {
			t.Fatalf("UserByUsername = %+v, %v", got2, err)
		}
		if _, err := s.UserByUsername(ctx, "nobody"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("want not found, got %v", err)
		}
		users, err := s.Users(ctx, a.ID)
		if err != nil || len(users) != 1 || len(users[0].Roles) != 2 || users[0].PasswordHash != "" {
			t.Fatalf("Users = %+v, %v", users, err)
		}
	})
}
