package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// BenchmarkReceive measures accepting a dossier (code allocation, event,
// projection, counters: one transaction) beside the engine's floor, a
// transaction that inserts one row.
func BenchmarkReceive(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine)+"/receive", func(b *testing.B) {
			ctx := context.Background()
			now := time.Date(2025, 3, 3, 9, 0, 0, 0, calendar.Zone)
			s := storetest.Open(b, engine, store.Options{Now: func() time.Time { return now }})
			sum, err := demo.Seed(ctx, s, rand.Reader, 480)
			if err != nil {
				b.Fatal(err)
			}
			procs, _ := s.Procedures(ctx, sum.Agency.ID)
			u, _ := s.UserByUsername(ctx, "motcua1")
			actor := dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
			cal, _ := calendar.New(calendar.DefaultConfig())
			var proc string
			for _, p := range procs {
				if p.Key == "edu-001" {
					proc = p.ID
				}
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				at := now.AddDate(0, 0, i/9000) // stay under 9999 codes a day
				if _, err := s.Execute(ctx, store.Exec{AgencyID: sum.Agency.ID, At: at, ProcedureID: proc, Actor: actor,
					Command: dossier.Receive{Channel: dossier.InPerson, AcceptedAt: at, Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Văn A"}}},
					cal, func() string { return "SECRET" }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(engine)+"/floor", func(b *testing.B) {
			url := storetest.URL(b, engine)
			driver, dsn := "pgx", url
			if engine == store.SQLite {
				driver, dsn = "sqlite", "file:"+url[len("sqlite:"):]+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE floor (id TEXT PRIMARY KEY, body TEXT)`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				tx, _ := db.Begin()
				if _, err := tx.Exec(`INSERT INTO floor (id, body) VALUES ($1, $2)`, fmt.Sprint(i), "x"); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
