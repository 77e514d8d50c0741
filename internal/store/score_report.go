package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// Bieu06Row is one procedure of the periodic report "Biểu số 06/VPCP/KSTT
// — Tình hình, kết quả giải quyết TTHC" (reference/domain-vn.md §5).
type Bieu06Row struct {
	ProcedureID string
	// Received: accepted in the period (online; the rest in person or by
	// post), and carried over (accepted before it, not finished when it began).
	Received, ReceivedOnline, Carried int
	// Resolved in the period against the legal due instant; stopped and
	// withdrawn dossiers count as on time (the template's note to column 9).
	Early, OnTime, Late int
	// In progress when the period is judged (its end, or now): within the
	// deadline (including those waiting for a supplement or a payment) and
	// overdue (past the legal due instant).
	Within, Overdue int
}

// Paper is the dossiers received in person or by post.
func (r Bieu06Row) Paper() int { return r.Received - r.ReceivedOnline }

// Resolved is the dossiers resolved in the period.
func (r Bieu06Row) Resolved() int { return r.Early + r.OnTime + r.Late }

// InProgress is the dossiers still being handled when the period is judged.
func (r Bieu06Row) InProgress() int { return r.Within + r.Overdue }

// Add sums o into r.
func (r *Bieu06Row) Add(o Bieu06Row) {
	r.Received += o.Received
	r.ReceivedOnline += o.ReceivedOnline
	r.Carried += o.Carried
	r.Early += o.Early
	r.OnTime += o.OnTime
	r.Late += o.Late
	r.Within += o.Within
	r.Overdue += o.Overdue
}

// Bieu06 computes the periodic report of a scope, one row per procedure
// with any figure, from the counters and the projection:
//
//   - received and resolved: the counters of the period's days;
//   - carried over: the dossiers open now, plus those finished since the
//     period began, minus those accepted since (counters from the period's
//     first day on);
//   - in progress: the dossiers not finished when the period is judged,
//     each overdue or not at that instant, judged from the projection, or
//     replayed if it paused before then.
func (s *Store) Bieu06(ctx context.Context, q Scope, cal *calendar.Calendar) ([]Bieu06Row, error) {
	end := q.End()
	in, err := s.flows(ctx, q.AgencyID, q.Unit, q.From, q.To)
	if err != nil {
		return nil, err
	}
	since, err := s.flows(ctx, q.AgencyID, q.Unit, q.From, time.Time{})
	if err != nil {
		return nil, err
	}
	openNow, err := s.openCounts(ctx, q.AgencyID, q.Unit)
	if err != nil {
		return nil, err
	}
	rows := map[string]*Bieu06Row{}
	row := func(id string) *Bieu06Row {
		if rows[id] == nil {
			rows[id] = &Bieu06Row{ProcedureID: id}
		}
		return rows[id]
	}
	for id, f := range in {
		r := row(id)
		r.Received, r.ReceivedOnline = f.Received, f.ReceivedOnline
		r.Early, r.OnTime, r.Late = f.ResolvedEarly, f.ResolvedOnTime+f.EndedOther, f.ResolvedLate
	}
	for id, n := range openNow {
		row(id).Carried += n
	}
	for id, f := range since {
		row(id).Carried += f.Finished() - f.Received
	}
	pend, err := s.openAt(ctx, q.AgencyID, q.Unit, time.Time{}, end, end, !q.Ongoing())
	if err != nil {
		return nil, err
	}
	for _, p := range pend {
		overdue := false
		switch {
		case !q.Ongoing() && !(p.FirstPause.IsZero() || p.FirstPause.After(end)):
			st, err := s.judge(ctx, q.AgencyID, p, end)
			if err != nil {
				return nil, err
			}
			overdue = !st.Paused && !st.LegalDue.IsZero() && st.LegalDue.Before(end)
		case !q.Ongoing():
			overdue = !p.OrigLegalDue.IsZero() && p.OrigLegalDue.Before(end)
		default: // judged now: the projection is the state now
			overdue = !p.Paused && !p.LegalDue.IsZero() && p.LegalDue.Before(end)
		}
		if overdue {
			row(p.ProcedureID).Overdue++
		} else {
			row(p.ProcedureID).Within++
		}
	}
	out := make([]Bieu06Row, 0, len(rows))
	for _, r := range rows {
		if *r != (Bieu06Row{ProcedureID: r.ProcedureID}) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b Bieu06Row) int { return strings.Compare(a.ProcedureID, b.ProcedureID) })
	return out, nil
}

