package store

import (
	"context"
	"database/sql"
	"errors"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
)

// CreateAgency stores a new agency with its root unit and returns it with its ID.
func (s *Store) CreateAgency(ctx context.Context, a agency.Agency) (agency.Agency, error) {
	if a.Code == "" || a.Name == "" {
		return a, apperr.New(apperr.Invalid, "Cơ quan cần có mã định danh và tên.")
	}
	a.ID = s.newID()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO agencies (id, code, name, province, created_at) VALUES ($1, $2, $3, $4, $5)`,
			a.ID, a.Code, a.Name, a.Province, stamp(s.now()))
		if isUnique(err) {
			return apperr.Newf(apperr.Conflict, "Mã định danh %s đã được dùng cho cơ quan khác.", a.Code)
		}
		return err
	})
	if err != nil && !apperr.Is(err, apperr.Conflict) {
		return a, dbErr("create agency", err)
	}
	return a, err
}

// Agencies lists every agency by code.
func (s *Store) Agencies(ctx context.Context) ([]agency.Agency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, province FROM agencies ORDER BY code`)
	if err != nil {
		return nil, dbErr("list agencies", err)
	}
	defer rows.Close()
	var out []agency.Agency
	for rows.Next() {
		var a agency.Agency
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.Province); err != nil {
			return nil, dbErr("scan agency", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AgencyByCode returns the agency with the given national identifier.
func (s *Store) AgencyByCode(ctx context.Context, code string) (agency.Agency, error) {
	a := agency.Agency{Code: code}
	err := s.db.QueryRowContext(ctx, `SELECT id, name, province FROM agencies WHERE code = $1`, code).Scan(&a.ID, &a.Name, &a.Province)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("cơ quan có mã định danh " + code)
	}
	if err != nil {
		return a, dbErr("agency by code", err)
	}
	return a, nil
}

// CreateUnit stores a unit of the agency and returns it with its ID.
func (s *Store) CreateUnit(ctx context.Context, agencyID string, u agency.Unit) (agency.Unit, error) {
	if u.Code == "" || u.Name == "" || !u.Kind.Valid() {
		return u, apperr.New(apperr.Invalid, "Đơn vị cần có mã, tên và loại hợp lệ.")
	}
	u.ID = s.newID()
	var parent any
	if u.ParentID != "" {
		parent = u.ParentID
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO units (agency_id, id, parent_id, code, name, kind) VALUES ($1, $2, $3, $4, $5, $6)`,
		agencyID, u.ID, parent, u.Code, u.Name, string(u.Kind))
	switch {
	case isUnique(err):
		return u, apperr.Newf(apperr.Conflict, "Mã đơn vị %s đã tồn tại.", u.Code)
	case err != nil && isForeignKey(err):
		return u, apperr.New(apperr.Invalid, "Cơ quan hoặc đơn vị cấp trên không tồn tại.")
	case err != nil:
		return u, dbErr("create unit", err)
	}
	return u, nil
}

// Units lists the agency's units, parents before children, then by code.
func (s *Store) Units(ctx context.Context, agencyID string) ([]agency.Unit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(parent_id, ''), code, name, kind FROM units
		WHERE agency_id = $1 ORDER BY CASE WHEN parent_id IS NULL THEN 0 ELSE 1 END, code`, agencyID)
	if err != nil {
		return nil, dbErr("list units", err)
	}
	defer rows.Close()
	var out []agency.Unit
	for rows.Next() {
		var u agency.Unit
		var kind string
		if err := rows.Scan(&u.ID, &u.ParentID, &u.Code, &u.Name, &kind); err != nil {
			return nil, dbErr("scan unit", err)
		}
		u.Kind = agency.Kind(kind)
		out = append(out, u)
	}
	return out, rows.Err()
}

// UnitByCode returns the agency's unit with the given code.
func (s *Store) UnitByCode(ctx context.Context, agencyID, code string) (agency.Unit, error) {
	u := agency.Unit{Code: code}
	var kind string
	err := s.db.QueryRowContext(ctx, `SELECT id, COALESCE(parent_id, ''), name, kind FROM units WHERE agency_id = $1 AND code = $2`,
		agencyID, code).Scan(&u.ID, &u.ParentID, &u.Name, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("đơn vị có mã " + code)
	}
	if err != nil {
		return u, dbErr("unit by code", err)
	}
	u.Kind = agency.Kind(kind)
	return u, nil
}
