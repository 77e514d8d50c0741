package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/notice"
)

// Channels are the outbound channels an installation has configured.
type Channels struct {
	Email   bool // SMTP is set up
	Webhook bool // a webhook URL is set up
}

// Outbox channels.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Wake is a dossier the sweeper has claimed: its state and the keys of the
// rungs already fired (or merged into a later one).
type Wake struct {
	AgencyID string
	ID       string
	State    dossier.State
	Fired    map[string]bool
}

// FiredRung is a rung to record as fired. The (dossier, key) pair is unique:
// recording a rung twice fails the whole transaction.
type FiredRung struct {
	Key        string
	Kind       dossier.RungKind
	At         time.Time // the rung's instant
	MergedInto string    // the later rung of the family that fired for it; "" for that rung
	Deadline   time.Time // RungApology: issue the apology by then
}

// Note is an in-app notification for one user about one rung.
type Note struct {
	UserID  string
	RungKey string
	Kind    string
	Title   string
	Body    string
	Urgent  bool
	Mail    bool // the user gets it in their next e-mail digest
}

// Outgoing is a message for the outbox.
type Outgoing struct {
	Channel     string // ChannelEmail or ChannelWebhook
	Kind        string // "digest", "citizen", "alert"
	Recipient   string // e-mail address; "" for the webhook
	Subject     string
	Body        string
	DossierCode string
	Urgent      bool
	NotBefore   time.Time // office hours, unless urgent
}

// Firing is what the sweeper writes for a claimed dossier.
type Firing struct {
	Rungs    []FiredRung
	Notes    []Note
	Outgoing []Outgoing
	Next     time.Time // the next wake-up; zero: nothing left to fire
}

// Decide chooses what fires for a claimed dossier. It runs inside the
// sweep's transaction and must not write through the store.
type Decide func(ctx context.Context, w Wake) (Firing, error)

// Sweep claims up to limit dossiers whose wake-up is due (next_wake_at ≤
// now), asks decide what fires, and writes in one transaction the fired
// rungs, their notifications and outbox rows, and each dossier's next
// wake-up. It returns how many dossiers it claimed.
//
// Exactly once: a rung is recorded under its unique (dossier, key) in the
// same transaction as what it sends, so a crash before the commit leaves
// the rung to the next sweep and a commit makes it fired for good. On
// PostgreSQL the claim takes row locks with FOR UPDATE SKIP LOCKED, so
// several instances share the due dossiers without waiting on each other;
// SQLite takes the write lock at BEGIN and serialises sweeps. The claim is
// a range scan of the dossiers_wake index: its cost grows with the number
// of dossiers due, not with the number open.
func (s *Store) Sweep(ctx context.Context, now time.Time, limit int, decide Decide) (int, error) {
	claimed := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		claimed = 0
		q := `SELECT agency_id, id FROM dossiers WHERE next_wake_at IS NOT NULL AND next_wake_at <= $1 ORDER BY next_wake_at LIMIT $2`
		if s.engine == Postgres {
			// The one place the engines differ: PostgreSQL instances skip
			// each other's claims; SQLite already holds the write lock.
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, stamp(now), limit)
		if err != nil {
			return dbErr("claim wake-ups", err)
		}
		var keys [][2]string
		for rows.Next() {
			var k [2]string
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				rows.Close()
				return dbErr("claim wake-ups", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr("claim wake-ups", err)
		}
		claimed = len(keys)
		// The claimed dossiers' events and fired rungs, one query each per agency.
		byAgency := map[string][]string{}
		for _, k := range keys {
			byAgency[k[0]] = append(byAgency[k[0]], k[1])
		}
		events, fired := map[[2]string][]string{}, map[[2]string]map[string]bool{}
		for agencyID, ids := range byAgency {
			if err := claimedRows(ctx, tx, `SELECT dossier_id, body FROM dossier_events WHERE agency_id = $1 AND dossier_id IN (%s) ORDER BY dossier_id, seq`,
				agencyID, ids, func(id, body string) { k := [2]string{agencyID, id}; events[k] = append(events[k], body) }); err != nil {
				return err
			}
			if err := claimedRows(ctx, tx, `SELECT dossier_id, rung_key FROM watch_rungs WHERE agency_id = $1 AND dossier_id IN (%s)`,
				agencyID, ids, func(id, key string) {
					k := [2]string{agencyID, id}
					if fired[k] == nil {
						fired[k] = map[string]bool{}
					}
					fired[k][key] = true
				}); err != nil {
				return err
			}
		}
		return s.fire(ctx, tx, keys, events, fired, now, decide)
	})
	return claimed, err
}