// openCounts counts the open dossiers per procedure (the status index).
func (s *Store) openCounts(ctx context.Context, agencyID, unit string) (map[string]int, error) {
	args := append([]any{agencyID}, openStatuses...)
	q := `SELECT procedure_id, COUNT(*) FROM dossiers WHERE agency_id = $1 AND status IN ($2, $3, $4, $5)`
	if unit != "" {
		args = append(args, unit)
		q += " AND handling_unit = $6"
	}
	rows, err := s.db.QueryContext(ctx, q+" GROUP BY procedure_id", args...)
	if err != nil {
		return nil, dbErr("open counts", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, dbErr("scan open counts", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// StepTally counts the step visits one officer (or nobody, Assignee "")
// finished in one unit over a period, by their mark against the step's
// budget (TT 01/2018 art. 13). Untimed steps are Steps − Early − OnTime − Late.
type StepTally struct {
	Unit, Assignee      string
	Steps               int
	Early, OnTime, Late int
	OverrunMinutes      int // working minutes over budget, summed over the late steps
}

// Add sums o's counts into t.
func (t *StepTally) Add(o StepTally) {
	t.Steps += o.Steps
	t.Early += o.Early
	t.OnTime += o.OnTime
	t.Late += o.Late
	t.OverrunMinutes += o.OverrunMinutes
}

// StepTallies sums the step counters of a scope's period per unit and
// officer (Scope.Unit: the steps done in that unit).
func (s *Store) StepTallies(ctx context.Context, q Scope) ([]StepTally, error) {
	args := []any{q.AgencyID, day(q.From), day(q.To)}
	where := ""
	if q.Unit != "" {
		args = append(args, q.Unit)
		where = " AND unit_id = $4"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, assignee, SUM(steps), SUM(early), SUM(on_time), SUM(late), SUM(overrun_minutes)
		FROM step_counters WHERE agency_id = $1 AND day >= $2 AND day < $3`+where+` GROUP BY unit_id, assignee ORDER BY unit_id, assignee`, args...)
	if err != nil {
		return nil, dbErr("step counters", err)
	}
	defer rows.Close()
	var out []StepTally
	for rows.Next() {
		var t StepTally
		if err := rows.Scan(&t.Unit, &t.Assignee, &t.Steps, &t.Early, &t.OnTime, &t.Late, &t.OverrunMinutes); err != nil {
			return nil, dbErr("scan step counters", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LateDossier is a dossier that finished late (against its legal due
// instant) in a period, with the steps that overran their budget.
type LateDossier struct {
	ID, Code, ProcedureID, Applicant string
	FinishedAt, LegalDue             time.Time
	LateSteps                        []dossier.StepView // the worst first
}

// LateDossiers lists the dossiers resolved late in the scope's period
// (the dossiers_class index) and replays each to find the steps that made
// it late. With Scope.Unit set, only those with a late step in that unit.
func (s *Store) LateDossiers(ctx context.Context, q Scope, cal *calendar.Calendar) ([]LateDossier, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(code, ''), procedure_id, applicant_name, finished_at FROM dossiers
		WHERE agency_id = $1 AND class = $2 AND finished_at >= $3 AND finished_at < $4 AND status IN ($5, $6) ORDER BY finished_at DESC, id`,
		q.AgencyID, string(dossier.Late), stamp(q.From), stamp(q.To), string(dossier.Resolved), string(dossier.Returned))
	if err != nil {
		return nil, dbErr("late dossiers", err)
	}
	var found []LateDossier
	for rows.Next() {
		var d LateDossier
		var fin nullableTime
		if err := rows.Scan(&d.ID, &d.Code, &d.ProcedureID, &d.Applicant, &fin); err != nil {
			rows.Close()
			return nil, dbErr("scan late dossiers", err)
		}
		d.FinishedAt = fin.t
		found = append(found, d)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, dbErr("late dossiers", err)
	}
	out := found[:0]
	for _, d := range found {
		rec, err := loadRecord(ctx, s.db, q.AgencyID, d.ID, 0)
		if err != nil {
			return nil, err
		}
		d.LegalDue = rec.State.LegalDue
		mine := q.Unit == ""
		for _, v := range dossier.Clock(rec.State, cal, rec.State.FinishedAt).Steps {
			if v.Class == dossier.Late {
				d.LateSteps = append(d.LateSteps, v)
				mine = mine || v.Unit == q.Unit
			}
		}
		if !mine {
			continue
		}
		slices.SortStableFunc(d.LateSteps, func(a, b dossier.StepView) int { return cmp.Compare(b.OverrunMinutes, a.OverrunMinutes) })
		out = append(out, d)
	}
	return out, nil
}

// RebuildScoreCounters recomputes the scorecard's projection columns and
// counters of an agency by replaying every dossier's events, as if each
// command had just run: for a database that held dossiers before the
// scorecard existed (migration 00005), or after the calendar of past
// years was corrected. It runs in one transaction.
func (s *Store) RebuildScoreCounters(ctx context.Context, agencyID string, cal *calendar.Calendar) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"score_counters", "step_counters"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE agency_id = $1`, agencyID); err != nil {
				return dbErr("clear "+table, err)
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM dossiers WHERE agency_id = $1 ORDER BY id`, agencyID)
		if err != nil {
			return dbErr("list dossiers", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return dbErr("list dossiers", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			rec, err := loadRecord(ctx, tx, agencyID, id, 0)
			if err != nil {
				return err
			}
			var before, st dossier.State
			late := false
			for _, e := range rec.Events {
				if err := st.Apply(e); err != nil {
					return fmt.Errorf("replay %s: %w", id, err)
				}
				f := scoreFactsOf(before, st, cal)
				late = late || f.late766
				if err := updateScoreCounters(ctx, tx, agencyID, before, st, f); err != nil {
					return err
				}
				before = st
			}
			f := scoreFactsOf(st, st, cal)
			if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET handling_unit = $3, promised_at_acceptance = $4, original_legal_due_at = $5,
				first_pause_at = $6, late_766 = $7 WHERE agency_id = $1 AND id = $2`,
				agencyID, id, f.handlingUnit, nullTime(st.PromisedAtAcceptance), nullTime(st.OriginalLegalDue), nullTime(f.firstPause), late); err != nil {
				return dbErr("rebuild projection", err)
			}
			n++
		}
		return nil
	})
	return n, err
}
