package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
)

// Notification is an in-app notification.
type Notification struct {
	ID          string
	UserID      string
	DossierID   string
	DossierCode string
	RungKey     string
	Kind        string
	Title       string
	Body        string
	Urgent      bool
	CreatedAt   time.Time
	ReadAt      time.Time // zero: unread
}

const notificationColumns = `id, user_id, dossier_id, dossier_code, rung_key, kind, title, body, urgent, created_at, read_at`

func scanNotification(r scanner) (Notification, error) {
	var n Notification
	var read sql.NullTime
	err := r.Scan(&n.ID, &n.UserID, &n.DossierID, &n.DossierCode, &n.RungKey, &n.Kind, &n.Title, &n.Body, &n.Urgent, &n.CreatedAt, &read)
	n.ReadAt = read.Time
	return n, err
}

// Notifications returns the user's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, agencyID, userID string, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE agency_id = $1 AND user_id = $2
		ORDER BY created_at DESC, id DESC LIMIT $3`, agencyID, userID, limit)
	if err != nil {
		return nil, dbErr("notifications", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, dbErr("notifications", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadCount is the number of the user's unread notifications (the bell).
func (s *Store) UnreadCount(ctx context.Context, agencyID, userID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE agency_id = $1 AND user_id = $2 AND read_at IS NULL`,
		agencyID, userID).Scan(&n)
	if err != nil {
		return 0, dbErr("unread notifications", err)
	}
	return n, nil
}

// MarkRead marks one of the user's notifications read, or all of them when id is "".
func (s *Store) MarkRead(ctx context.Context, agencyID, userID, id string) error {
	q := `UPDATE notifications SET read_at = $3 WHERE agency_id = $1 AND user_id = $2 AND read_at IS NULL`
	args := []any{agencyID, userID, stamp(s.now())}
	if id != "" {
		q += ` AND id = $4`
		args = append(args, id)
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return dbErr("mark read", err)
	}
	return nil
}

// ApologyPrompt is an open request to a division head to issue the apology
// and a new date for a dossier that cannot be finished on time.
type ApologyPrompt struct {
	DossierID   string
	DossierCode string
	Applicant   string
	StepUnit    string
	Assignee    string
	LegalDue    time.Time
	Deadline    time.Time // issue the apology by then
	PromptedAt  time.Time
}