// claimedRows runs a two-column query over the claimed dossiers of an
// agency (%s stands for their placeholders) and hands each row to fn.
func claimedRows(ctx context.Context, tx *sql.Tx, query, agencyID string, ids []string, fn func(id, value string)) error {
	args := []any{agencyID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(query, strings.Join(marks, ", ")), args...)
	if err != nil {
		return dbErr("load claimed dossiers", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return dbErr("load claimed dossiers", err)
		}
		fn(id, v)
	}
	return rows.Err()
}

// replay folds a dossier's event bodies into its state.
func replay(bodies []string) (dossier.State, error) {
	if len(bodies) == 0 {
		return dossier.State{}, notFound("hồ sơ")
	}
	events := make([]dossier.Event, len(bodies))
	for i, b := range bodies {
		if err := json.Unmarshal([]byte(b), &events[i]); err != nil {
			return dossier.State{}, err
		}
	}
	return dossier.Replay(events)
}

// fire decides for every claimed dossier and writes the batch: the rungs,
// then the notifications, then the outbox rows, then the wake-ups, each
// in as few statements as the engines' parameter limits allow.
func (s *Store) fire(ctx context.Context, tx *sql.Tx, keys [][2]string, events map[[2]string][]string, fired map[[2]string]map[string]bool, now time.Time, decide Decide) error {
	var rungs, notes [][]any
	type outgoing struct {
		agencyID string
		o        Outgoing
	}
	var out []outgoing
	wakes := map[[2]string][]string{} // (agency, instant) → dossiers
	wakeAt := map[[2]string]time.Time{}
	setNext := func(agencyID, id string, at time.Time) {
		k := [2]string{agencyID, ""}
		if !at.IsZero() {
			k[1] = stamp(at).Format(time.RFC3339Nano)
			wakeAt[k] = at
		}
		wakes[k] = append(wakes[k], id)
	}
	for _, k := range keys {
		agencyID, id := k[0], k[1]
		st, err := replay(events[k])
		if err != nil {
			// A log that does not replay must not stall the queue: look again
			// in an hour (an operator sees the error in the log meanwhile).
			s.log.Error("watch: cannot load dossier; retrying in an hour", "agency", agencyID, "dossier", id, "err", err)
			setNext(agencyID, id, now.Add(time.Hour))
			continue
		}
		if fired[k] == nil {
			fired[k] = map[string]bool{}
		}
		f, err := decide(ctx, Wake{AgencyID: agencyID, ID: id, State: st, Fired: fired[k]})
		if err != nil {
			return err
		}
		for _, r := range f.Rungs {
			rungs = append(rungs, []any{agencyID, id, r.Key, string(r.Kind), stamp(r.At), stamp(now), r.MergedInto, nullTime(r.Deadline)})
		}
		for _, n := range f.Notes {
			mail := "none"
			if n.Mail {
				mail = "pending"
			}
			notes = append(notes, []any{agencyID, s.newID(), n.UserID, id, st.Code, n.RungKey, n.Kind, n.Title, n.Body, n.Urgent, mail, stamp(now)})
		}
		for _, o := range f.Outgoing {
			out = append(out, outgoing{agencyID, o})
		}
		setNext(agencyID, id, f.Next)
	}
	err := insertRows(ctx, tx, `INSERT INTO watch_rungs (agency_id, dossier_id, rung_key, kind, rung_at, fired_at, merged_into, deadline_at) VALUES `, rungs)
	if isUnique(err) {
		// Only a bug in the claim could get here; the whole batch rolls back.
		return apperr.New(apperr.Conflict, "Một mốc cảnh báo đã được gửi trước đó.")
	}
	if err != nil {
		return dbErr("record rungs", err)
	}
	if err := s.faultAt("rungs written"); err != nil {
		return err
	}
	err = insertRows(ctx, tx, `INSERT INTO notifications (agency_id, id, user_id, dossier_id, dossier_code, rung_key, kind, title, body, urgent, mail, created_at) VALUES `, notes)
	if isUnique(err) {
		return apperr.New(apperr.Conflict, "Một thông báo đã được gửi trước đó.")
	}
	if err != nil {
		return dbErr("notify", err)
	}
	for _, o := range out {
		if _, err := s.enqueue(ctx, tx, o.agencyID, o.o, now); err != nil {
			return err
		}
	}
	if err := s.faultAt("notifications written"); err != nil {
		return err
	}
	for k, ids := range wakes {
		args := []any{k[0], nullTime(wakeAt[k])}
		marks := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(i+3)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET next_wake_at = $2 WHERE agency_id = $1 AND id IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
			return dbErr("set wake-up", err)
		}
	}
	return nil
}

