package store_test

import (
	"context"
	"testing"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

func TestWorklist(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		desk, spec := f.actors["motcua1"], f.actors["cv.trunghoc1"]
		long := f.receive(t, "edu-003")  // 15 working days
		short := f.receive(t, "edu-001") // 5 working days
		done := f.receive(t, "edu-001")
		none := f.must(t, store.Exec{Actor: desk, ProcedureID: f.procs["edu-048"], Command: dossier.Receive{Channel: dossier.Post,
			Applicant: dossier.Applicant{Kind: 1, Name: "Trần Văn Đức", IDNumber: "079085001234", Phone: "0987654321"}}})
		f.must(t, store.Exec{Code: short.State.Code, Actor: desk, Command: dossier.Transfer{ToStep: 1, ToUser: spec.UserID}})
		// Guided to complete at the desk: no code, no step yet, in the desk's list.
		f.must(t, store.Exec{Actor: desk, ProcedureID: f.procs["edu-001"], Command: dossier.RequestCompletion{Channel: dossier.InPerson,
			Applicant: dossier.Applicant{Name: "Lê Văn Tám"}, Reason: "Thiếu đơn"}})
		f.must(t, store.Exec{Code: done.State.Code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
		f.must(t, store.Exec{Code: done.State.Code, Actor: desk, Command: dossier.Return{To: "Nguyễn Thị Lan", Method: "trực tiếp"}})

		open := []dossier.Status{dossier.Accepted, dossier.Processing, dossier.Resolved}
		codes := func(rows []store.WorkRow) []string {
			var out []string
			for _, r := range rows {
				out = append(out, r.Code)
			}
			return out
		}
		rows, next, err := f.s.Worklist(ctx, f.agency, store.WorkFilter{Statuses: open}, "", 10)
		if err != nil || next != "" {
			t.Fatal(next, err)
		}
		// Urgency order: earliest legal due first; no deadline last; the returned one left out.
		want := []string{short.State.Code, long.State.Code, none.State.Code}
		if got := codes(rows); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("open worklist %v, want %v", got, want)
		}
		if rows[0].ProcedureVersion != 1 || rows[0].Assignee != spec.UserID || rows[0].StepUnit != spec.UnitID || rows[0].StepDue.IsZero() {
			t.Fatalf("row %+v", rows[0])
		}
		// Paging one at a time gives the same order.
		var paged []string
		cursor := ""
		for i := 0; i < 5; i++ {
			page, next, err := f.s.Worklist(ctx, f.agency, store.WorkFilter{Statuses: open}, cursor, 1)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, codes(page)...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(paged) != 3 || paged[0] != want[0] || paged[2] != want[2] {
			t.Fatalf("paged %v, want %v", paged, want)
		}
		for _, c := range []struct {
			name string
			f    store.WorkFilter
			want int
		}{
			{"finished", store.WorkFilter{Statuses: []dossier.Status{dossier.Returned}}, 1},
			{"every status", store.WorkFilter{}, 5},
			{"unit", store.WorkFilter{Statuses: open, Unit: spec.UnitID}, 1},
			{"desk", store.WorkFilter{Unit: desk.UnitID}, 4},
			{"desk and every returned one", store.WorkFilter{Unit: spec.UnitID, AlsoStatuses: []dossier.Status{dossier.Returned}}, 2},
			{"awaiting acceptance", store.WorkFilter{Statuses: []dossier.Status{dossier.CompletionRequested}, Unit: desk.UnitID}, 1},
			{"assignee", store.WorkFilter{Assignee: spec.UserID}, 1},
			{"procedure", store.WorkFilter{Procedure: f.procs["edu-001"]}, 3},
			{"folded name", store.WorkFilter{Search: "tran van duc"}, 1},
			{"ID number", store.WorkFilter{Search: "079085"}, 1},
			{"phone", store.WorkFilter{Search: "0987654321"}, 1},
			{"code prefix", store.WorkFilter{Search: "000.00.08.h44-250303-000"}, 4},
			{"not overdue yet", store.WorkFilter{Overdue: true, Now: vn("2025-03-10 16:00")}, 0},
			{"overdue", store.WorkFilter{Overdue: true, Now: vn("2025-03-11 08:00")}, 1},
		} {
			rows, _, err := f.s.Worklist(ctx, f.agency, c.f, "", 50)
			if err != nil || len(rows) != c.want {
				t.Errorf("%s: %v (%v), want %d", c.name, codes(rows), err, c.want)
			}
		}
		if _, _, err := f.s.Worklist(ctx, f.agency, store.WorkFilter{}, "###", 10); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}
