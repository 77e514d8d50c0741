package auth

import (
	"context"
	"time"

	"dunghan/internal/apperr"
)

// Lock-out policy: after MaxFailures wrong passwords in a row the account
// is locked for LockFor.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// Accounts is what authentication needs of the user store.
type Accounts interface {
	UserByUsername(ctx context.Context, username string) (User, error) // apperr.NotFound when absent
	LoginFailed(ctx context.Context, u User, maxFailures int, lockFor time.Duration) error
	LoginSucceeded(ctx context.Context, u User) error
}

// dummyHash is verified for unknown users so that a wrong name and a wrong
// password take the same time.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

var errBadCredentials = apperr.New(apperr.Unauthorized, "Tên đăng nhập hoặc mật khẩu không đúng.")

// Authenticate returns the active, unlocked user whose password matches,
// counting failures towards the lock-out.
func Authenticate(ctx context.Context, accounts Accounts, username, password string, now time.Time) (User, error) {
	u, err := accounts.UserByUsername(ctx, username)
	if apperr.Is(err, apperr.NotFound) {
		VerifyPassword(dummyHash, password)
		return User{}, errBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	switch {
	case now.Before(u.LockedUntil):
		return User{}, apperr.Newf(apperr.Forbidden, "Tài khoản tạm khoá do đăng nhập sai %d lần liên tiếp. Vui lòng thử lại sau %d phút.",
			MaxFailures, int(u.LockedUntil.Sub(now).Minutes())+1)
	case err != nil || !ok:
		if err := accounts.LoginFailed(ctx, u, MaxFailures, LockFor); err != nil {
			return User{}, err
		}
		return User{}, errBadCredentials
	case !u.Active:
		return User{}, apperr.New(apperr.Forbidden, "Tài khoản đã bị khoá. Liên hệ quản trị viên.")
	}
	return u, accounts.LoginSucceeded(ctx, u)
}
