package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
)

// Filter selects dossiers for a list. Zero fields do not filter.
type Filter struct {
	Status    dossier.Status
	Unit      string // current step's unit
	Assignee  string
	Procedure string
	Overdue   bool      // open and past the legal due instant at Now
	DueBefore time.Time // open with a legal due instant before this
	Search    string    // code prefix, or applicant name without diacritics, ID number, phone
	Now       time.Time
}

// Row is a dossier as a list shows it, read from the projection only.
type Row struct {
	ID            string
	Code          string
	Status        dossier.Status
	Channel       dossier.Channel
	ProcedureID   string
	ApplicantName string
	Step          int
	StepUnit      string
	Assignee      string
	AcceptedAt    time.Time
	LegalDue      time.Time
	Promised      time.Time
	StepDue       time.Time
	FinishedAt    time.Time
	Class         string
	Paused        bool
	Version       int
	sortDue       time.Time // the urgency key, for the cursor
}

// ListDossiers returns up to limit dossiers in urgency order (earliest
// legal due first; finished and deadline-free last) after the cursor, and
// the cursor of the next page ("" at the end). It reads only the
// projection, through its indexes.
func (s *Store) ListDossiers(ctx context.Context, agencyID string, f Filter, cursor string, limit int) ([]Row, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	where := []string{"agency_id = $1"}
	args := []any{agencyID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.Unit != "" {
		add("step_unit = ?", f.Unit)
	}
	if f.Assignee != "" {
		add("assignee = ?", f.Assignee)
	}
	if f.Procedure != "" {
		add("procedure_id = ?", f.Procedure)
	}
	if f.Overdue {
		add("finished_at IS NULL AND legal_due_at < ?", stamp(f.Now))
	}
	if !f.DueBefore.IsZero() {
		add("finished_at IS NULL AND legal_due_at < ?", stamp(f.DueBefore))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		args = append(args, strings.ToUpper(q)+"%", "%"+Fold(q)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(code LIKE $%d OR applicant_search LIKE $%d)", n-1, n))
	}
	if cursor != "" {
		due, id, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, due, id)
		n := len(args)
		where = append(where, fmt.Sprintf("(sort_due > $%d OR (sort_due = $%d AND id > $%d))", n-1, n-1, n))
	}
	args = append(args, limit+1)
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(code, ''), status, channel, procedure_id, applicant_name, step, step_unit, assignee,
		accepted_at, legal_due_at, promised_at, step_due_at, finished_at, class, paused, version, sort_due
		FROM dossiers WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY sort_due, id LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, "", dbErr("list dossiers", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var status string
		var channel int
		var accepted, due, promised, stepDue, finished nullableTime
		if err := rows.Scan(&r.ID, &r.Code, &status, &channel, &r.ProcedureID, &r.ApplicantName, &r.Step, &r.StepUnit, &r.Assignee,
			&accepted, &due, &promised, &stepDue, &finished, &r.Class, &r.Paused, &r.Version, &r.sortDue); err != nil {
			return nil, "", dbErr("scan dossier", err)
		}
		r.Status, r.Channel = dossier.Status(status), dossier.Channel(channel)
		r.AcceptedAt, r.LegalDue, r.Promised, r.StepDue, r.FinishedAt = accepted.t, due.t, promised.t, stepDue.t, finished.t
		if len(out) == limit {
			last := out[len(out)-1]
			return out, encodeCursor(last.sortDue, last.ID), rows.Err()
		}
		out = append(out, r)
	}
	return out, "", rows.Err()
}

// nullableTime scans a nullable timestamp into the zero time.
type nullableTime struct{ t time.Time }

func (n *nullableTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.t = time.Time{}
	case time.Time:
		n.t = x
	default:
		return fmt.Errorf("unexpected time value %T", v)
	}
	return nil
}

func encodeCursor(due time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(due.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	bad := apperr.New(apperr.Invalid, "Tham số cursor không hợp lệ.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return time.Time{}, "", bad
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", bad
	}
	return t, id, nil
}
