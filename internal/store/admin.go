package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// UserAccounts lists the agency's users by username for administration:
// with roles (even none), active flag and log-in lock, without password hashes.
func (s *Store) UserAccounts(ctx context.Context, agencyID string) ([]auth.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.username, u.full_name, u.email, u.unit_id, u.active, u.locked_until, COALESCE(r.role, '')
		FROM users u LEFT JOIN user_roles r ON r.agency_id = u.agency_id AND r.user_id = u.id
		WHERE u.agency_id = $1 ORDER BY u.username`, agencyID)
	if err != nil {
		return nil, dbErr("list user accounts", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		var u auth.User
		var locked nullableTime
		var role string
		if err := rows.Scan(&u.ID, &u.Username, &u.FullName, &u.Email, &u.UnitID, &u.Active, &locked, &role); err != nil {
			return nil, dbErr("scan user account", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == u.ID {
			if role != "" {
				out[n-1].Roles = append(out[n-1].Roles, auth.Role(role))
			}
			continue
		}
		u.AgencyID, u.LockedUntil = agencyID, locked.t
		if role != "" {
			u.Roles = []auth.Role{auth.Role(role)}
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("list user accounts", err)
	}
	for i := range out {
		sortRoles(out[i].Roles)
	}
	return out, nil
}

func sortRoles(rs []auth.Role) {
	slices.SortFunc(rs, func(a, b auth.Role) int { return roleOrder(a) - roleOrder(b) })
}

// UserByID returns one of the agency's users with roles and lock, without
// the password hash.
func (s *Store) UserByID(ctx context.Context, agencyID, id string) (auth.User, error) {
	u := auth.User{AgencyID: agencyID, ID: id}
	var locked nullableTime
	err := s.db.QueryRowContext(ctx, `SELECT username, full_name, email, unit_id, active, locked_until FROM users WHERE agency_id = $1 AND id = $2`,
		agencyID, id).Scan(&u.Username, &u.FullName, &u.Email, &u.UnitID, &u.Active, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("người dùng")
	}
	if err != nil {
		return u, dbErr("user by id", err)
	}
	u.LockedUntil = locked.t
	u.Roles, err = s.roles(ctx, agencyID, id)
	return u, err
}

// userExists returns apperr.NotFound when the user is not in the agency.
func userExists(ctx context.Context, tx *sql.Tx, agencyID, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE agency_id = $1 AND id = $2`, agencyID, id).Scan(&n); err != nil {
		return dbErr("find user", err)
	}
	if n == 0 {
		return notFound("người dùng")
	}
	return nil
}

// SetUserRoles replaces the user's roles; at least one valid role is needed.
func (s *Store) SetUserRoles(ctx context.Context, agencyID, id string, roles []auth.Role) error {
	if len(roles) == 0 {
		return apperr.New(apperr.Invalid, "Người dùng cần có ít nhất một vai trò.")
	}
	for _, r := range roles {
		if !r.Valid() {
			return apperr.Newf(apperr.Invalid, "Vai trò %q không hợp lệ.", string(r))
		}
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, agencyID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE agency_id = $1 AND user_id = $2`, agencyID, id); err != nil {
			return dbErr("clear roles", err)
		}
		seen := map[auth.Role]bool{}
		for _, r := range roles {
			if seen[r] {
				continue
			}
			seen[r] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (agency_id, user_id, role) VALUES ($1, $2, $3)`, agencyID, id, string(r)); err != nil {
				return dbErr("add role", err)
			}
		}
		return nil
	})
}

// SetUserUnit moves the user to another unit of the agency.
func (s *Store) SetUserUnit(ctx context.Context, agencyID, id, unitID string) error {
	if unitID == "" {
		return apperr.New(apperr.Invalid, "Cần chọn đơn vị.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, agencyID, id); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE agency_id = $1 AND id = $2`, agencyID, unitID).Scan(&n); err != nil {
			return dbErr("find unit", err)
		}
		if n == 0 {
			return apperr.New(apperr.Invalid, "Đơn vị được chọn không tồn tại.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET unit_id = $3 WHERE agency_id = $1 AND id = $2`, agencyID, id, unitID); err != nil {
			return dbErr("set unit", err)
		}
		return nil
	})
}

// SetUserActive activates or deactivates the user. Deactivation also ends
// the user's web sessions and API tokens at once.
func (s *Store) SetUserActive(ctx context.Context, agencyID, id string, active bool) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, agencyID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $3 WHERE agency_id = $1 AND id = $2`, agencyID, id, active); err != nil {
			return dbErr("set active", err)
		}
		if active {
			return nil
		}
		return endSessions(ctx, tx, agencyID, id)
	})
}

// SetPassword replaces the user's password hash (auth.HashPassword), clears
// the failed log-ins and any lock, and ends the user's sessions and tokens.
func (s *Store) SetPassword(ctx context.Context, agencyID, id, hash string) error {
	if hash == "" {
		return apperr.New(apperr.Invalid, "Thiếu mật khẩu.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, agencyID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $3, failed_logins = 0, locked_until = NULL WHERE agency_id = $1 AND id = $2`,
			agencyID, id, hash); err != nil {
			return dbErr("set password", err)
		}
		return endSessions(ctx, tx, agencyID, id)
	})
}

func endSessions(ctx context.Context, tx *sql.Tx, agencyID, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE agency_id = $1 AND user_id = $2`, agencyID, id); err != nil {
		return dbErr("end sessions", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE agency_id = $1 AND user_id = $2`, agencyID, id); err != nil {
		return dbErr("end tokens", err)
	}
	return nil
}
