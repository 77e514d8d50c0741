package store_test

import (
	"context"
	"testing"

	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// receiveAt receives a dossier of the procedure at the instant and, if
// officer is set, transfers it to that officer's unit for step 1.
func (f *fixture) receiveAt(t *testing.T, at, key, officer string) store.Record {
	t.Helper()
	f.at(at)
	rec := f.receive(t, key)
	if officer != "" {
		o := f.actors[officer]
		rec = f.must(t, store.Exec{Code: rec.State.Code, Actor: f.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUser: o.UserID}})
	}
	return rec
}

func TestOpenLoad(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// Closed: received, resolved and returned; never counted as open.
		done := f.receiveAt(t, "2025-03-03 09:00", "edu-001", "cv.trunghoc1")
		f.at("2025-03-05 15:00")
		f.must(t, store.Exec{Code: done.State.Code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
		f.must(t, store.Exec{Code: done.State.Code, Actor: f.actors["motcua1"], Command: dossier.Return{To: "Nguyễn Thị Lan", Method: "trực tiếp"}})

		f.receiveAt(t, "2025-03-10 09:00", "edu-002", "cv.trunghoc1") // 1 day: due 11/03 17:00, overdue
		f.receiveAt(t, "2025-03-10 09:30", "edu-001", "cv.trunghoc2") // 5 days: due 17/03 17:00, within 1 day
		f.receiveAt(t, "2025-03-12 09:00", "edu-001", "cv.mamnon1")   // due 19/03 17:00, within 3 days
		f.receiveAt(t, "2025-03-12 09:30", "edu-048", "cv.trunghoc1") // no legal deadline: on track
		paused := f.receiveAt(t, "2025-03-12 10:00", "edu-003", "cv.trunghoc1")
		f.at("2025-03-13 09:00")
		f.must(t, store.Exec{Code: paused.State.Code, Actor: f.actors["cv.trunghoc1"], Command: dossier.RequestSupplement{
			Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao học bạ", Copies: 1}}}})
		f.receiveAt(t, "2025-03-14 09:00", "edu-003", "") // 15 days, still at the desk: on track

		now := vn("2025-03-17 09:00")
		mpd := f.cal.MinutesPerDay()
		within1, within3 := f.cal.AddWorkingMinutes(now, mpd), f.cal.AddWorkingMinutes(now, 3*mpd)
		loads, err := f.s.OpenLoad(ctx, f.agency, "", now, within1, within3)
		if err != nil {
			t.Fatal(err)
		}
		type key struct{ unit, user string }
		got := map[key]store.Load{}
		for _, l := range loads {
			if l.Total != l.Overdue+l.DueWithin1+l.DueWithin3+l.OnTrack+l.Paused {
				t.Errorf("bands of %+v do not add up", l)
			}
			got[key{l.Unit, l.Assignee}] = l
		}
		a := f.actors
		want := map[key]store.Load{
			{a["cv.trunghoc1"].UnitID, a["cv.trunghoc1"].UserID}: {Overdue: 1, OnTrack: 1, Paused: 1, Total: 3},
			{a["cv.trunghoc2"].UnitID, a["cv.trunghoc2"].UserID}: {DueWithin1: 1, Total: 1},
			{a["cv.mamnon1"].UnitID, a["cv.mamnon1"].UserID}:     {DueWithin3: 1, Total: 1},
			{a["motcua1"].UnitID, ""}:                            {OnTrack: 1, Total: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("%d groups, want %d: %+v", len(got), len(want), loads)
		}
		for k, w := range want {
			g := got[k]
			w.Unit, w.Assignee = k.unit, k.user
			if g != w {
				t.Errorf("group %v: got %+v, want %+v", k, g, w)
			}
		}
		// A division head's view keeps only their unit.
		unit := a["tp.trunghoc"].UnitID
		loads, err = f.s.OpenLoad(ctx, f.agency, unit, now, within1, within3)
		if err != nil {
			t.Fatal(err)
		}
		if len(loads) != 2 {
			t.Fatalf("unit view: %+v", loads)
		}
		for _, l := range loads {
			if l.Unit != unit {
				t.Fatalf("unit view leaks %+v", l)
			}
		}
		// The open gauge agrees with the grouped count.
		c, err := f.s.Counters(ctx, f.agency, vn("2025-03-01 00:00"), vn("2025-04-01 00:00"))
		if err != nil || c.Open != 6 || c.ResolvedEarly != 1 {
			t.Fatalf("counters %+v, %v", c, err)
		}
	})
}
