package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dunghan/internal/dossier"
)

// WorkFilter selects the dossiers of a staff worklist. Zero fields do not
// filter. Unlike Filter it takes a set of statuses, so that a worklist can
// show the dossiers still to be worked on (open, and resolved but not yet
// returned) without the finished ones.
type WorkFilter struct {
	Statuses []dossier.Status // any of these
	Unit     string           // current step's unit; before acceptance, the receiving unit
	// AlsoStatuses widens Unit: dossiers in these statuses are listed
	// whatever their unit (the desk returns every resolved dossier).
	AlsoStatuses []dossier.Status
	Assignee     string
	Procedure    string
	Overdue      bool   // open and past the legal due instant at Now
	Search       string // code prefix, or applicant name without diacritics, ID number, phone
	Now          time.Time
}

// WorkRow is a worklist row: a Row and the procedure version the dossier fixed.
type WorkRow struct {
	Row
	ProcedureVersion int
}

// Worklist returns up to limit dossiers in urgency order (earliest legal
// due first; finished and deadline-free last) after the cursor, and the
// cursor of the next page ("" at the end). Cursors are those of
// ListDossiers. It reads only the projection.
func (s *Store) Worklist(ctx context.Context, agencyID string, f WorkFilter, cursor string, limit int) ([]WorkRow, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	where := []string{"agency_id = $1"}
	args := []any{agencyID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Statuses) > 0 {
		in := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			in[i] = arg(string(st))
		}
		where = append(where, "status IN ("+strings.Join(in, ", ")+")")
	}
	if f.Unit != "" {
		u := arg(f.Unit)
		cond := "step_unit = " + u + " OR (step < 0 AND receiving_unit = " + u + ")"
		for _, st := range f.AlsoStatuses {
			cond += " OR status = " + arg(string(st))
		}
		where = append(where, "("+cond+")")
	}
	if f.Assignee != "" {
		where = append(where, "assignee = "+arg(f.Assignee))
	}
	if f.Procedure != "" {
		where = append(where, "procedure_id = "+arg(f.Procedure))
	}
	if f.Overdue {
		where = append(where, "finished_at IS NULL AND legal_due_at < "+arg(stamp(f.Now)))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		code, name := arg(strings.ToUpper(q)+"%"), arg("%"+Fold(q)+"%")
		where = append(where, "(code LIKE "+code+" OR applicant_search LIKE "+name+")")
	}
	if cursor != "" {
		due, id, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		d, i := arg(due), arg(id)
		where = append(where, fmt.Sprintf("(sort_due > %s OR (sort_due = %s AND id > %s))", d, d, i))
	}
	lim := arg(limit + 1)
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(code, ''), status, channel, procedure_id, procedure_version, applicant_name,
		step, step_unit, assignee, accepted_at, legal_due_at, promised_at, step_due_at, finished_at, class, paused, version, sort_due
		FROM dossiers WHERE `+strings.Join(where, " AND ")+" ORDER BY sort_due, id LIMIT "+lim, args...)
	if err != nil {
		return nil, "", dbErr("worklist", err)
	}
	defer rows.Close()
	var out []WorkRow
	for rows.Next() {
		var r WorkRow
		var status string
		var channel int
		var accepted, due, promised, stepDue, finished nullableTime
		if err := rows.Scan(&r.ID, &r.Code, &status, &channel, &r.ProcedureID, &r.ProcedureVersion, &r.ApplicantName,
			&r.Step, &r.StepUnit, &r.Assignee, &accepted, &due, &promised, &stepDue, &finished, &r.Class, &r.Paused, &r.Version, &r.sortDue); err != nil {
			return nil, "", dbErr("scan worklist", err)
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
