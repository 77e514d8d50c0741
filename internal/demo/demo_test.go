package demo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"testing"

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
