package store_test

import (
	"context"
	"strings"
	"testing"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

func TestPublicLookupAndRating(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := f.receiveAt(t, "2025-03-03 09:00", "edu-001", "cv.trunghoc1")
		code, secret := rec.State.Code, rec.State.Secret
		if secret == "" {
			t.Fatal("a received dossier must have a lookup secret")
		}
		got, err := f.s.PublicLookup(ctx, code, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.State.Code != code || got.State.Status != dossier.Processing || got.AgencyName == "" || got.AgencyID != f.agency || got.Rating != 0 {
			t.Fatalf("lookup: %s %s %q %d", got.State.Code, got.State.Status, got.AgencyName, got.Rating)
		}
		// Unknown code, wrong secret, a secret of another dossier, empty input: one answer.
		other := f.receiveAt(t, "2025-03-03 09:30", "edu-001", "")
		var msgs []string
		for _, c := range [][2]string{{code, "WRONG"}, {code + "9", secret}, {code, other.State.Secret}, {code, ""}, {"", secret}, {code, strings.ToLower(secret) + "x"}} {
			_, err := f.s.PublicLookup(ctx, c[0], c[1])
			if !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("lookup %q: want not found, got %v", c, err)
			}
			msgs = append(msgs, apperr.Message(err))
		}
		for _, m := range msgs {
			if m != msgs[0] {
				t.Fatalf("failures must look alike: %q", msgs)
			}
		}
		// Rating: only once the result is returned, only once, re-verified.
		if err := f.s.PublicRate(ctx, code, secret, store.Satisfied, ""); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("rating before return: want conflict, got %v", err)
		}
		f.at("2025-03-05 15:00")
		f.must(t, store.Exec{Code: code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
		f.must(t, store.Exec{Code: code, Actor: f.actors["motcua1"], Command: dossier.Return{To: "Nguyễn Thị Lan", Method: "trực tiếp"}})
		for _, c := range []struct {
			code, secret string
			rating       int
			comment      string
			want         apperr.Code
		}{
			{code, "WRONG", store.Satisfied, "", apperr.NotFound},
			{code, secret, 0, "", apperr.Invalid},
			{code, secret, 4, "", apperr.Invalid},
			{code, secret, store.Satisfied, strings.Repeat("ạ", store.MaxRatingComment+1), apperr.Invalid},
		} {
			if err := f.s.PublicRate(ctx, c.code, c.secret, c.rating, c.comment); !apperr.Is(err, c.want) {
				t.Fatalf("rate %d: want %s, got %v", c.rating, c.want, err)
			}
		}
		if err := f.s.PublicRate(ctx, code, secret, store.Neutral, "  "+strings.Repeat("ạ", store.MaxRatingComment)+"  "); err != nil {
			t.Fatal(err)
		}
		if err := f.s.PublicRate(ctx, code, secret, store.Satisfied, ""); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second rating: want conflict, got %v", err)
		}
		got, err = f.s.PublicLookup(ctx, code, secret)
		if err != nil || got.Rating != store.Neutral || got.State.Status != dossier.Returned {
			t.Fatalf("after rating: %d %s %v", got.Rating, got.State.Status, err)
		}
	})
}
