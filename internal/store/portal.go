package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
)

// Portal sync states.
const (
	SyncPending = "pending" // the portal does not show the latest version yet
	SyncSending = "sending" // a worker is delivering it
	SyncSynced  = "synced"  // the portal shows the latest version
	SyncFailed  = "failed"  // the portal refused it; a person must act
)

// PortalItem is a dossier's synchronisation row.
type PortalItem struct {
	AgencyID, DossierID string
	Code                string // mã hồ sơ; "" before acceptance
	Key                 string // what the portal files it under
	ReceivedAt          time.Time
	WantVersion         int // the version the portal should show
	SyncedVersion       int // the version it last showed in full
	StepsSynced         int
	Created             bool
	PayloadHash         string
	Status              string
	Claim               string
	Attempts            int
	NextAttemptAt       time.Time
	LastError           string
	ChangedAt           time.Time
	SyncedAt            time.Time
}

const portalColumns = `p.agency_id, p.dossier_id, COALESCE(d.code, ''), p.portal_key, p.received_at, p.want_version, p.synced_version,
	p.steps_synced, p.created, p.payload_hash, p.status, p.claim, p.attempts, p.next_attempt_at, p.last_error, p.changed_at, p.synced_at`

const portalFrom = ` FROM portal_sync p JOIN dossiers d ON d.agency_id = p.agency_id AND d.id = p.dossier_id`

func scanPortal(r interface{ Scan(...any) error }) (PortalItem, error) {
	var p PortalItem
	var synced sql.NullTime
	err := r.Scan(&p.AgencyID, &p.DossierID, &p.Code, &p.Key, &p.ReceivedAt, &p.WantVersion, &p.SyncedVersion,
		&p.StepsSynced, &p.Created, &p.PayloadHash, &p.Status, &p.Claim, &p.Attempts, &p.NextAttemptAt, &p.LastError, &p.ChangedAt, &synced)
	p.SyncedAt = synced.Time
	return p, err
}

