package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

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

type accounts struct {
	users    map[string]User
	failures map[string]int
}

func (f *accounts) UserByUsername(_ context.Context, name string) (User, error) {
	if u, ok := f.users[name]; ok {
		return u, nil
	}
	return User{}, apperr.New(apperr.NotFound, "không có")
}

func (f *accounts) LoginFailed(_ context.Context, u User, max int, lock time.Duration) error {
	f.failures[u.Username]++
	if f.failures[u.Username] >= max {
		u.LockedUntil = now.Add(lock)
		f.users[u.Username] = u
	}
	return nil
}

func (f *accounts) LoginSucceeded(_ context.Context, u User) error {
	f.failures[u.Username] = 0
	return nil
}

var now = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func TestAuthenticate(t *testing.T) {
	h, _ := HashPassword(rand.Reader, "mật khẩu đủ dài")
	a := &accounts{users: map[string]User{"a": {Username: "a", PasswordHash: h, Active: true}, "off": {Username: "off", PasswordHash: h}}, failures: map[string]int{}}
	ctx := context.Background()
	if u, err := Authenticate(ctx, a, "a", "mật khẩu đủ dài", now); err != nil || u.Username != "a" {
		t.Fatalf("good login: %v", err)
	}
	for _, c := range []struct {
		name, pw string
		code     apperr.Code
	}{{"a", "sai mật khẩu", apperr.Unauthorized}, {"ghost", "mật khẩu đủ dài", apperr.Unauthorized}, {"off", "mật khẩu đủ dài", apperr.Forbidden}} {
		if _, err := Authenticate(ctx, a, c.name, c.pw, now); !apperr.Is(err, c.code) {
			t.Errorf("%s/%s: got %v, want %s", c.name, c.pw, err, c.code)
		}
	}
	for range MaxFailures {
		Authenticate(ctx, a, "a", "sai", now)
	}
	if _, err := Authenticate(ctx, a, "a", "mật khẩu đủ dài", now.Add(time.Minute)); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("locked account: got %v", err)
	}
	if _, err := Authenticate(ctx, a, "a", "mật khẩu đủ dài", now.Add(LockFor+time.Second)); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	if ok, err := VerifyPassword(dummyHash, "x"); ok || err != nil {
		t.Fatalf("dummy hash must parse and never match: %v %v", ok, err)
	}
}
