package store_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// BenchmarkScorecard computes the live scorecard and Biểu 06 of a year of
// demo dossiers from the counters and the projection, beside the naive
// baseline: reading and replaying every dossier's events.
func BenchmarkScorecard(b *testing.B) {
	for _, engine := range storetest.Engines() {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, calendar.Zone)
		s := storetest.Open(b, engine, store.Options{Now: func() time.Time { return now }})
		sum, err := demo.Seed(ctx, s, rand.Reader, 480)
		if err != nil {
			b.Fatal(err)
		}
		cal, _ := calendar.New(calendar.DefaultConfig())
		if _, err := demo.History(ctx, s, sum.Agency.ID, cal, now, nil); err != nil {
			b.Fatal(err)
		}
		year := store.Scope{AgencyID: sum.Agency.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, calendar.Zone), To: time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Zone), Now: now}
		past := store.Scope{AgencyID: sum.Agency.ID, From: time.Date(2026, 4, 1, 0, 0, 0, 0, calendar.Zone), To: time.Date(2026, 7, 1, 0, 0, 0, 0, calendar.Zone), Now: now}
		b.Run(string(engine)+"/scorecard-year", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Scorecard(ctx, year, cal); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(engine)+"/scorecard-past-quarter", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Scorecard(ctx, past, cal); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(engine)+"/bieu06-year", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Bieu06(ctx, year, cal); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(engine)+"/naive-replay-all-year", func(b *testing.B) {
			for b.Loop() {
				w := loadWorld(b, ctx, s, sum.Agency.ID, nil)
				w.bruteScore(b, year, cal)
			}
		})
	}
}
