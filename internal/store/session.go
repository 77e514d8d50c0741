package store

import (
	"context"
	"time"

	"dunghan/internal/auth"
)

// CreateSession records a web session for the user until expires; the
// cookie carries token, the database only its hash.
func (s *Store) CreateSession(ctx context.Context, u auth.User, token string, expires time.Time) error {
	return s.saveCredential(ctx, webSessions, u, token, expires)
}

// SessionUser returns the active user of an unexpired session.
func (s *Store) SessionUser(ctx context.Context, token string, now time.Time) (auth.User, error) {
	return s.credentialUser(ctx, webSessions, token, now, "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.")
}

// DeleteSession ends a web session (log-out).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token)); err != nil {
		return dbErr("delete session", err)
	}
	return nil
}

// LoginFailed counts a failed log-in and locks the account for lockFor
// once maxFailures is reached.
func (s *Store) LoginFailed(ctx context.Context, u auth.User, maxFailures int, lockFor time.Duration) error {
	now := s.now()
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $4 ELSE locked_until END WHERE agency_id = $1 AND id = $2`,
		u.AgencyID, u.ID, maxFailures, stamp(now.Add(lockFor)))
	if err != nil {
		return dbErr("login failed", err)
	}
	return nil
}

// LoginSucceeded clears the failure count and any lock.
func (s *Store) LoginSucceeded(ctx context.Context, u auth.User) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE agency_id = $1 AND id = $2`, u.AgencyID, u.ID); err != nil {
		return dbErr("login succeeded", err)
	}
	return nil
}
