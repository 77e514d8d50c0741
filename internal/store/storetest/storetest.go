// Package storetest opens fresh, migrated stores for tests: always on
// SQLite, and also on PostgreSQL when DUNGHAN_TEST_PG holds a server URL
// (e.g. postgres://postgres@127.0.0.1:5432/postgres).
//
// On PostgreSQL each test package gets its own throwaway database,
// recreated on first use, and each test its own schema inside it, so tests
// are isolated and fast.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"dunghan/internal/store"
)

// Each runs fn as a subtest on every available engine ("sqlite", "postgres").
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, Open(t, engine, store.Options{}))
		})
	}
}

// Engines lists the engines tests run on here.
func Engines() []store.Engine {
	if os.Getenv("DUNGHAN_TEST_PG") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Open returns a fresh migrated store on the engine, closed when the test ends.
// Zero fields of opt get deterministic test defaults.
func Open(t testing.TB, engine store.Engine, opt store.Options) *store.Store {
	t.Helper()
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.NewID == nil {
		var n atomic.Int64
		opt.NewID = func() string { return fmt.Sprintf("id%06d", n.Add(1)) }
	}
	ctx := context.Background()
	u := URL(t, engine)
	s, err := store.Open(ctx, u, opt)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return s
}

// URL returns the URL of a fresh, empty database on the engine.
func URL(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := packageDB(t)
	schema := fmt.Sprintf("t%d_%s", schemaSeq.Add(1), sanitize(t.Name()))
	if len(schema) > 60 {
		schema = schema[:60]
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA "` + schema + `"`); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	schemaSeq atomic.Int64
	pgOnce    sync.Once
	pgURL     string
	pgErr     error
)

// packageDB creates, once per test binary, a database named after the
// test package and returns its URL.
func packageDB(t testing.TB) string {
	pgOnce.Do(func() {
		server := os.Getenv("DUNGHAN_TEST_PG")
		wd, _ := os.Getwd()
		name := "dunghan_test_" + sanitize(filepath.Base(wd))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", server)
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			pgErr = fmt.Errorf("drop %s: %w", name, err)
			return
		}
		if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			pgErr = fmt.Errorf("create %s: %w", name, err)
			return
		}
		u, err := url.Parse(server)
		if err != nil {
			pgErr = err
			return
		}
		u.Path = "/" + name
		pgURL = u.String()
	})
	if pgErr != nil {
		t.Fatalf("PostgreSQL test database (DUNGHAN_TEST_PG): %v", pgErr)
	}
	return pgURL
}

var unsafe = regexp.MustCompile(`[^a-z0-9_]+`)

func sanitize(s string) string { return unsafe.ReplaceAllString(strings.ToLower(s), "_") }
