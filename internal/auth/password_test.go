package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"dunghan/internal/apperr"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword(rand.Reader, "mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected format %q", h)
	}
	for pw, want := range map[string]bool{"mật khẩu đủ dài": true, "mật khẩu đủ dàI": false, "": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestSaltIsInjected(t *testing.T) {
	a, _ := HashPassword(bytes.NewReader(make([]byte, 16)), "0123456789")
	b, _ := HashPassword(bytes.NewReader(make([]byte, 16)), "0123456789")
	if a != b {
		t.Fatal("same salt must give the same hash")
	}
	c, _ := HashPassword(rand.Reader, "0123456789")
	if a == c {
		t.Fatal("random salt must differ")
	}
}

func TestRejects(t *testing.T) {
	if _, err := HashPassword(rand.Reader, "short"); err != ErrWeakPassword {
		t.Fatalf("want ErrWeakPassword, got %v", err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "$argon2id$v=19$m=8,t=1,p=1$!!$AA"} {
		if ok, err := VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want error", bad, ok, err)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() || r.Label() == string(r) {
			t.Errorf("role %s", r)
		}
	}
	if Role("boss").Valid() {
		t.Error("unknown role valid")
	}
}

type finder map[string]User

func (f finder) UserByUsername(_ context.Context, name string) (User, error) {
	if u, ok := f[name]; ok {
		return u, nil
	}
	return User{}, apperr.New(apperr.NotFound, "không có")
}

func TestAuthenticate(t *testing.T) {
	h, _ := HashPassword(rand.Reader, "mật khẩu đủ dài")
	users := finder{"a": {Username: "a", PasswordHash: h, Active: true}, "off": {Username: "off", PasswordHash: h}}
	ctx := context.Background()
	if u, err := Authenticate(ctx, users, "a", "mật khẩu đủ dài"); err != nil || u.Username != "a" {
		t.Fatalf("good login: %v", err)
	}
	for _, c := range []struct {
		name, pw string
		code     apperr.Code
	}{{"a", "sai mật khẩu", apperr.Unauthorized}, {"ghost", "mật khẩu đủ dài", apperr.Unauthorized}, {"off", "mật khẩu đủ dài", apperr.Forbidden}} {
		if _, err := Authenticate(ctx, users, c.name, c.pw); !apperr.Is(err, c.code) {
			t.Errorf("%s/%s: got %v, want %s", c.name, c.pw, err, c.code)
		}
	}
	if ok, err := VerifyPassword(dummyHash, "x"); ok || err != nil {
		t.Fatalf("dummy hash must parse and never match: %v %v", ok, err)
	}
}
