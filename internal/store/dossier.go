package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// Record is a dossier with its full history.
type Record struct {
	ID     string
	State  dossier.State
	Events []dossier.Event
}

// Exec is one command to execute on a dossier.
type Exec struct {
	AgencyID string
	// DossierID or Code names an existing dossier; both empty for a new one (Receive, Submit).
	DossierID, Code string
	// ExpectedVersion, if > 0, must equal the dossier's version (optimistic concurrency).
	ExpectedVersion int
	// IdempotencyKey, if set, makes a retry return the first result and write nothing.
	IdempotencyKey string
	// RequestHash identifies the request body under the key.
	RequestHash string
	// ProcedureID names the procedure of a new dossier (Receive, Submit, intake refusals).
	ProcedureID string
	// At, if set, is when the command happens instead of the store's clock:
	// for loading history (demo data, migration from an older system).
	At      time.Time
	Actor   dossier.Actor
	Command dossier.Command
}

// genesis is the previous hash of a dossier's first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// chain returns the hash of an event body following prev.
func chain(prev string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Execute runs a command in one transaction: it appends the events
// (hash-chained), updates the projection row, the counters and the
// idempotency record. cal and now are the agency's calendar and the
// current time; secret makes the citizen's lookup secret for a receipt.
func (s *Store) Execute(ctx context.Context, in Exec, cal *calendar.Calendar, secret func() string) (Record, error) {
	now := s.now()
	if !in.At.IsZero() {
		now = in.At
	}
	var rec Record
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if in.IdempotencyKey != "" {
			var userID, hash, dossierID string
			var version int
			err := tx.QueryRowContext(ctx, `SELECT user_id, request_hash, dossier_id, version FROM idempotency_keys WHERE agency_id = $1 AND idem_key = $2`,
				in.AgencyID, in.IdempotencyKey).Scan(&userID, &hash, &dossierID, &version)
			switch {
			case err == nil:
				if hash != in.RequestHash || userID != in.Actor.UserID {
					return apperr.New(apperr.Conflict, "Idempotency-Key này đã được dùng cho một yêu cầu khác.")
				}
				var lerr error
				rec, lerr = loadRecord(ctx, tx, in.AgencyID, dossierID, version)
				return lerr
			case !errors.Is(err, sql.ErrNoRows):
				return dbErr("idempotency", err)
			}
		}
		var err error
		rec, err = s.execute(ctx, tx, in, cal, secret, now)
		if err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (agency_id, idem_key, user_id, request_hash, dossier_id, version, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.AgencyID, in.IdempotencyKey, in.Actor.UserID, in.RequestHash, rec.ID, rec.State.Version, stamp(now)); err != nil {
				if isUnique(err) {
					return apperr.New(apperr.Conflict, "Yêu cầu với Idempotency-Key này đang được xử lý. Vui lòng thử lại.")
				}
				return dbErr("save idempotency key", err)
			}
		}
		return nil
	})
	return rec, err
}