// insertRows inserts rows with a multi-row VALUES list, in chunks that keep
// under both engines' limits on parameters.
func insertRows(ctx context.Context, tx *sql.Tx, insert string, rows [][]any) error {
	const maxParams = 1_000
	for len(rows) > 0 {
		n := min(len(rows), maxParams/len(rows[0]))
		var b strings.Builder
		b.WriteString(insert)
		var args []any
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				b.WriteString("$" + strconv.Itoa(len(args)))
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (s *Store) faultAt(stage string) error {
	if s.fault == nil {
		return nil
	}
	return s.fault(stage)
}

func setWake(ctx context.Context, tx *sql.Tx, agencyID, id string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET next_wake_at = $3 WHERE agency_id = $1 AND id = $2`, agencyID, id, nullTime(at)); err != nil {
		return dbErr("set wake-up", err)
	}
	return nil
}

// firedRungs returns the keys of the dossier's rungs already fired or merged.
func firedRungs(ctx context.Context, q querier, agencyID, id string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT rung_key FROM watch_rungs WHERE agency_id = $1 AND dossier_id = $2`, agencyID, id)
	if err != nil {
		return nil, dbErr("fired rungs", err)
	}
	defer rows.Close()
	fired := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, dbErr("fired rungs", err)
		}
		fired[k] = true
	}
	return fired, rows.Err()
}

// enqueue writes one outbox message and returns its ID.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, agencyID string, o Outgoing, now time.Time) (string, error) {
	at := o.NotBefore
	if at.IsZero() {
		at = now
	}
	id := s.newID()
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (agency_id, id, channel, kind, recipient, subject, body, dossier_code, urgent, status, attempts, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $11)`,
		agencyID, id, o.Channel, o.Kind, o.Recipient, o.Subject, o.Body, o.DossierCode, o.Urgent, stamp(at), stamp(now))
	if err != nil {
		return "", dbErr("enqueue "+o.Channel, err)
	}
	return id, nil
}

// Ladder returns the agency's warning ladder: its own, or dossier.DefaultLadder.
func (s *Store) Ladder(ctx context.Context, agencyID string) (dossier.Ladder, error) {
	return ladderOf(ctx, s.db, agencyID)
}

func ladderOf(ctx context.Context, q querier, agencyID string) (dossier.Ladder, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT ladder FROM watch_settings WHERE agency_id = $1`, agencyID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return dossier.DefaultLadder, nil
	}
	if err != nil {
		return dossier.Ladder{}, dbErr("ladder", err)
	}
	var l dossier.Ladder
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		return dossier.Ladder{}, dbErr("decode ladder", err)
	}
	return l, nil
}

