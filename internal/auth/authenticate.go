package auth

import (
	"context"

	"dunghan/internal/apperr"
)

// UserFinder finds a user by log-in name; "not found" is an apperr.NotFound.
type UserFinder interface {
	UserByUsername(ctx context.Context, username string) (User, error)
}

// dummyHash is verified for unknown users so that a wrong name and a wrong
// password take the same time.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

var errBadCredentials = apperr.New(apperr.Unauthorized, "Tên đăng nhập hoặc mật khẩu không đúng.")

// Authenticate returns the active user whose password matches.
func Authenticate(ctx context.Context, users UserFinder, username, password string) (User, error) {
	u, err := users.UserByUsername(ctx, username)
	if apperr.Is(err, apperr.NotFound) {
		VerifyPassword(dummyHash, password)
		return User{}, errBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil || !ok {
		return User{}, errBadCredentials
	}
	if !u.Active {
		return User{}, apperr.New(apperr.Forbidden, "Tài khoản đã bị khoá. Liên hệ quản trị viên.")
	}
	return u, nil
}
