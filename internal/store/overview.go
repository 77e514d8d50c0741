package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"dunghan/internal/dossier"
)

// Load counts the open dossiers of one (current step unit, assignee) pair
// by urgency band. The bands are exclusive, so they add up to Total:
// a paused dossier (waiting for the applicant) is only Paused; the others
// are Overdue, DueWithin1, DueWithin3 or OnTrack by their legal due
// instant (OnTrack includes dossiers without a legal deadline).
type Load struct {
	Unit       string // step_unit
	Assignee   string // "" when nobody is assigned
	Overdue    int    // legal due < now
	DueWithin1 int    // now ≤ legal due < within1
	DueWithin3 int    // within1 ≤ legal due < within3
	OnTrack    int
	Paused     int
	Total      int
}

// openStatuses are the statuses of an accepted, unfinished dossier.
var openStatuses = []any{string(dossier.Accepted), string(dossier.Processing), string(dossier.SupplementRequested), string(dossier.PaymentRequested)}

// OpenLoad groups the agency's open dossiers by current step unit and
// assignee, counted by urgency band at now (within1 and within3 are the
// instants one and three working days ahead). unitID, if not empty, keeps
// only the dossiers whose current step is in that unit.
//
// It reads the projection through the dossiers_status index (agency_id,
// status, …) restricted to the open statuses, so its cost follows the open
// dossiers, never the closed ones, and it never replays events. Grouping by
// status first is what makes SQLite, which keeps no statistics, choose that
// index; the groups of one pair are then merged here.
func (s *Store) OpenLoad(ctx context.Context, agencyID, unitID string, now, within1, within3 time.Time) ([]Load, error) {
	args := append([]any{agencyID, stamp(now), stamp(within1), stamp(within3)}, openStatuses...)
	q := `SELECT status, step_unit, assignee,
		SUM(CASE WHEN NOT paused AND legal_due_at < $2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN NOT paused AND legal_due_at >= $2 AND legal_due_at < $3 THEN 1 ELSE 0 END),
		SUM(CASE WHEN NOT paused AND legal_due_at >= $3 AND legal_due_at < $4 THEN 1 ELSE 0 END),
		SUM(CASE WHEN paused THEN 1 ELSE 0 END),
		COUNT(*)
		FROM dossiers WHERE agency_id = $1 AND status IN ($5, $6, $7, $8)`
	if unitID != "" {
		args = append(args, unitID)
		q += ` AND step_unit = $9`
	}
	q += ` GROUP BY status, step_unit, assignee`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("open load", err)
	}
	defer rows.Close()
	var out []Load
	at := map[[2]string]int{} // (unit, assignee) → index in out
	for rows.Next() {
		var l Load
		var status string
		if err := rows.Scan(&status, &l.Unit, &l.Assignee, &l.Overdue, &l.DueWithin1, &l.DueWithin3, &l.Paused, &l.Total); err != nil {
			return nil, dbErr("scan open load", err)
		}
		l.OnTrack = l.Total - l.Overdue - l.DueWithin1 - l.DueWithin3 - l.Paused
		k := [2]string{l.Unit, l.Assignee}
		i, seen := at[k]
		if !seen {
			at[k] = len(out)
			out = append(out, l)
			continue
		}
		o := &out[i]
		o.Overdue += l.Overdue
		o.DueWithin1 += l.DueWithin1
		o.DueWithin3 += l.DueWithin3
		o.OnTrack += l.OnTrack
		o.Paused += l.Paused
		o.Total += l.Total
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("open load", err)
	}
	slices.SortFunc(out, func(a, b Load) int {
		return cmp.Or(strings.Compare(a.Unit, b.Unit), strings.Compare(a.Assignee, b.Assignee))
	})
	return out, nil
}