// ValidateLadder checks a ladder an administrator typed: step percentages
// from 1 to 100, days before the due from 0 to 30, at most ten of each, no
// repeats.
func ValidateLadder(l dossier.Ladder) error {
	if len(l.StepPercents) > 10 || len(l.DaysBefore) > 10 {
		return apperr.New(apperr.Invalid, "Mỗi loại mốc cảnh báo có tối đa 10 mốc.")
	}
	seen := map[int]bool{}
	for _, p := range l.StepPercents {
		if p < 1 || p > 100 || seen[p] {
			return apperr.Newf(apperr.Invalid, "Mốc theo phần trăm thời hạn bước phải từ 1 đến 100 và không lặp lại (giá trị %d).", p)
		}
		seen[p] = true
	}
	seen = map[int]bool{}
	for _, n := range l.DaysBefore {
		if n < 0 || n > 30 || seen[n] {
			return apperr.Newf(apperr.Invalid, "Mốc theo số ngày làm việc trước hạn phải từ 0 đến 30 và không lặp lại (giá trị %d).", n)
		}
		seen[n] = true
	}
	return nil
}

// SetLadder stores the agency's warning ladder and re-derives the wake-up of
// its open dossiers. It returns how many wake-ups moved.
func (s *Store) SetLadder(ctx context.Context, agencyID string, l dossier.Ladder, cal *calendar.Calendar) (int, error) {
	if err := ValidateLadder(l); err != nil {
		return 0, err
	}
	raw, err := json.Marshal(l)
	if err != nil {
		return 0, apperr.Wrap(apperr.Internal, "Lỗi lưu mốc cảnh báo.", err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO watch_settings (agency_id, ladder, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (agency_id) DO UPDATE SET ladder = $2, updated_at = $3`, agencyID, string(raw), stamp(s.now()))
		if err != nil {
			return dbErr("save ladder", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return s.RederiveWakes(ctx, agencyID, cal, "Thay đổi mốc cảnh báo của cơ quan")
}

// WakeChange records why a dossier's wake-up (and step due) moved without a
// command: a change of the working calendar or of the warning ladder.
type WakeChange struct {
	DossierID  string
	Reason     string
	OldWake    time.Time
	NewWake    time.Time
	OldStepDue time.Time
	NewStepDue time.Time
	At         time.Time
}

// RederiveWakes recomputes, with cal and the agency's ladder, the wake-up
// and the step due instant of every open dossier of the agency, writes
// those that moved and records each move with reason. Call it after the
// agency's working calendar changes (a day off announced late moves step
// deadlines and every "n working days before" rung). The legal due instant
// fixed at acceptance is not touched: it changes only through an event.
// It returns how many dossiers changed.
func (s *Store) RederiveWakes(ctx context.Context, agencyID string, cal *calendar.Calendar, reason string) (int, error) {
	ladder, err := s.Ladder(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	changed, after := 0, ""
	for {
		var ids []string
		rows, err := s.db.QueryContext(ctx, `SELECT id FROM dossiers WHERE agency_id = $1 AND finished_at IS NULL AND accepted_at IS NOT NULL AND id > $2
			ORDER BY id LIMIT 200`, agencyID, after)
		if err != nil {
			return changed, dbErr("open dossiers", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return changed, dbErr("open dossiers", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			return changed, rows.Err()
		}
		after = ids[len(ids)-1]
		err = s.tx(ctx, func(tx *sql.Tx) error {
			for _, id := range ids {
				moved, err := s.rederive(ctx, tx, agencyID, id, cal, ladder, reason, now)
				if err != nil {
					return err
				}
				if moved {
					changed++
				}
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
}

func (s *Store) rederive(ctx context.Context, tx *sql.Tx, agencyID, id string, cal *calendar.Calendar, ladder dossier.Ladder, reason string, now time.Time) (bool, error) {
	q := `SELECT next_wake_at, step_due_at FROM dossiers WHERE agency_id = $1 AND id = $2`
	if s.engine == Postgres {
		q += ` FOR UPDATE`
	}
	var oldWake, oldStep sql.NullTime
	if err := tx.QueryRowContext(ctx, q, agencyID, id).Scan(&oldWake, &oldStep); err != nil {
		return false, dbErr("rederive", err)
	}
	rec, err := loadRecord(ctx, tx, agencyID, id, 0)
	if err != nil {
		s.log.Error("rederive: cannot load dossier", "agency", agencyID, "dossier", id, "err", err)
		return false, nil
	}
	fired, err := firedRungs(ctx, tx, agencyID, id)
	if err != nil {
		return false, err
	}
	var wake, step time.Time
	if t, ok := notice.Wake(rec.State, cal, ladder, func(k string) bool { return fired[k] }, now); ok {
		wake = stamp(t)
	}
	if t, ok := rec.State.StepDue(cal); ok {
		step = stamp(t)
	}
	if sameTime(oldWake, wake) && sameTime(oldStep, step) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET next_wake_at = $3, step_due_at = $4 WHERE agency_id = $1 AND id = $2`,
		agencyID, id, nullTime(wake), nullTime(step)); err != nil {
		return false, dbErr("rederive", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO wake_changes (agency_id, id, dossier_id, reason, old_wake_at, new_wake_at, old_step_due_at, new_step_due_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, agencyID, s.newID(), id, reason, nullable(oldWake), nullTime(wake), nullable(oldStep), nullTime(step), stamp(now))
	if err != nil {
		return false, dbErr("record wake change", err)
	}
	return true, nil
}

func sameTime(a sql.NullTime, b time.Time) bool {
	if !a.Valid {
		return b.IsZero()
	}
	return a.Time.Equal(b)
}

func nullable(t sql.NullTime) any {
	if !t.Valid {
		return nil
	}
	return stamp(t.Time)
}

// WakeChanges lists, newest first, why a dossier's wake-up moved.
func (s *Store) WakeChanges(ctx context.Context, agencyID, dossierID string) ([]WakeChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT dossier_id, reason, old_wake_at, new_wake_at, old_step_due_at, new_step_due_at, created_at
		FROM wake_changes WHERE agency_id = $1 AND dossier_id = $2 ORDER BY created_at DESC, id DESC`, agencyID, dossierID)
	if err != nil {
		return nil, dbErr("wake changes", err)
	}
	defer rows.Close()
	var out []WakeChange
	for rows.Next() {
		var c WakeChange
		var ow, nw, os, ns sql.NullTime
		if err := rows.Scan(&c.DossierID, &c.Reason, &ow, &nw, &os, &ns, &c.At); err != nil {
			return nil, dbErr("wake changes", err)
		}
		c.OldWake, c.NewWake, c.OldStepDue, c.NewStepDue = ow.Time, nw.Time, os.Time, ns.Time
		out = append(out, c)
	}
	return out, rows.Err()
}

// afterCommand is the watcher's part of a command's transaction: it sets
// the wake-up with the agency's ladder, the apology rung and the rungs
// already fired (a rung due but not yet swept keeps the dossier due); it
// settles the apology prompt once the dossier is rescheduled, finished or
// gets a new legal due; and it enqueues the citizen's status e-mail and the
// webhook call. History loaded with Exec.At notifies nobody.
func (s *Store) afterCommand(ctx context.Context, tx *sql.Tx, in Exec, id string, before dossier.State, rec Record, cal *calendar.Calendar, now time.Time, isNew bool) error {
	st := rec.State
	ladder, err := ladderOf(ctx, tx, in.AgencyID)
	if err != nil {
		return err
	}
	fired := map[string]bool{}
	if !isNew {
		if fired, err = firedRungs(ctx, tx, in.AgencyID, id); err != nil {
			return err
		}
	}
	wake, ok := notice.Wake(st, cal, ladder, func(k string) bool { return fired[k] }, now)
	if def, dok := dossier.NextWake(st, cal, now); ok != dok || !stamp(wake).Equal(stamp(def)) {
		if !ok {
			wake = time.Time{}
		}
		if err := setWake(ctx, tx, in.AgencyID, id, wake); err != nil {
			return err
		}
	}
	if !isNew && (st.Rescheduled && !before.Rescheduled || st.Closed() && !before.Closed() || !st.LegalDue.Equal(before.LegalDue)) {
		if _, err := tx.ExecContext(ctx, `UPDATE watch_rungs SET settled_at = $3 WHERE agency_id = $1 AND dossier_id = $2 AND kind = 'apology' AND settled_at IS NULL`,
			in.AgencyID, id, stamp(now)); err != nil {
			return dbErr("settle apology", err)
		}
	}
	if !in.At.IsZero() {
		return nil
	}
	email := s.chans.Email && st.Applicant.Email != ""
	if !email && !s.chans.Webhook {
		return nil
	}
	var agencyName string
	for _, e := range rec.Events[min(before.Version, len(rec.Events)):] {
		m, ok := notice.Citizen(agencyName, st, e)
		if !ok {
			continue
		}
		if agencyName == "" {
			if err := tx.QueryRowContext(ctx, `SELECT name FROM agencies WHERE id = $1`, in.AgencyID).Scan(&agencyName); err != nil {
				return dbErr("agency name", err)
			}
			m, _ = notice.Citizen(agencyName, st, e)
		}
		at := notice.SendAt(cal, now, false)
		if email {
			if _, err := s.enqueue(ctx, tx, in.AgencyID, Outgoing{Channel: ChannelEmail, Kind: "citizen", Recipient: st.Applicant.Email,
				Subject: m.Subject, Body: m.Body, DossierCode: st.Code, NotBefore: at}, now); err != nil {
				return err
			}
		}
		if s.chans.Webhook {
			a := st.Applicant
			body, err := json.Marshal(notice.Hook{Event: "dossier.status", AgencyID: in.AgencyID, Dossier: st.Code, Kind: string(e.Type),
				Title: m.Subject, Body: m.Body, At: now.UTC(), Applicant: &notice.Applicant{Name: a.Name, Email: a.Email, Phone: a.Phone}})
			if err != nil {
				return apperr.Wrap(apperr.Internal, "Lỗi tạo thông báo.", err)
			}
			if _, err := s.enqueue(ctx, tx, in.AgencyID, Outgoing{Channel: ChannelWebhook, Kind: "citizen", Subject: m.Subject,
				Body: string(body), DossierCode: st.Code, NotBefore: at}, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// RungRecord is a fired rung as recorded.
type RungRecord struct {
	Key        string
	Kind       string
	At         time.Time
	FiredAt    time.Time
	MergedInto string
	Deadline   time.Time
	SettledAt  time.Time
}

// FiredRungs lists the rungs fired for a dossier, in the order they were due.
func (s *Store) FiredRungs(ctx context.Context, agencyID, dossierID string) ([]RungRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rung_key, kind, rung_at, fired_at, merged_into, deadline_at, settled_at
		FROM watch_rungs WHERE agency_id = $1 AND dossier_id = $2 ORDER BY rung_at, rung_key`, agencyID, dossierID)
	if err != nil {
		return nil, dbErr("fired rungs", err)
	}
	defer rows.Close()
	var out []RungRecord
	for rows.Next() {
		var r RungRecord
		var deadline, settled sql.NullTime
		if err := rows.Scan(&r.Key, &r.Kind, &r.At, &r.FiredAt, &r.MergedInto, &deadline, &settled); err != nil {
			return nil, dbErr("fired rungs", err)
		}
		r.Deadline, r.SettledAt = deadline.Time, settled.Time
		out = append(out, r)
	}
	return out, rows.Err()
}