// ApologyPrompts lists the agency's unsettled apology prompts, the most
// pressing first; userID, if set, keeps those the user was asked or told about.
func (s *Store) ApologyPrompts(ctx context.Context, agencyID, userID string) ([]ApologyPrompt, error) {
	q := `SELECT d.id, COALESCE(d.code, ''), d.applicant_name, d.step_unit, d.assignee, d.legal_due_at, r.deadline_at, r.fired_at
		FROM watch_rungs r JOIN dossiers d ON d.agency_id = r.agency_id AND d.id = r.dossier_id
		WHERE r.agency_id = $1 AND r.kind = 'apology' AND r.settled_at IS NULL AND r.merged_into = '' AND d.finished_at IS NULL`
	args := []any{agencyID}
	if userID != "" {
		q += ` AND EXISTS (SELECT 1 FROM notifications n WHERE n.agency_id = r.agency_id AND n.dossier_id = r.dossier_id
			AND n.rung_key = r.rung_key AND n.user_id = $2)`
		args = append(args, userID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY r.deadline_at, d.id LIMIT 500`, args...)
	if err != nil {
		return nil, dbErr("apology prompts", err)
	}
	defer rows.Close()
	var out []ApologyPrompt
	for rows.Next() {
		var p ApologyPrompt
		var due, deadline sql.NullTime
		if err := rows.Scan(&p.DossierID, &p.DossierCode, &p.Applicant, &p.StepUnit, &p.Assignee, &due, &deadline, &p.PromptedAt); err != nil {
			return nil, dbErr("apology prompts", err)
		}
		p.LegalDue, p.Deadline = due.Time, deadline.Time
		out = append(out, p)
	}
	return out, rows.Err()
}

// Recipient names a user with notifications waiting for an e-mail.
type Recipient struct{ AgencyID, UserID string }

// PendingMail lists the users whose notifications wait for an e-mail digest.
func (s *Store) PendingMail(ctx context.Context) ([]Recipient, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT agency_id, user_id FROM notifications WHERE mail = 'pending' ORDER BY agency_id, user_id`)
	if err != nil {
		return nil, dbErr("pending mail", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.AgencyID, &r.UserID); err != nil {
			return nil, dbErr("pending mail", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Compose builds the digest of a user's waiting notifications; false sends nothing.
type Compose func(fullName, email string, notes []Notification) (Outgoing, bool)

// MailDigest puts the user's waiting notifications into one e-mail, built
// by compose, and marks them queued, in one transaction: each notification
// is mailed once, with the others. While the user's last digest has not
// gone out yet (it waits for office hours), the new notifications join it
// instead of making a second e-mail. A user without an address, or no
// longer active, gets none; their notifications stay in-app only. It
// reports whether a new e-mail was queued (false when the notifications
// joined a waiting one).
func (s *Store) MailDigest(ctx context.Context, r Recipient, compose Compose) (bool, error) {
	queued := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		queued = false
		if err := s.faultAt("digest"); err != nil {
			return err
		}
		lock := ""
		if s.engine == Postgres {
			// A second instance digesting the same user waits here, then
			// finds the notifications queued already.
			lock = ` FOR UPDATE`
		}
		notes, err := notificationsWhere(ctx, tx, `agency_id = $1 AND user_id = $2 AND mail = 'pending'`+` ORDER BY created_at, id`+lock, r.AgencyID, r.UserID)
		if err != nil || len(notes) == 0 {
			return err
		}
		var name, email string
		var active bool
		err = tx.QueryRowContext(ctx, `SELECT full_name, email, active FROM users WHERE agency_id = $1 AND id = $2`, r.AgencyID, r.UserID).Scan(&name, &email, &active)
		if err != nil && err != sql.ErrNoRows {
			return dbErr("digest user", err)
		}
		mark := func(state, digest string) error {
			for chunk := range slices.Chunk(notes, 500) {
				args := []any{r.AgencyID, state, digest}
				marks := make([]string, len(chunk))
				for i, n := range chunk {
					args = append(args, n.ID)
					marks[i] = "$" + strconv.Itoa(len(args))
				}
				if _, err := tx.ExecContext(ctx, `UPDATE notifications SET mail = $2, digest_id = $3 WHERE agency_id = $1 AND id IN (`+strings.Join(marks, ", ")+`)`,
					args...); err != nil {
					return dbErr("digest", err)
				}
			}
			return nil
		}
		if !active || strings.TrimSpace(email) == "" {
			return mark("none", "")
		}
		// The digest still waiting, if any (one the courier holds is left alone).
		q := `SELECT id FROM outbox WHERE agency_id = $1 AND status = 'pending' AND channel = 'email' AND kind = 'digest' AND recipient = $2
			ORDER BY created_at DESC LIMIT 1`
		if s.engine == Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		var digest string
		if err := tx.QueryRowContext(ctx, q, r.AgencyID, email).Scan(&digest); err != nil && err != sql.ErrNoRows {
			return dbErr("digest", err)
		}
		all := notes
		if digest != "" {
			earlier, err := notificationsWhere(ctx, tx, `agency_id = $1 AND digest_id = $2 ORDER BY created_at, id`, r.AgencyID, digest)
			if err != nil {
				return err
			}
			all = append(earlier, notes...)
		}
		o, ok := compose(name, email, all)
		if !ok {
			return mark("none", "")
		}
		now := s.now()
		if digest == "" {
			o.Channel, o.Recipient = ChannelEmail, email
			if digest, err = s.enqueue(ctx, tx, r.AgencyID, o, now); err != nil {
				return err
			}
			queued = true
		} else {
			at := o.NotBefore
			if at.IsZero() {
				at = now
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET subject = $3, body = $4, urgent = (urgent OR $5),
				next_attempt_at = CASE WHEN next_attempt_at < $6 THEN next_attempt_at ELSE $6 END WHERE agency_id = $1 AND id = $2`,
				r.AgencyID, digest, o.Subject, o.Body, o.Urgent, stamp(at)); err != nil {
				return dbErr("digest", err)
			}
		}
		return mark("queued", digest)
	})
	return queued, err
}

func notificationsWhere(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]Notification, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE `+where, args...)
	if err != nil {
		return nil, dbErr("digest", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, dbErr("digest", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Outbox message states.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// OutboxItem is a message of the outbox.
type OutboxItem struct {
	AgencyID    string
	ID          string
	Channel     string
	Kind        string
	Recipient   string
	Subject     string
	Body        string
	DossierCode string
	Urgent      bool
	Status      string
	Attempts    int
	NextAt      time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
}

const outboxColumns = `agency_id, id, channel, kind, recipient, subject, body, dossier_code, urgent, status, attempts, next_attempt_at, last_error, created_at, sent_at`

func scanOutbox(r scanner) (OutboxItem, error) {
	var o OutboxItem
	var sent sql.NullTime
	err := r.Scan(&o.AgencyID, &o.ID, &o.Channel, &o.Kind, &o.Recipient, &o.Subject, &o.Body, &o.DossierCode, &o.Urgent, &o.Status,
		&o.Attempts, &o.NextAt, &o.LastError, &o.CreatedAt, &sent)
	o.SentAt = sent.Time
	return o, err
}

// ClaimOutbox takes up to limit messages of the given channels that are
// due (pending and past their not-before instant, or sending with an
// expired lease: the sender died), marks them sending for lease and counts
// the attempt. On PostgreSQL the claim skips rows another instance holds.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration, channels []string) ([]OutboxItem, error) {
	if len(channels) == 0 {
		return nil, nil
	}
	var out []OutboxItem
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		args := []any{stamp(now), limit}
		var in []string
		for _, c := range channels {
			args = append(args, c)
			in = append(in, "$"+strconv.Itoa(len(args)))
		}
		q := `SELECT agency_id, id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 AND channel IN (` +
			strings.Join(in, ", ") + `) ORDER BY next_attempt_at LIMIT $2`
		if s.engine == Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return dbErr("claim outbox", err)
		}
		var keys [][2]string
		for rows.Next() {
			var k [2]string
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				rows.Close()
				return dbErr("claim outbox", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr("claim outbox", err)
		}
		for _, k := range keys {
			o, err := scanOutbox(tx.QueryRowContext(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $3
				WHERE agency_id = $1 AND id = $2 RETURNING `+outboxColumns, k[0], k[1], stamp(now.Add(lease))))
			if err != nil {
				return dbErr("claim outbox", err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// OutboxDelivered marks a message sent.
func (s *Store) OutboxDelivered(ctx context.Context, agencyID, id string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $3, last_error = '' WHERE agency_id = $1 AND id = $2 AND status = 'sending'`,
		agencyID, id, stamp(at)); err != nil {
		return dbErr("outbox sent", err)
	}
	return nil
}

// OutboxFailed records a failed attempt: the message waits until retryAt,
// or becomes a dead letter when dead.
func (s *Store) OutboxFailed(ctx context.Context, agencyID, id, reason string, retryAt time.Time, dead bool) error {
	status := OutboxPending
	if dead {
		status = OutboxDead
	}
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = $3, next_attempt_at = $4, last_error = $5 WHERE agency_id = $1 AND id = $2 AND status = 'sending'`,
		agencyID, id, status, stamp(retryAt), reason); err != nil {
		return dbErr("outbox failed", err)
	}
	return nil
}

// OutboxDefer gives back a claimed message untried: it waits until at and
// the claim's attempt is not counted.
func (s *Store) OutboxDefer(ctx context.Context, agencyID, id string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3
		WHERE agency_id = $1 AND id = $2 AND status = 'sending'`, agencyID, id, stamp(at)); err != nil {
		return dbErr("outbox defer", err)
	}
	return nil
}

// Outbox lists the agency's messages in a state, newest first.
func (s *Store) Outbox(ctx context.Context, agencyID, status string, limit int) ([]OutboxItem, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE agency_id = $1 AND status = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
		agencyID, status, limit)
	if err != nil {
		return nil, dbErr("outbox", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		o, err := scanOutbox(rows)
		if err != nil {
			return nil, dbErr("outbox", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OutboxCounts counts the agency's messages by state.
func (s *Store) OutboxCounts(ctx context.Context, agencyID string) (map[string]int, error) {
	return s.countBy(ctx, "outbox counts", `SELECT status, COUNT(*) FROM outbox WHERE agency_id = $1 GROUP BY status`, agencyID)
}

// countBy runs a query of (key, count) rows into a map.
func (s *Store) countBy(ctx context.Context, op, query string, args ...any) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, dbErr(op, err)
		}
		out[k] = n
	}
	return out, rows.Err()
}

// RetryOutbox puts a dead letter back in the queue with a fresh count of
// attempts, to go at when(urgent).
func (s *Store) RetryOutbox(ctx context.Context, agencyID, id string, when func(urgent bool) time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var urgent bool
		err := tx.QueryRowContext(ctx, `SELECT urgent FROM outbox WHERE agency_id = $1 AND id = $2 AND status = 'dead'`, agencyID, id).Scan(&urgent)
		if err == sql.ErrNoRows {
			return apperr.New(apperr.NotFound, "Không tìm thấy thông báo gửi lỗi này (có thể đã được gửi lại).")
		}
		if err != nil {
			return dbErr("retry outbox", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $3 WHERE agency_id = $1 AND id = $2`,
			agencyID, id, stamp(when(urgent))); err != nil {
			return dbErr("retry outbox", err)
		}
		return nil
	})
}
