package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// MaxRegister bounds the dossiers one register print may hold.
const MaxRegister = 5000

// RegisterEntry is one line of the dossier register (sổ theo dõi hồ sơ).
type RegisterEntry struct {
	// No is the dossier's number in the register: continuous from 1 over
	// the calendar year (Asia/Ho_Chi_Minh) of its acceptance, in the order
	// of acceptance then code, per receiving unit.
	No int
	Record
}

// AgencyByID returns the agency with the ID.
func (s *Store) AgencyByID(ctx context.Context, id string) (agency.Agency, error) {
	a := agency.Agency{ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT code, name, province FROM agencies WHERE id = $1`, id).Scan(&a.Code, &a.Name, &a.Province)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("cơ quan")
	}
	if err != nil {
		return a, dbErr("agency by id", err)
	}
	return a, nil
}

// Register returns the dossiers the unit accepted in [from, to), each with
// its yearly number and its history. A year's numbers before from are
// counted, not read: the cost follows the year so far and the range.
func (s *Store) Register(ctx context.Context, agencyID, unitID string, from, to time.Time) ([]RegisterEntry, error) {
	if !to.After(from) {
		return nil, apperr.New(apperr.Invalid, "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	const where = `agency_id = $1 AND receiving_unit = $2 AND accepted_at >= $3 AND accepted_at < $4`
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE `+where, agencyID, unitID, stamp(from), stamp(to)).Scan(&n); err != nil {
		return nil, dbErr("register size", err)
	}
	if n > MaxRegister {
		return nil, apperr.Newf(apperr.Invalid, "Khoảng ngày có %d hồ sơ, quá %d hồ sơ một lần in: hãy chọn khoảng ngắn hơn.", n, MaxRegister)
	}
	yearStart := time.Date(from.In(calendar.Zone).Year(), time.January, 1, 0, 0, 0, 0, calendar.Zone)
	var before int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE `+where, agencyID, unitID, stamp(yearStart), stamp(from)).Scan(&before); err != nil {
		return nil, dbErr("register numbering", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, e.body FROM dossiers d JOIN dossier_events e ON e.agency_id = d.agency_id AND e.dossier_id = d.id
		WHERE d.`+where+` ORDER BY d.accepted_at, d.code, e.seq`, agencyID, unitID, stamp(from), stamp(to))
	if err != nil {
		return nil, dbErr("register", err)
	}
	defer rows.Close()
	var out []RegisterEntry
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, dbErr("register", err)
		}
		var e dossier.Event
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			return nil, dbErr("decode event", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, RegisterEntry{Record: Record{ID: id}})
		}
		cur := &out[len(out)-1]
		cur.Events = append(cur.Events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("register", err)
	}
	year, no := yearStart.Year(), before
	for i := range out {
		st, err := dossier.Replay(out[i].Events)
		if err != nil {
			return nil, apperr.Wrap(apperr.Internal, "Nhật ký hồ sơ bị hỏng.", err)
		}
		if y := st.AcceptedAt.In(calendar.Zone).Year(); y != year {
			year, no = y, 0
		}
		no++
		out[i].State, out[i].No = st, no
	}
	return out, nil
}