// enqueuePortal records, in the command's transaction, that the portal
// should now show version st.Version of the dossier. A row being delivered
// stays with its worker, which sees the higher version when it finishes; a
// row waiting out a backoff keeps its wait; a synced or failed row is due
// at once.
func enqueuePortal(ctx context.Context, tx *sql.Tx, agencyID, id string, st dossier.State, now time.Time) error {
	key := st.PortalKey()
	if key == "" {
		return nil
	}
	received := st.AcceptedAt
	if received.IsZero() {
		received = st.SubmittedAt
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO portal_sync (agency_id, dossier_id, portal_key, received_at, want_version, status, next_attempt_at, changed_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)
		ON CONFLICT (agency_id, dossier_id) DO UPDATE SET portal_key = excluded.portal_key, received_at = excluded.received_at,
			want_version = excluded.want_version, changed_at = excluded.changed_at,
			status = CASE WHEN portal_sync.status = 'sending' THEN 'sending' ELSE 'pending' END,
			attempts = CASE WHEN portal_sync.status IN ('sending', 'pending') THEN portal_sync.attempts ELSE 0 END,
			next_attempt_at = CASE WHEN portal_sync.status = 'sending' OR portal_sync.status = 'pending' AND portal_sync.attempts > 0
				THEN portal_sync.next_attempt_at ELSE excluded.next_attempt_at END`,
		agencyID, id, key, stamp(received), st.Version, stamp(now))
	if err != nil {
		return dbErr("enqueue portal sync", err)
	}
	return nil
}

// ClaimPortal takes up to limit dossiers due for delivery (pending and past
// their backoff, or sending with an expired lease: the worker died), marks
// them sending under a new claim until now+lease and counts the attempt.
// On PostgreSQL the claim skips rows another instance holds.
func (s *Store) ClaimPortal(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]PortalItem, error) {
	var out []PortalItem
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		q := `SELECT agency_id, dossier_id FROM portal_sync WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2`
		if s.engine == Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		keys, err := pairs(ctx, tx, q, stamp(now), limit)
		if err != nil {
			return dbErr("claim portal sync", err)
		}
		for _, k := range keys {
			claim := s.newID()
			if _, err := tx.ExecContext(ctx, `UPDATE portal_sync SET status = 'sending', claim = $3, attempts = attempts + 1, next_attempt_at = $4
				WHERE agency_id = $1 AND dossier_id = $2`, k[0], k[1], claim, stamp(now.Add(lease))); err != nil {
				return dbErr("claim portal sync", err)
			}
			p, err := scanPortal(tx.QueryRowContext(ctx, `SELECT `+portalColumns+portalFrom+` WHERE p.agency_id = $1 AND p.dossier_id = $2`, k[0], k[1]))
			if err != nil {
				return dbErr("claim portal sync", err)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// pairs runs a query returning two text columns.
func pairs(ctx context.Context, q querier, query string, args ...any) ([][2]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// errClaimLost is a claimed row that another worker took over.
var errClaimLost = apperr.New(apperr.Conflict, "Một tiến trình khác đã nhận đồng bộ hồ sơ này.")

// IsClaimLost reports whether err says the claim on a row was lost.
func IsClaimLost(err error) bool { return errors.Is(err, errClaimLost) }

// claimed runs an update of p's row that holds only under p's claim.
func (s *Store) claimed(ctx context.Context, op string, p PortalItem, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, `UPDATE portal_sync SET `+set+` WHERE agency_id = $1 AND dossier_id = $2 AND claim = $3 AND status = 'sending'`,
		append([]any{p.AgencyID, p.DossierID, p.Claim}, args...)...)
	if err != nil {
		return dbErr(op, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errClaimLost
	}
	return nil
}

// PortalProgress records what the portal acknowledged so far of a claimed
// delivery, so that a crash repeats at most the call in flight.
func (s *Store) PortalProgress(ctx context.Context, p PortalItem) error {
	return s.claimed(ctx, "portal progress", p, `created = $4, payload_hash = $5, steps_synced = $6`, p.Created, p.PayloadHash, p.StepsSynced)
}

// PortalDelivered ends a claimed delivery of version: the row is synced,
// or pending again when a command raised its version meanwhile.
func (s *Store) PortalDelivered(ctx context.Context, p PortalItem, version int, now time.Time) error {
	return s.claimed(ctx, "portal delivered", p, `created = $4, payload_hash = $5, steps_synced = $6, synced_version = $7,
		status = CASE WHEN want_version > $7 THEN 'pending' ELSE 'synced' END, claim = '', attempts = 0, last_error = '',
		next_attempt_at = $8, synced_at = $8`, p.Created, p.PayloadHash, p.StepsSynced, version, stamp(now))
}

// PortalFailed ends a claimed delivery that failed: it waits until retryAt,
// or stays failed (a dead letter) until a person retries it.
func (s *Store) PortalFailed(ctx context.Context, p PortalItem, reason string, retryAt time.Time, dead bool) error {
	status := SyncPending
	if dead {
		status = SyncFailed
	}
	return s.claimed(ctx, "portal failed", p, `status = $4, claim = '', next_attempt_at = $5, last_error = $6`,
		status, stamp(retryAt), clipReason(reason))
}

func clipReason(s string) string {
	if r := []rune(s); len(r) > 500 {
		return string(r[:500])
	}
	return s
}

// PortalSyncOf returns a dossier's synchronisation row; not found when the
// portal is not to hold the dossier.
func (s *Store) PortalSyncOf(ctx context.Context, agencyID, codeOrID string) (PortalItem, error) {
	id, err := dossierID(ctx, s.db, agencyID, "", codeOrID)
	if err != nil {
		return PortalItem{}, err
	}
	p, err := scanPortal(s.db.QueryRowContext(ctx, `SELECT `+portalColumns+portalFrom+` WHERE p.agency_id = $1 AND p.dossier_id = $2`, agencyID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.New(apperr.NotFound, "Hồ sơ này không đồng bộ lên Cổng DVC quốc gia (chưa được tiếp nhận).")
	}
	if err != nil {
		return p, dbErr("portal sync", err)
	}
	return p, nil
}

// PortalCounts counts the agency's dossiers by synchronisation state.
func (s *Store) PortalCounts(ctx context.Context, agencyID string) (map[string]int, error) {
	return s.countBy(ctx, "portal counts", `SELECT status, COUNT(*) FROM portal_sync WHERE agency_id = $1 GROUP BY status`, agencyID)
}

// PortalList lists the agency's dossiers in a synchronisation state (""
// for every state not synced), the longest waiting first.
func (s *Store) PortalList(ctx context.Context, agencyID, status string, limit int) ([]PortalItem, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT ` + portalColumns + portalFrom + ` WHERE p.agency_id = $1 AND `
	args := []any{agencyID, limit}
	if status == "" {
		q += `p.status <> 'synced'`
	} else {
		q += `p.status = $3`
		args = append(args, status)
	}
	return s.portalRows(ctx, "portal list", q+` ORDER BY p.changed_at, p.dossier_id LIMIT $2`, args...)
}

// PortalPeriod lists the agency's rows received in [from, to), after the
// dossier ID after, in ID order: the pages of a reconciliation.
func (s *Store) PortalPeriod(ctx context.Context, agencyID string, from, to time.Time, after string, limit int) ([]PortalItem, error) {
	return s.portalRows(ctx, "portal period", `SELECT `+portalColumns+portalFrom+`
		WHERE p.agency_id = $1 AND p.received_at >= $2 AND p.received_at < $3 AND p.dossier_id > $4 ORDER BY p.dossier_id LIMIT $5`,
		agencyID, stamp(from), stamp(to), after, limit)
}

// portalRows runs a query of portalColumns.
func (s *Store) portalRows(ctx context.Context, op, query string, args ...any) ([]PortalItem, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	defer rows.Close()
	var out []PortalItem
	for rows.Next() {
		p, err := scanPortal(rows)
		if err != nil {
			return nil, dbErr(op, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PortalResync queues a dossier to be pushed to the portal again in full.
func (s *Store) PortalResync(ctx context.Context, agencyID, codeOrID string, now time.Time) error {
	p, err := s.PortalSyncOf(ctx, agencyID, codeOrID)
	if err != nil {
		return err
	}
	return s.PortalRepair(ctx, p, 0, "", now)
}

// PortalRepair queues a dossier whose portal copy is wrong: the record is
// pushed again, and its steps from number stepsKept+1 on. note becomes
// the row's last error (why it was queued). A row being delivered is left
// to its worker.
func (s *Store) PortalRepair(ctx context.Context, p PortalItem, stepsKept int, note string, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE portal_sync SET status = 'pending', payload_hash = '', synced_version = 0,
		steps_synced = CASE WHEN steps_synced > $3 THEN $3 ELSE steps_synced END, attempts = 0, last_error = $4, next_attempt_at = $5
		WHERE agency_id = $1 AND dossier_id = $2 AND status <> 'sending'`,
		p.AgencyID, p.DossierID, stepsKept, clipReason(note), stamp(now)); err != nil {
		return dbErr("portal repair", err)
	}
	return nil
}

// PortalResyncPeriod queues every dossier received in [from, to) to be
// pushed again in full, and returns how many. Rows being delivered are
// left to their workers.
func (s *Store) PortalResyncPeriod(ctx context.Context, agencyID string, from, to, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE portal_sync SET status = 'pending', payload_hash = '', synced_version = 0, steps_synced = 0,
		attempts = 0, last_error = '', next_attempt_at = $4
		WHERE agency_id = $1 AND received_at >= $2 AND received_at < $3 AND status <> 'sending'`, agencyID, stamp(from), stamp(to), stamp(now))
	if err != nil {
		return 0, dbErr("portal resync period", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PortalRetryFailed makes every failed row of the agency due now and
// returns how many.
func (s *Store) PortalRetryFailed(ctx context.Context, agencyID string, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE portal_sync SET status = 'pending', attempts = 0, next_attempt_at = $2
		WHERE agency_id = $1 AND status = 'failed'`, agencyID, stamp(now))
	if err != nil {
		return 0, dbErr("portal retry", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// FailureReason is one reason dossiers are kept as dead letters, and how many.
type FailureReason struct {
	Reason string
	N      int
}

// PortalFailureReasons groups the agency's failed rows by their error, the
// most frequent first.
func (s *Store) PortalFailureReasons(ctx context.Context, agencyID string, limit int) ([]FailureReason, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT last_error, COUNT(*) FROM portal_sync WHERE agency_id = $1 AND status = 'failed'
		GROUP BY last_error ORDER BY COUNT(*) DESC, last_error LIMIT $2`, agencyID, limit)
	if err != nil {
		return nil, dbErr("portal failure reasons", err)
	}
	defer rows.Close()
	var out []FailureReason
	for rows.Next() {
		var f FailureReason
		if err := rows.Scan(&f.Reason, &f.N); err != nil {
			return nil, dbErr("portal failure reasons", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