func (s *Store) execute(ctx context.Context, tx *sql.Tx, in Exec, cal *calendar.Calendar, secret func() string, now time.Time) (Record, error) {
	var rec Record
	var lastHash string
	isNew := in.DossierID == "" && in.Code == ""
	if isNew {
		rec.ID, lastHash = s.newID(), genesis
	} else {
		var err error
		rec.ID, err = dossierID(ctx, tx, in.AgencyID, in.DossierID, in.Code)
		if err != nil {
			return rec, err
		}
		if rec, err = loadRecord(ctx, tx, in.AgencyID, rec.ID, 0); err != nil {
			return rec, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT last_hash FROM dossiers WHERE agency_id = $1 AND id = $2`, in.AgencyID, rec.ID).Scan(&lastHash); err != nil {
			return rec, dbErr("last hash", err)
		}
	}
	if in.ExpectedVersion > 0 && in.ExpectedVersion != rec.State.Version {
		return rec, apperr.Newf(apperr.Conflict, "Hồ sơ đã được người khác cập nhật (phiên bản %d, yêu cầu dựa trên phiên bản %d). Vui lòng tải lại.", rec.State.Version, in.ExpectedVersion)
	}
	env, err := s.commandEnv(ctx, tx, in, rec.State, cal, secret, now)
	if err != nil {
		return rec, err
	}
	if t, ok := in.Command.(dossier.Transfer); ok {
		if in.Command, err = resolveTransfer(ctx, tx, in.AgencyID, t); err != nil {
			return rec, err
		}
	}
	events, err := dossier.Decide(rec.State, in.Command, in.Actor, env)
	if err != nil {
		return rec, err
	}
	before := rec.State
	for _, e := range events {
		if err := rec.State.Apply(e); err != nil {
			return rec, apperr.Wrap(apperr.Internal, "Lỗi xử lý hồ sơ.", err)
		}
		body, err := json.Marshal(e)
		if err != nil {
			return rec, apperr.Wrap(apperr.Internal, "Lỗi xử lý hồ sơ.", err)
		}
		hash := chain(lastHash, body)
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (agency_id, dossier_id, seq, type, at, actor, body, prev_hash, hash, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			in.AgencyID, rec.ID, rec.State.Version, string(e.Type), stamp(e.At), e.Actor, string(body), lastHash, hash, stamp(now)); err != nil {
			if isUnique(err) {
				return rec, apperr.New(apperr.Conflict, "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại.")
			}
			return rec, dbErr("append event", err)
		}
		lastHash = hash
		rec.Events = append(rec.Events, e)
	}
	if err := saveProjection(ctx, tx, in.AgencyID, rec.ID, before, rec.State, lastHash, cal, now, isNew); err != nil {
		return rec, err
	}
	if err := s.afterCommand(ctx, tx, in, rec.ID, before, rec, cal, now, isNew); err != nil {
		return rec, err
	}
	if err := enqueuePortal(ctx, tx, in.AgencyID, rec.ID, rec.State, now); err != nil {
		return rec, err
	}
	return rec, updateCounters(ctx, tx, in.AgencyID, before, rec.State)
}

// dossierID resolves a dossier by ID or code.
func dossierID(ctx context.Context, q querier, agencyID, id, code string) (string, error) {
	var err error
	if id != "" {
		err = q.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE agency_id = $1 AND id = $2`, agencyID, id).Scan(&id)
	} else {
		// Before acceptance a dossier has no code yet and is named by its ID.
		err = q.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE agency_id = $1 AND (code = $2 OR id = $2)`, agencyID, code).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		if code != "" {
			return "", notFound("hồ sơ " + code)
		}
		return "", notFound("hồ sơ")
	}
	if err != nil {
		return "", dbErr("find dossier", err)
	}
	return id, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// loadRecord replays a dossier's events up to version (0: all).
func loadRecord(ctx context.Context, q querier, agencyID, id string, version int) (Record, error) {
	rec := Record{ID: id}
	rows, err := q.QueryContext(ctx, `SELECT body FROM dossier_events WHERE agency_id = $1 AND dossier_id = $2 AND ($3 = 0 OR seq <= $3) ORDER BY seq`,
		agencyID, id, version)
	if err != nil {
		return rec, dbErr("load events", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return rec, dbErr("scan event", err)
		}
		var e dossier.Event
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			return rec, dbErr("decode event", err)
		}
		rec.Events = append(rec.Events, e)
	}
	if err := rows.Err(); err != nil {
		return rec, dbErr("load events", err)
	}
	if len(rec.Events) == 0 {
		return rec, notFound("hồ sơ")
	}
	rec.State, err = dossier.Replay(rec.Events)
	if err != nil {
		return rec, apperr.Wrap(apperr.Internal, "Nhật ký hồ sơ bị hỏng.", err)
	}
	return rec, nil
}

// Dossier returns the dossier with the given code (or ID) and its history.
func (s *Store) Dossier(ctx context.Context, agencyID, codeOrID string) (Record, error) {
	id, err := dossierID(ctx, s.db, agencyID, "", codeOrID)
	if err != nil {
		return Record{}, err
	}
	return loadRecord(ctx, s.db, agencyID, id, 0)
}

// VerifyChain recomputes a dossier's hash chain and reports the first broken link.
func (s *Store) VerifyChain(ctx context.Context, agencyID, id string) error {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, body, prev_hash, hash FROM dossier_events WHERE agency_id = $1 AND dossier_id = $2 ORDER BY seq`, agencyID, id)
	if err != nil {
		return dbErr("verify chain", err)
	}
	defer rows.Close()
	prev := genesis
	for rows.Next() {
		var seq int
		var body, p, h string
		if err := rows.Scan(&seq, &body, &p, &h); err != nil {
			return dbErr("verify chain", err)
		}
		if p != prev || chain(prev, []byte(body)) != h {
			return apperr.Newf(apperr.Conflict, "Nhật ký hồ sơ bị thay đổi tại sự kiện số %d.", seq)
		}
		prev = h
	}
	var last string
	if err := s.db.QueryRowContext(ctx, `SELECT last_hash FROM dossiers WHERE agency_id = $1 AND id = $2`, agencyID, id).Scan(&last); err != nil {
		return dbErr("verify chain", err)
	}
	if last != prev {
		return apperr.New(apperr.Conflict, "Nhật ký hồ sơ bị cắt bớt: mã băm cuối không khớp.")
	}
	return rows.Err()
}

