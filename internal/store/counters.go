package store

import (
	"context"
	"time"

	"dunghan/internal/calendar"
)

// Totals sums the counters of a period.
type Totals struct {
	Received       int
	ReceivedOnline int
	ResolvedEarly  int
	ResolvedOnTime int
	ResolvedLate   int
	EndedOther     int
	Open           int // open now, whatever the period
}

// Counters sums the agency's per-day counters for days in [from, to)
// (Asia/Ho_Chi_Minh dates) and reads the open gauge. It never scans events.
func (s *Store) Counters(ctx context.Context, agencyID string, from, to time.Time) (Totals, error) {
	var t Totals
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(received), 0), COALESCE(SUM(received_online), 0), COALESCE(SUM(resolved_early), 0),
		COALESCE(SUM(resolved_on_time), 0), COALESCE(SUM(resolved_late), 0), COALESCE(SUM(ended_other), 0)
		FROM dossier_counters WHERE agency_id = $1 AND day >= $2 AND day < $3`,
		agencyID, from.In(calendar.Zone).Format(time.DateOnly), to.In(calendar.Zone).Format(time.DateOnly)).
		Scan(&t.Received, &t.ReceivedOnline, &t.ResolvedEarly, &t.ResolvedOnTime, &t.ResolvedLate, &t.EndedOther)
	if err != nil {
		return t, dbErr("counters", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(open_count), 0) FROM dossier_open WHERE agency_id = $1`, agencyID).Scan(&t.Open); err != nil {
		return t, dbErr("open gauge", err)
	}
	return t, nil
}
