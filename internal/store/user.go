package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// CreateUser stores a user with their roles and returns it with its ID.
// The caller hashes the password (auth.HashPassword).
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if err := validUser(u); err != nil {
		return u, err
	}
	u.ID = s.newID()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (agency_id, id, username, full_name, email, unit_id, password_hash, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			u.AgencyID, u.ID, u.Username, u.FullName, u.Email, u.UnitID, u.PasswordHash, u.Active, stamp(s.now()))
		switch {
		case isUnique(err):
			return apperr.Newf(apperr.Conflict, "Tên đăng nhập %s đã tồn tại.", u.Username)
		case err != nil && isForeignKey(err):
			return apperr.New(apperr.Invalid, "Cơ quan hoặc đơn vị của người dùng không tồn tại.")
		case err != nil:
			return dbErr("create user", err)
		}
		for _, r := range u.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (agency_id, user_id, role) VALUES ($1, $2, $3)`, u.AgencyID, u.ID, string(r)); err != nil && !isUnique(err) {
				return dbErr("add role", err)
			}
		}
		return nil
	})
	return u, err
}

func validUser(u auth.User) error {
	if !ValidUsername(u.Username) {
		return apperr.New(apperr.Invalid, "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (3–64 ký tự).")
	}
	if strings.TrimSpace(u.FullName) == "" {
		return apperr.New(apperr.Invalid, "Cần nhập họ và tên.")
	}
	if len(u.Roles) == 0 {
		return apperr.New(apperr.Invalid, "Người dùng cần có ít nhất một vai trò.")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return apperr.Newf(apperr.Invalid, "Vai trò %q không hợp lệ.", string(r))
		}
	}
	if u.PasswordHash == "" {
		return apperr.New(apperr.Invalid, "Thiếu mật khẩu.")
	}
	return nil
}

// ValidUsername reports whether name is 3–64 characters of a–z, 0–9, '.', '-', '_'.
func ValidUsername(name string) bool {
	if len(name) < 3 || len(name) > 64 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// UserByUsername returns the user with that log-in name, with roles.
func (s *Store) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	u := auth.User{Username: username}
	var locked nullableTime
	err := s.db.QueryRowContext(ctx, `SELECT agency_id, id, full_name, email, unit_id, password_hash, active, locked_until FROM users WHERE username = $1`,
		username).Scan(&u.AgencyID, &u.ID, &u.FullName, &u.Email, &u.UnitID, &u.PasswordHash, &u.Active, &locked)
	u.LockedUntil = locked.t
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("người dùng " + username)
	}
	if err != nil {
		return u, dbErr("user by username", err)
	}
	u.Roles, err = s.roles(ctx, u.AgencyID, u.ID)
	return u, err
}

func (s *Store) roles(ctx context.Context, agencyID, userID string) ([]auth.Role, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT role FROM user_roles WHERE agency_id = $1 AND user_id = $2`, agencyID, userID)
	if err != nil {
		return nil, dbErr("roles", err)
	}
	defer rows.Close()
	var out []auth.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, dbErr("scan role", err)
		}
		out = append(out, auth.Role(r))
	}
	sort.Slice(out, func(i, j int) bool { return roleOrder(out[i]) < roleOrder(out[j]) })
	return out, rows.Err()
}

func roleOrder(r auth.Role) int {
	for i, x := range auth.Roles {
		if x == r {
			return i
		}
	}
	return len(auth.Roles)
}

// Users lists the agency's users by username, with roles (password hashes left out).
func (s *Store) Users(ctx context.Context, agencyID string) ([]auth.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.username, u.full_name, u.email, u.unit_id, u.active, r.role
		FROM users u JOIN user_roles r ON r.agency_id = u.agency_id AND r.user_id = u.id
		WHERE u.agency_id = $1 ORDER BY u.username`, agencyID)
	if err != nil {
		return nil, dbErr("list users", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		var u auth.User
		var role string
		if err := rows.Scan(&u.ID, &u.Username, &u.FullName, &u.Email, &u.UnitID, &u.Active, &role); err != nil {
			return nil, dbErr("scan user", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == u.ID {
			out[n-1].Roles = append(out[n-1].Roles, auth.Role(role))
			continue
		}
		u.AgencyID = agencyID
		u.Roles = []auth.Role{auth.Role(role)}
		out = append(out, u)
	}
	return out, rows.Err()
}
