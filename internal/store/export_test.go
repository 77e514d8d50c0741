package store

import (
	"database/sql"
	"time"
)

// SetFault makes the store's sweeps call f at each stage and fail with its error.
func SetFault(s *Store, f func(stage string) error) { s.fault = f }

// DB exposes the connection pool to benchmarks that load rows directly.
func DB(s *Store) *sql.DB { return s.db }

// NextWake reads a dossier's next_wake_at.
func NextWake(s *Store, agencyID, id string) (time.Time, bool) {
	var t sql.NullTime
	if err := s.db.QueryRow(`SELECT next_wake_at FROM dossiers WHERE agency_id = $1 AND id = $2`, agencyID, id).Scan(&t); err != nil {
		panic(err)
	}
	return t.Time, t.Valid
}
