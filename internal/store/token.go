package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// tokenHash is how a bearer token is stored: never in clear.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// SaveToken records an API bearer token for the user until expires.
func (s *Store) SaveToken(ctx context.Context, u auth.User, token string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, agency_id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
		tokenHash(token), u.AgencyID, u.ID, stamp(expires), stamp(s.now()))
	if err != nil {
		return dbErr("save token", err)
	}
	return nil
}

// UserByToken returns the active user holding an unexpired token.
func (s *Store) UserByToken(ctx context.Context, token string, now time.Time) (auth.User, error) {
	var u auth.User
	var expires time.Time
	err := s.db.QueryRowContext(ctx, `SELECT u.agency_id, u.id, u.username, u.full_name, u.email, u.unit_id, u.active, t.expires_at
		FROM api_tokens t JOIN users u ON u.agency_id = t.agency_id AND u.id = t.user_id WHERE t.token_hash = $1`, tokenHash(token)).
		Scan(&u.AgencyID, &u.ID, &u.Username, &u.FullName, &u.Email, &u.UnitID, &u.Active, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && (!expires.After(now) || !u.Active):
		return u, apperr.New(apperr.Unauthorized, "Phiên làm việc không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.")
	case err != nil:
		return u, dbErr("user by token", err)
	}
	u.Roles, err = s.roles(ctx, u.AgencyID, u.ID)
	return u, err
}
