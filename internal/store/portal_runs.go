package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// InboundRecord is what became of one online dossier pulled from the portal.
type InboundRecord struct {
	PortalRef  string
	DossierID  string
	Code       string // of the dossier once accepted
	Status     string // created, rejected
	Reason     string
	ReceivedAt time.Time
}

// InboundSeen reports whether the portal's dossier ref was already pulled.
func (s *Store) InboundSeen(ctx context.Context, agencyID, ref string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM portal_inbound WHERE agency_id = $1 AND portal_ref = $2`, agencyID, ref).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbErr("inbound seen", err)
	}
	return true, nil
}

// RecordInbound notes what became of a pulled dossier; a second record of
// the same ref is ignored.
func (s *Store) RecordInbound(ctx context.Context, agencyID string, r InboundRecord) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO portal_inbound (agency_id, portal_ref, dossier_id, status, reason, received_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agency_id, portal_ref) DO NOTHING`,
		agencyID, r.PortalRef, r.DossierID, r.Status, clipReason(r.Reason), stamp(r.ReceivedAt)); err != nil {
		return dbErr("record inbound", err)
	}
	return nil
}

// RecentInbound lists the agency's latest pulled dossiers, newest first.
func (s *Store) RecentInbound(ctx context.Context, agencyID string, limit int) ([]InboundRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.portal_ref, i.dossier_id, COALESCE(d.code, ''), i.status, i.reason, i.received_at
		FROM portal_inbound i LEFT JOIN dossiers d ON d.agency_id = i.agency_id AND d.id = i.dossier_id
		WHERE i.agency_id = $1 ORDER BY i.received_at DESC, i.portal_ref LIMIT $2`, agencyID, limit)
	if err != nil {
		return nil, dbErr("recent inbound", err)
	}
	defer rows.Close()
	var out []InboundRecord
	for rows.Next() {
		var r InboundRecord
		if err := rows.Scan(&r.PortalRef, &r.DossierID, &r.Code, &r.Status, &r.Reason, &r.ReceivedAt); err != nil {
			return nil, dbErr("recent inbound", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InboundCursor returns where the agency's inbound pull resumes ("" at first).
func (s *Store) InboundCursor(ctx context.Context, agencyID string) (string, error) {
	var c string
	err := s.db.QueryRowContext(ctx, `SELECT cursor FROM portal_cursors WHERE agency_id = $1`, agencyID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbErr("inbound cursor", err)
	}
	return c, nil
}

// SetInboundCursor saves where the agency's inbound pull resumes.
func (s *Store) SetInboundCursor(ctx context.Context, agencyID, cursor string, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO portal_cursors (agency_id, cursor, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (agency_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`, agencyID, cursor, stamp(now)); err != nil {
		return dbErr("set inbound cursor", err)
	}
	return nil
}

// PortalRun is one reconciliation: what the portal held of the dossiers
// received in [From, To) when we looked.
type PortalRun struct {
	ID                                                string
	From, To                                          time.Time
	StartedAt, FinishedAt                             time.Time
	Checked, Matched, Missing, Different, Unreachable int
	Unsyncable                                        int    // ours cannot be sent (e.g. a procedure without a national code)
	Report                                            string // one line per difference
}

// Ratio is the share of checked dossiers the portal holds as we do: the
// DOSSIER_SYNC ratio it should now see. 1 when nothing was to be checked.
func (r PortalRun) Ratio() float64 {
	if r.Checked == 0 {
		return 1
	}
	return float64(r.Matched) / float64(r.Checked)
}

// SavePortalRun records a reconciliation.
func (s *Store) SavePortalRun(ctx context.Context, agencyID string, r PortalRun) error {
	if r.ID == "" {
		r.ID = s.newID()
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO portal_runs (agency_id, id, period_from, period_to, started_at, finished_at,
		checked, matched, missing, different, unreachable, unsyncable, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		agencyID, r.ID, stamp(r.From), stamp(r.To), stamp(r.StartedAt), stamp(r.FinishedAt),
		r.Checked, r.Matched, r.Missing, r.Different, r.Unreachable, r.Unsyncable, r.Report); err != nil {
		return dbErr("save portal run", err)
	}
	return nil
}

// PortalRuns lists the agency's latest reconciliations, newest first.
func (s *Store) PortalRuns(ctx context.Context, agencyID string, limit int) ([]PortalRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, period_from, period_to, started_at, finished_at, checked, matched, missing, different,
		unreachable, unsyncable, report FROM portal_runs WHERE agency_id = $1 ORDER BY started_at DESC, id LIMIT $2`, agencyID, limit)
	if err != nil {
		return nil, dbErr("portal runs", err)
	}
	defer rows.Close()
	var out []PortalRun
	for rows.Next() {
		var r PortalRun
		if err := rows.Scan(&r.ID, &r.From, &r.To, &r.StartedAt, &r.FinishedAt, &r.Checked, &r.Matched, &r.Missing, &r.Different,
			&r.Unreachable, &r.Unsyncable, &r.Report); err != nil {
			return nil, dbErr("portal runs", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
