package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
)

// PublicRecord is a dossier found by the citizen's public lookup.
type PublicRecord struct {
	Record
	AgencyID   string
	AgencyName string
	Rating     int // the citizen's satisfaction rating, 0 while none was given
}

// Satisfaction ratings (dossier_ratings.rating).
const (
	Dissatisfied = 1 // không hài lòng
	Neutral      = 2 // bình thường
	Satisfied    = 3 // hài lòng
)

// MaxRatingComment is the longest rating comment accepted, in characters.
const MaxRatingComment = 1000

// errNoMatch is the one answer to an unknown code and to a wrong secret.
var errNoMatch = apperr.New(apperr.NotFound, "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập.")

// match finds the dossier with code whose lookup secret is secret, across
// agencies (the dossiers_code_only index). The secret is compared in
// constant time; an unknown code and a wrong secret give the same error.
func match(ctx context.Context, q querier, code, secret string) (agencyID, id, status string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT agency_id, id, secret, status FROM dossiers WHERE code = $1`, code)
	if err != nil {
		return "", "", "", dbErr("public lookup", err)
	}
	defer rows.Close()
	compared := false
	for rows.Next() {
		var a, i, s, st string
		if err := rows.Scan(&a, &i, &s, &st); err != nil {
			return "", "", "", dbErr("public lookup", err)
		}
		compared = true
		if s != "" && subtle.ConstantTimeCompare([]byte(s), []byte(secret)) == 1 {
			agencyID, id, status = a, i, st
		}
	}
	if err := rows.Err(); err != nil {
		return "", "", "", dbErr("public lookup", err)
	}
	if !compared { // spend the same comparison on an unknown code
		subtle.ConstantTimeCompare([]byte(secret), []byte(secret))
	}
	if id == "" {
		return "", "", "", errNoMatch
	}
	return agencyID, id, status, nil
}

// PublicLookup returns the dossier with the given code and lookup secret
// (printed on the receipt), with its agency's name and any rating. A wrong
// code and a wrong secret give the same apperr.NotFound error.
func (s *Store) PublicLookup(ctx context.Context, code, secret string) (PublicRecord, error) {
	var out PublicRecord
	if code == "" || secret == "" {
		return out, errNoMatch
	}
	agencyID, id, _, err := match(ctx, s.db, code, secret)
	if err != nil {
		return out, err
	}
	if out.Record, err = loadRecord(ctx, s.db, agencyID, id, 0); err != nil {
		return out, err
	}
	out.AgencyID = agencyID
	if err := s.db.QueryRowContext(ctx, `SELECT name FROM agencies WHERE id = $1`, agencyID).Scan(&out.AgencyName); err != nil {
		return out, dbErr("public lookup agency", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT rating FROM dossier_ratings WHERE agency_id = $1 AND dossier_id = $2`, agencyID, id).Scan(&out.Rating)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, dbErr("public lookup rating", err)
	}
	return out, nil
}

// PublicRate records the citizen's satisfaction rating of a dossier whose
// result was returned, once. The code and secret are verified again.
// comment must already be NFC-normalised; it is trimmed here.
func (s *Store) PublicRate(ctx context.Context, code, secret string, rating int, comment string) error {
	if rating < Dissatisfied || rating > Satisfied {
		return apperr.New(apperr.Invalid, "Vui lòng chọn một mức đánh giá.")
	}
	comment = strings.TrimSpace(comment)
	if !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > MaxRatingComment {
		return apperr.Newf(apperr.Invalid, "Ý kiến góp ý tối đa %d ký tự.", MaxRatingComment)
	}
	if code == "" || secret == "" {
		return errNoMatch
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		agencyID, id, status, err := match(ctx, tx, code, secret)
		if err != nil {
			return err
		}
		if dossier.Status(status) != dossier.Returned {
			return apperr.New(apperr.Conflict, "Ông/bà có thể đánh giá sau khi đã nhận kết quả giải quyết hồ sơ.")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dossier_ratings (agency_id, dossier_id, rating, comment, created_at) VALUES ($1, $2, $3, $4, $5)`,
			agencyID, id, rating, comment, stamp(s.now()))
		switch {
		case isUnique(err):
			return apperr.New(apperr.Conflict, "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần. Cảm ơn ông/bà đã góp ý.")
		case err != nil:
			return dbErr("save rating", err)
		}
		return nil
	})
}
