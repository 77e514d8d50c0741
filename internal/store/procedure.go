package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/procedure"
)

// CatalogueEntry is a stored procedure version.
type CatalogueEntry struct {
	ID        string // procedure ID, stable across versions
	VersionNo int
	procedure.Procedure
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created     int      // new procedures
	NewVersions int      // procedures whose content changed: a new version was added
	Unchanged   int      // procedures identical to their latest version
	NoDuration  []string // keys of procedures imported without a legal duration
}

// ImportProcedures writes the procedures into the agency's catalogue in one
// transaction: a new procedure gets version 1, a changed one a new version,
// an identical one nothing. Every step plan must fit inside its legal
// duration (minutesPerDay is the agency's working-day length); the first
// that does not aborts the whole import.
func (s *Store) ImportProcedures(ctx context.Context, agencyID string, procs []procedure.Procedure, minutesPerDay int) (ImportResult, error) {
	var res ImportResult
	for i, p := range procs {
		if err := p.CheckPlan(minutesPerDay); err != nil {
			return res, apperr.Wrap(apperr.Invalid, fmt.Sprintf("Thủ tục %s (bản ghi %d): quy trình nội bộ vượt thời hạn giải quyết: %v", p.Key, i+1, err), err)
		}
	}
	now := stamp(s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range procs {
			var id string
			var latest int
			var code string
			err := tx.QueryRowContext(ctx, `SELECT id, latest, code FROM procedures WHERE agency_id = $1 AND source_key = $2`, agencyID, p.Key).Scan(&id, &latest, &code)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				id, latest = s.newID(), 1
				if _, err := tx.ExecContext(ctx, `INSERT INTO procedures (agency_id, id, source_key, code, latest, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
					agencyID, id, p.Key, p.Code, latest, now); err != nil {
					if isForeignKey(err) {
						return notFound("cơ quan")
					}
					return dbErr("insert procedure", err)
				}
				res.Created++
			case err != nil:
				return dbErr("find procedure", err)
			default:
				var fp string
				if err := tx.QueryRowContext(ctx, `SELECT fingerprint FROM procedure_versions WHERE agency_id = $1 AND procedure_id = $2 AND version = $3`,
					agencyID, id, latest).Scan(&fp); err != nil {
					return dbErr("latest version", err)
				}
				if fp == p.Fingerprint() && code == p.Code {
					res.Unchanged++
					continue
				}
				latest++
				if _, err := tx.ExecContext(ctx, `UPDATE procedures SET latest = $1, code = $2 WHERE agency_id = $3 AND id = $4`, latest, p.Code, agencyID, id); err != nil {
					return dbErr("bump version", err)
				}
				res.NewVersions++
			}
			if p.Legal == nil {
				res.NoDuration = append(res.NoDuration, p.Key)
			}
			if err := insertVersion(ctx, tx, agencyID, id, latest, p.Version, now); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

func insertVersion(ctx context.Context, tx *sql.Tx, agencyID, procID string, version int, v procedure.Version, now any) error {
	unit, value, cutoff := "none", 0, 0
	if v.Legal != nil {
		unit, value, cutoff = string(v.Legal.Unit), v.Legal.Value, v.Legal.Cutoff
	}
	docs, err := json.Marshal(nonNil(v.RequiredDocuments))
	if err != nil {
		return dbErr("encode documents", err)
	}
	effective := now
	if !v.EffectiveFrom.IsZero() {
		effective = stamp(v.EffectiveFrom)
	}
	online := v.Online
	if online == "" {
		online = procedure.OnlineNone
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_versions (agency_id, procedure_id, version, name, field, field_code, level,
		duration_value, duration_unit, same_day_cutoff, duration_text, online_level, fee, required_documents, source, steps_generated,
		fingerprint, effective_from, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		agencyID, procID, version, v.Name, v.Field, v.FieldCode, v.Level, value, unit, cutoff, v.DurationText, string(online), v.Fee,
		string(docs), v.Source, v.StepsGenerated, v.Fingerprint(), effective, now); err != nil {
		return dbErr("insert version", err)
	}
	for i, st := range v.Steps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_steps (agency_id, procedure_id, version, position, role, actor, budget_minutes, external, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			agencyID, procID, version, i+1, string(st.Role), st.Actor, st.Budget, st.External, st.Note); err != nil {
			return dbErr("insert step", err)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const versionColumns = `p.id, p.source_key, p.code, v.version, v.name, v.field, v.field_code, v.level, v.duration_value, v.duration_unit,
	v.same_day_cutoff, v.duration_text, v.online_level, v.fee, v.required_documents, v.source, v.steps_generated, v.effective_from`

// Procedures lists the latest version of every procedure of the agency, by name.
func (s *Store) Procedures(ctx context.Context, agencyID string) ([]CatalogueEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionColumns+`
		FROM procedures p JOIN procedure_versions v ON v.agency_id = p.agency_id AND v.procedure_id = p.id AND v.version = p.latest
		WHERE p.agency_id = $1 ORDER BY v.name, p.source_key`, agencyID)
	if err != nil {
		return nil, dbErr("list procedures", err)
	}
	defer rows.Close()
	var out []CatalogueEntry
	index := map[string]int{}
	for rows.Next() {
		e, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("list procedures", err)
	}
	steps, err := s.db.QueryContext(ctx, `SELECT st.procedure_id, st.role, st.actor, st.budget_minutes, st.external, st.note
		FROM procedure_steps st JOIN procedures p ON p.agency_id = st.agency_id AND p.id = st.procedure_id AND p.latest = st.version
		WHERE st.agency_id = $1 ORDER BY st.procedure_id, st.position`, agencyID)
	if err != nil {
		return nil, dbErr("list steps", err)
	}
	defer steps.Close()
	for steps.Next() {
		var procID string
		st, err := scanStep(steps, &procID)
		if err != nil {
			return nil, err
		}
		if i, ok := index[procID]; ok {
			out[i].Steps = append(out[i].Steps, st)
		}
	}
	return out, steps.Err()
}

// ProcedureVersion returns one version of a procedure; version 0 means the latest.
func (s *Store) ProcedureVersion(ctx context.Context, agencyID, procedureID string, version int) (CatalogueEntry, error) {
	return s.procedureVersion(ctx, s.db, agencyID, procedureID, version)
}

func (s *Store) procedureVersion(ctx context.Context, q querier, agencyID, procedureID string, version int) (CatalogueEntry, error) {
	row := q.QueryRowContext(ctx, `SELECT `+versionColumns+`
		FROM procedures p JOIN procedure_versions v ON v.agency_id = p.agency_id AND v.procedure_id = p.id
		WHERE p.agency_id = $1 AND p.id = $2 AND v.version = CASE WHEN $3 = 0 THEN p.latest ELSE $3 END`, agencyID, procedureID, version)
	e, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("thủ tục hành chính")
	}
	if err != nil {
		return e, err
	}
	rows, err := q.QueryContext(ctx, `SELECT procedure_id, role, actor, budget_minutes, external, note FROM procedure_steps
		WHERE agency_id = $1 AND procedure_id = $2 AND version = $3 ORDER BY position`, agencyID, procedureID, e.VersionNo)
	if err != nil {
		return e, dbErr("steps", err)
	}
	defer rows.Close()
	for rows.Next() {
		var procID string
		st, err := scanStep(rows, &procID)
		if err != nil {
			return e, err
		}
		e.Steps = append(e.Steps, st)
	}
	return e, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanVersion(r scanner) (CatalogueEntry, error) {
	var e CatalogueEntry
	var value, cutoff int
	var unit, online, docs string
	err := r.Scan(&e.ID, &e.Key, &e.Code, &e.VersionNo, &e.Name, &e.Field, &e.FieldCode, &e.Level, &value, &unit,
		&cutoff, &e.DurationText, &online, &e.Fee, &docs, &e.Source, &e.StepsGenerated, &e.EffectiveFrom)
	if errors.Is(err, sql.ErrNoRows) {
		return e, err
	}
	if err != nil {
		return e, dbErr("scan procedure", err)
	}
	if unit != "none" {
		e.Legal = &calendar.Duration{Value: value, Unit: calendar.Unit(unit), Cutoff: cutoff}
	}
	e.Online = procedure.OnlineLevel(online)
	if err := json.Unmarshal([]byte(docs), &e.RequiredDocuments); err != nil {
		return e, dbErr("decode documents", err)
	}
	return e, nil
}

func scanStep(r scanner, procID *string) (procedure.Step, error) {
	var st procedure.Step
	var role string
	if err := r.Scan(procID, &role, &st.Actor, &st.Budget, &st.External, &st.Note); err != nil {
		return st, dbErr("scan step", err)
	}
	st.Role = auth.Role(role)
	return st, nil
}
