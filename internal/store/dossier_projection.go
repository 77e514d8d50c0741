package store

import (
	"context"
	"database/sql"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// farFuture sorts dossiers without a deadline, or finished, last.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return stamp(t)
}

// class returns the early/on-time/late mark of a finished dossier, "" otherwise.
func class(st dossier.State) string {
	if st.FinishedAt.IsZero() || st.LegalDue.IsZero() || st.Status == dossier.NotAccepted {
		return ""
	}
	return string(dossier.Classify(st.FinishedAt, st.LegalDue))
}

// saveProjection writes the current-state row that every reader uses, and
// (it has the calendar they need) the scorecard's counters.
func saveProjection(ctx context.Context, tx *sql.Tx, agencyID, id string, before, st dossier.State, lastHash string, cal *calendar.Calendar, now time.Time, isNew bool) error {
	var stepDue, wake time.Time
	if t, ok := st.StepDue(cal); ok {
		stepDue = t
	}
	if t, ok := dossier.NextWake(st, cal, now); ok {
		wake = t
	}
	sortDue := farFuture
	if st.FinishedAt.IsZero() && !st.LegalDue.IsZero() {
		sortDue = st.LegalDue
	}
	var code any
	if st.Code != "" {
		code = st.Code
	}
	a := st.Applicant
	search := Fold(a.Name + " " + a.Organisation + " " + a.IDNumber + " " + a.Phone)
	sf := scoreFactsOf(before, st, cal)
	args := []any{agencyID, id, code, string(st.Status), st.Status.PortalCode(), int(st.Channel), st.Procedure.ID, st.Procedure.Version,
		st.ReceivingUnit, st.Step, st.StepUnit, st.Assignee, a.Name, search, st.Secret, nullTime(st.AcceptedAt), nullTime(st.LegalDue),
		nullTime(st.Promised), nullTime(stepDue), nullTime(wake), nullTime(st.FinishedAt), class(st), st.Paused, st.CountsOverdue,
		stamp(sortDue), st.Version, lastHash, stamp(now),
		sf.handlingUnit, nullTime(st.PromisedAtAcceptance), nullTime(st.OriginalLegalDue), nullTime(sf.firstPause), sf.finishing, sf.late766}
	if isNew {
		_, err := tx.ExecContext(ctx, `INSERT INTO dossiers (agency_id, id, code, status, portal_status, channel, procedure_id, procedure_version,
			receiving_unit, step, step_unit, assignee, applicant_name, applicant_search, secret, accepted_at, legal_due_at,
			promised_at, step_due_at, next_wake_at, finished_at, class, paused, counts_overdue, sort_due, version, last_hash, updated_at,
			handling_unit, promised_at_acceptance, original_legal_due_at, first_pause_at, late_766)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28,
			$29, $30, $31, $32, $33 AND $34)`, args...)
		if isUnique(err) {
			return apperr.Newf(apperr.Conflict, "Mã hồ sơ %s đã tồn tại.", st.Code)
		}
		if err != nil {
			return dbErr("insert dossier", err)
		}
		return updateScoreCounters(ctx, tx, agencyID, before, st, sf)
	}
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET code = $3, status = $4, portal_status = $5, channel = $6, procedure_id = $7,
		procedure_version = $8, receiving_unit = $9, step = $10, step_unit = $11, assignee = $12, applicant_name = $13, applicant_search = $14,
		secret = $15, accepted_at = $16, legal_due_at = $17, promised_at = $18, step_due_at = $19, next_wake_at = $20, finished_at = $21,
		class = $22, paused = $23, counts_overdue = $24, sort_due = $25, version = $26, last_hash = $27, updated_at = $28,
		handling_unit = $29, promised_at_acceptance = $30, original_legal_due_at = $31, first_pause_at = $32,
		late_766 = CASE WHEN $33 THEN $34 ELSE late_766 END
		WHERE agency_id = $1 AND id = $2 AND version = $35`, append(args, before.Version)...)
	if err != nil {
		if isUnique(err) {
			return apperr.Newf(apperr.Conflict, "Mã hồ sơ %s đã tồn tại.", st.Code)
		}
		return dbErr("update dossier", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại.")
	}
	return updateScoreCounters(ctx, tx, agencyID, before, st, sf)
}

// updateCounters moves the per-day flows and the open gauge for the
// transition before → st.
func updateCounters(ctx context.Context, tx *sql.Tx, agencyID string, before, st dossier.State) error {
	unit, proc := st.ReceivingUnit, st.Procedure.ID
	bump := func(day time.Time, column string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dossier_counters (agency_id, unit_id, procedure_id, day, `+column+`) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (agency_id, unit_id, procedure_id, day) DO UPDATE SET `+column+` = dossier_counters.`+column+` + 1`,
			agencyID, unit, proc, day.In(calendar.Zone).Format(time.DateOnly))
		if err != nil {
			return dbErr("counter "+column, err)
		}
		return nil
	}
	open := func(delta int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dossier_open (agency_id, unit_id, procedure_id, open_count) VALUES ($1, $2, $3, $4)
			ON CONFLICT (agency_id, unit_id, procedure_id) DO UPDATE SET open_count = dossier_open.open_count + $4`, agencyID, unit, proc, delta)
		if err != nil {
			return dbErr("open gauge", err)
		}
		return nil
	}
	if before.AcceptedAt.IsZero() && !st.AcceptedAt.IsZero() {
		if err := bump(st.AcceptedAt, "received"); err != nil {
			return err
		}
		if st.Channel == dossier.Online {
			if err := bump(st.AcceptedAt, "received_online"); err != nil {
				return err
			}
		}
		if err := open(1); err != nil {
			return err
		}
	}
	if !st.AcceptedAt.IsZero() && before.FinishedAt.IsZero() && !st.FinishedAt.IsZero() {
		column := "ended_other"
		if st.Status == dossier.Resolved || st.Status == dossier.Returned {
			switch dossier.Classification(class(st)) {
			case dossier.Early:
				column = "resolved_early"
			case dossier.Late:
				column = "resolved_late"
			default: // on time, or no legal deadline
				column = "resolved_on_time"
			}
		}
		if err := bump(st.FinishedAt, column); err != nil {
			return err
		}
		return open(-1)
	}
	return nil
}
