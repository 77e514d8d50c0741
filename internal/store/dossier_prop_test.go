package store_test

import (
	"context"
	"testing"
	"time"

	"pgregory.net/rapid"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// TestRandomCommandsKeepInvariants drives dossiers with random commands by
// random staff at random later times and checks, after each run, that the
// projection equals the replayed events, every hash chain verifies, and the
// counters equal a recount from the events.
func TestRandomCommandsKeepInvariants(t *testing.T) {
	eachFixture(t, vn("2025-01-20 08:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := []string{"motcua1", "cv.trunghoc1", "tp.trunghoc", "giamdoc", "vanthu", "cv.mamnon1"}
		keys := []string{"edu-001", "edu-002", "edu-004", "edu-005", "edu-017", "edu-048"}
		clock := vn("2025-01-20 08:00")
		rapid.Check(t, func(rt *rapid.T) {
			var codes []string
			for range rapid.IntRange(1, 25).Draw(rt, "steps") {
				clock = clock.Add(time.Duration(rapid.IntRange(1, 1500).Draw(rt, "minutes")) * time.Minute)
				f.now.Store(&clock)
				actor := f.actors[rapid.SampledFrom(users).Draw(rt, "actor")]
				if len(codes) == 0 || rapid.IntRange(0, 7).Draw(rt, "new") == 0 {
					rec, err := f.exec(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs[rapid.SampledFrom(keys).Draw(rt, "proc")],
						Command: dossier.Receive{Channel: dossier.Channel(rapid.IntRange(1, 3).Draw(rt, "channel")), Applicant: dossier.Applicant{Kind: 1, Name: "Trần Văn Bình"}}})
					if err == nil {
						codes = append(codes, rec.State.Code)
					}
					continue
				}
				code := rapid.SampledFrom(codes).Draw(rt, "code")
				spec := f.actors["cv.trunghoc1"]
				// Each command with the user who would normally issue it;
				// one draw in four uses the random actor instead, to
				// exercise the role checks.
				moves := []struct {
					by  string
					cmd dossier.Command
				}{
					{"motcua1", dossier.Transfer{ToStep: 1, ToUnit: spec.UnitID, ToUser: spec.UserID}},
					{"cv.trunghoc1", dossier.Transfer{ToStep: 2, ToUnit: spec.UnitID}},
					{"tp.trunghoc", dossier.Transfer{ToStep: 3, ToUnit: f.actors["giamdoc"].UnitID}},
					{"cv.trunghoc1", dossier.RequestSupplement{Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao văn bằng", Copies: 1}}}},
					{"giamdoc", dossier.RequestSupplement{Reason: "Lần hai", Missing: []dossier.Document{{Name: "Giấy tờ", Copies: 1}}, Override: true}},
					{"motcua1", dossier.ReceiveSupplement{}},
					{"cv.trunghoc1", dossier.RequestPayment{Amount: 10000}},
					{"motcua1", dossier.ConfirmPayment{PaidOnline: true}},
					{"giamdoc", dossier.Reschedule{Promised: clock.Add(30 * 24 * time.Hour), Reason: "Cần xác minh thêm"}},
					{"giamdoc", dossier.Stop{Reason: "Theo đề nghị của cơ quan phối hợp"}},
					{"motcua1", dossier.Withdraw{Reason: "Người nộp xin rút"}},
					{"giamdoc", dossier.Resolve{Approved: true, Results: []string{"Kết quả"}}},
					{"vanthu", dossier.Resolve{Approved: false, Reason: "Không đủ điều kiện"}},
					{"motcua1", dossier.Return{To: "Trần Văn Bình", Method: "trực tiếp"}},
				}
				move := rapid.SampledFrom(moves).Draw(rt, "move")
				cmd := move.cmd
				if rapid.IntRange(0, 3).Draw(rt, "stray") > 0 {
					actor = f.actors[move.by]
				}
				f.exec(t, store.Exec{Code: code, Actor: actor, Command: cmd}) // refusals are part of the game
			}
		})
		checkInvariants(t, ctx, f)
	})
}

func checkInvariants(t *testing.T, ctx context.Context, f *fixture) {
	var want store.Totals
	days := map[string]store.Totals{}
	day := func(tm time.Time) string { return tm.In(calendar.Zone).Format(time.DateOnly) }
	cursor := ""
	n := 0
	for {
		rows, next, err := f.s.ListDossiers(ctx, f.agency, store.Filter{}, cursor, 37)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			n++
			rec, err := f.s.Dossier(ctx, f.agency, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			st := rec.State
			if row.Code != st.Code || row.Status != st.Status || row.Version != st.Version || !row.LegalDue.Equal(st.LegalDue) ||
				!row.FinishedAt.Equal(st.FinishedAt) || row.Paused != st.Paused || row.Assignee != st.Assignee {
				t.Fatalf("projection of %s differs from replay:\nrow   %+v\nstate %+v", row.Code, row, st)
			}
			if err := f.s.VerifyChain(ctx, f.agency, row.ID); err != nil {
				t.Fatalf("%s: %v", row.Code, err)
			}
			if st.AcceptedAt.IsZero() {
				continue
			}
			d := days[day(st.AcceptedAt)]
			d.Received++
			days[day(st.AcceptedAt)] = d
			want.Received++
			if st.FinishedAt.IsZero() {
				want.Open++
				continue
			}
			d = days[day(st.FinishedAt)]
			switch {
			case st.Status != dossier.Resolved && st.Status != dossier.Returned:
				d.EndedOther++
				want.EndedOther++
			case !st.LegalDue.IsZero() && dossier.Classify(st.FinishedAt, st.LegalDue) == dossier.Early:
				d.ResolvedEarly++
				want.ResolvedEarly++
			case !st.LegalDue.IsZero() && dossier.Classify(st.FinishedAt, st.LegalDue) == dossier.Late:
				d.ResolvedLate++
				want.ResolvedLate++
			default:
				d.ResolvedOnTime++
				want.ResolvedOnTime++
			}
			days[day(st.FinishedAt)] = d
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if n == 0 {
		t.Fatal("no dossier was created")
	}
	got, err := f.s.Counters(ctx, f.agency, vn("2000-01-01 00:00"), vn("2100-01-01 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	got.ReceivedOnline = 0
	if got != want {
		t.Fatalf("counters %+v, recount %+v", got, want)
	}
	for d, w := range days {
		from, _ := time.ParseInLocation(time.DateOnly, d, calendar.Zone)
		g, _ := f.s.Counters(ctx, f.agency, from, from.AddDate(0, 0, 1))
		g.ReceivedOnline, g.Open = 0, 0
		if g != w {
			t.Fatalf("day %s: counters %+v, recount %+v", d, g, w)
		}
	}
	t.Logf("%d dossiers checked: %+v", n, want)
}
