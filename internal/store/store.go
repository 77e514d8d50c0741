// Package store persists the domain on SQLite (modernc.org/sqlite, the
// zero-configuration default) or PostgreSQL (pgx), with one set of queries.
// The SQL is PostgreSQL-flavoured ($1 placeholders) and accepted by both
// engines; where the engines must differ, this file says so.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"dunghan/internal/apperr"
)

// Engine names the database engine behind a Store.
type Engine string

// The two supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Options are the injected dependencies of a Store.
type Options struct {
	Now   func() time.Time // clock for created_at columns; default time.Now
	NewID func() string    // identifier generator; default 16 random bytes in hex
	Log   *slog.Logger     // default slog.Default()
	// Channels are the outbound channels configured; a command enqueues
	// its citizen messages only for these.
	Channels Channels
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	engine Engine
	now    func() time.Time
	newID  func() string
	log    *slog.Logger
	chans  Channels
	fault  func(stage string) error // tests: fail a sweep at a stage
}

// Open connects to the database named by url ("sqlite:PATH" or
// "postgres://…"), creating the SQLite file and its folder if needed, and
// checks that it answers. It does not migrate.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.NewID == nil {
		opt.NewID = randomID
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	s := &Store{now: opt.Now, newID: opt.NewID, log: opt.Log, chans: opt.Channels}
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		s.engine = SQLite
		s.db, err = openSQLite(strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s.engine = Postgres
		s.db, err = sql.Open("pgx", url)
	default:
		return nil, fmt.Errorf("database URL must start with sqlite: or postgres://, got %q", Redact(url))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(url), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("cannot reach database %s: %s", Redact(url), oneLine(err))
	}
	return s, nil
}

// openSQLite opens the file in WAL mode with foreign keys on, a busy
// timeout, and write transactions that take the lock at BEGIN (so two
// writers queue instead of failing with SQLITE_BUSY on upgrade).
func openSQLite(path string) (*sql.DB, error) {
	if path != ":memory:" {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, err
			}
		}
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sql.Open("sqlite", dsn)
}

// Redact hides the password of a database URL for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Engine reports which engine the store uses.
func (s *Store) Engine() Engine { return s.engine }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies every pending embedded migration of the store's engine.
// Migrations are forward-only.
func (s *Store) Migrate(ctx context.Context) error {
	dialect := goose.DialectPostgres
	if s.engine == SQLite {
		dialect = goose.DialectSQLite3
	}
	dir, err := fs.Sub(migrations, "migrations/"+string(s.engine))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.db, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		s.log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// tx runs fn in one transaction, committed if fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return unavailable(err)
	}
	return nil
}

// stamp returns t in UTC at microsecond precision, the form every instant
// is written in, so that both engines store and compare it the same way.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func unavailable(err error) error {
	return apperr.Wrap(apperr.Unavailable, "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau.", err)
}

// isUnique reports whether err is a unique-constraint violation on either engine.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// notFound returns the typed "not found" error for a thing described in Vietnamese.
func notFound(what string) error {
	return apperr.Newf(apperr.NotFound, "Không tìm thấy %s.", what)
}

// dbErr classifies an unexpected database error.
func dbErr(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return apperr.Wrap(apperr.Internal, "Lỗi cơ sở dữ liệu.", fmt.Errorf("%s: %w", op, err))
}

// isForeignKey reports whether err is a foreign-key violation on either engine.
func isForeignKey(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}

// oneLine folds a multi-line driver error (pgx lists every address tried)
// into one line for the operator.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
