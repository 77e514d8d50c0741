package demo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// TestEmbeddedCopyInSync keeps the embedded procedures equal to shared/data.
func TestEmbeddedCopyInSync(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/data/procedures-education.json")
	if err != nil {
		t.Skip("shared/data not beside the repository:", err)
	}
	if !bytes.Equal(shared, demo.Procedures) {
		t.Fatal("internal/demo/procedures-education.json differs from shared/data/procedures-education.json: copy it again")
	}
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sum, err := demo.Seed(ctx, s, rand.Reader, 480)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Procedures.Created != 88 || len(sum.Procedures.NoDuration) != 47 || sum.Units != 7 || len(sum.Logins) < 12 {
			t.Fatalf("summary: %+v", sum)
		}
		procs, err := s.Procedures(ctx, sum.Agency.ID)
		if err != nil || len(procs) != 88 {
			t.Fatalf("procedures: %d, %v", len(procs), err)
		}
		withDuration := 0
		for _, p := range procs {
			if p.Legal != nil {
				withDuration++
			}
			if len(p.Steps) == 0 {
				t.Errorf("%s has no step plan", p.Key)
			}
		}
		if withDuration != 41 {
			t.Fatalf("%d procedures with a duration, want 41", withDuration)
		}
		u, err := s.UserByUsername(ctx, "motcua1")
		if err != nil || u.AgencyID != sum.Agency.ID {
			t.Fatalf("motcua1: %+v, %v", u, err)
		}
		units, _ := s.Units(ctx, sum.Agency.ID)
		if len(units) != 7 {
			t.Fatalf("%d units", len(units))
		}
	})
}

func TestHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sum, err := demo.Seed(ctx, s, rand.Reader, 480)
		if err != nil {
			t.Fatal(err)
		}
		cal, _ := calendar.New(calendar.DefaultConfig())
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, calendar.Zone)
		start := time.Now()
		res, err := demo.History(ctx, s, sum.Agency.ID, cal, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		totals, _ := s.Counters(ctx, sum.Agency.ID, now.AddDate(-2, 0, 0), now.AddDate(0, 0, 1))
		t.Logf("%+v in %v; counters %+v", res, took, totals)
		if res.Dossiers < 500 || res.Refused > res.Commands/50 {
			t.Fatalf("history: %+v", res)
		}
		if totals.ResolvedLate == 0 || totals.ResolvedEarly < totals.ResolvedLate*5 || totals.Open < 5 || totals.ReceivedOnline == 0 {
			t.Fatalf("history is not realistic: %+v", totals)
		}
	})
}
