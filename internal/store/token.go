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

// Bearer credentials: API tokens and web sessions are stored the same way,
// in their own tables: the hash of a random token, its user and its expiry.
const (
	apiTokens   = "api_tokens"
	webSessions = "sessions"
)

// tokenHash is how a credential is stored: never in clear.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// saveCredential records token for the user until expires.
func (s *Store) saveCredential(ctx context.Context, table string, u auth.User, token string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO `+table+` (token_hash, agency_id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
		tokenHash(token), u.AgencyID, u.ID, stamp(expires), stamp(s.now()))
	if err != nil {
		return dbErr("save "+table, err)
	}
	return nil
}

// credentialUser returns the active user holding an unexpired token.
func (s *Store) credentialUser(ctx context.Context, table, token string, now time.Time, expired string) (auth.User, error) {
	var u auth.User
	var expires time.Time
	err := s.db.QueryRowContext(ctx, `SELECT u.agency_id, u.id, u.username, u.full_name, u.email, u.unit_id, u.active, t.expires_at
		FROM `+table+` t JOIN users u ON u.agency_id = t.agency_id AND u.id = t.user_id WHERE t.token_hash = $1`, tokenHash(token)).
		Scan(&u.AgencyID, &u.ID, &u.Username, &u.FullName, &u.Email, &u.UnitID, &u.Active, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && (!expires.After(now) || !u.Active):
		return u, apperr.New(apperr.Unauthorized, expired)
	case err != nil:
		return u, dbErr("user of "+table, err)
	}
	u.Roles, err = s.roles(ctx, u.AgencyID, u.ID)
	return u, err
}

// SaveToken records an API bearer token for the user until expires.
func (s *Store) SaveToken(ctx context.Context, u auth.User, token string, expires time.Time) error {
	return s.saveCredential(ctx, apiTokens, u, token, expires)
}

// UserByToken returns the active user holding an unexpired API token.
func (s *Store) UserByToken(ctx context.Context, token string, now time.Time) (auth.User, error) {
	return s.credentialUser(ctx, apiTokens, token, now, "Phiên làm việc không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.")
}