// commandEnv gathers what Decide needs from outside the dossier: the
// procedure version in force, and for Receive the next dossier code and a
// lookup secret. The code sequence row is locked by the update, so codes
// are gap-free per receiving unit and day: a command that fails rolls the
// increment back with it.
func (s *Store) commandEnv(ctx context.Context, tx *sql.Tx, in Exec, st dossier.State, cal *calendar.Calendar, secret func() string, now time.Time) (dossier.Env, error) {
	env := dossier.Env{Now: now, Calendar: cal}
	switch in.Command.(type) {
	case dossier.Submit, dossier.Receive, dossier.RefuseAtIntake, dossier.RequestCompletion:
	default:
		return env, nil
	}
	procID := st.Procedure.ID
	if procID == "" {
		procID = in.ProcedureID
	}
	if procID == "" {
		return env, apperr.New(apperr.Invalid, "Chưa chọn thủ tục hành chính cho hồ sơ.")
	}
	p, err := s.procedureVersion(ctx, tx, in.AgencyID, procID, 0)
	if err != nil {
		return env, err
	}
	env.Procedure = dossier.ProcedureRef{ID: p.ID, Version: p.VersionNo, Procedure: p.Procedure}
	rc, ok := in.Command.(dossier.Receive)
	if !ok {
		return env, nil
	}
	accepted := rc.AcceptedAt
	if accepted.IsZero() {
		accepted = now
	}
	day := accepted.In(calendar.Zone).Format("060102")
	var agencyCode string
	if err := tx.QueryRowContext(ctx, `SELECT code FROM agencies WHERE id = $1`, in.AgencyID).Scan(&agencyCode); err != nil {
		return env, dbErr("agency code", err)
	}
	// The code carries the agency's identifier: units have no national
	// identifier of their own yet, so the sequence runs per agency and day
	// (unit_id ''), or two receiving units would hand out the same code.
	var seq int
	if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_sequences (agency_id, unit_id, day, last) VALUES ($1, '', $2, 1)
		ON CONFLICT (agency_id, unit_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`,
		in.AgencyID, day).Scan(&seq); err != nil {
		return env, dbErr("next dossier number", err)
	}
	if seq > 9999 {
		return env, apperr.New(apperr.Conflict, "Đã hết số thứ tự hồ sơ trong ngày (tối đa 9999).")
	}
	env.Code = fmt.Sprintf("%s-%s-%04d", agencyCode, day, seq)
	env.Secret = secret()
	return env, nil
}

// resolveTransfer checks that a transfer's officer and unit exist in the
// agency, and fills the unit from the officer when it is not given.
func resolveTransfer(ctx context.Context, tx *sql.Tx, agencyID string, t dossier.Transfer) (dossier.Transfer, error) {
	if t.ToUser != "" {
		var unit string
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT unit_id, active FROM users WHERE agency_id = $1 AND id = $2`, agencyID, t.ToUser).Scan(&unit, &active)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && !active:
			return t, apperr.New(apperr.Invalid, "Không tìm thấy cán bộ nhận hồ sơ, hoặc tài khoản đã bị khoá.")
		case err != nil:
			return t, dbErr("transfer target", err)
		case t.ToUnit == "":
			t.ToUnit = unit
		case t.ToUnit != unit:
			return t, apperr.New(apperr.Invalid, "Cán bộ nhận hồ sơ không thuộc đơn vị được chọn.")
		}
	}
	if t.ToUnit != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE agency_id = $1 AND id = $2`, agencyID, t.ToUnit).Scan(&n); err != nil {
			return t, dbErr("transfer unit", err)
		}
		if n == 0 {
			return t, apperr.New(apperr.Invalid, "Không tìm thấy đơn vị nhận hồ sơ.")
		}
	}
	return t, nil
}
