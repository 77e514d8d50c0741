package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"dunghan/internal/agency"
	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
	"dunghan/internal/scorecard"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// world is every dossier of an agency with its events, read once, for
// recounting by brute force.
type world struct {
	dossiers []store.Record
	ratings  map[string]rating // dossier ID → the citizen's rating
	procs    []store.CatalogueEntry
}

type rating struct {
	value int
	at    time.Time
}

func loadWorld(t testing.TB, ctx context.Context, s *store.Store, agencyID string, ratings map[string]rating) world {
	t.Helper()
	w := world{ratings: ratings}
	cursor := ""
	for {
		rows, next, err := s.ListDossiers(ctx, agencyID, store.Filter{}, cursor, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			rec, err := s.Dossier(ctx, agencyID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			w.dossiers = append(w.dossiers, rec)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	var err error
	if w.procs, err = s.Procedures(ctx, agencyID); err != nil {
		t.Fatal(err)
	}
	return w
}

// replayTo is a dossier's state with the events up to and including at.
func replayTo(t testing.TB, events []dossier.Event, at time.Time) dossier.State {
	var st dossier.State
	for _, e := range events {
		if e.At.After(at) {
			break
		}
		if err := st.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func inPeriod(x, from, to time.Time) bool { return !x.IsZero() && !x.Before(from) && x.Before(to) }

func endOf(q store.Scope) time.Time {
	if q.Now.Before(q.To) {
		return q.Now
	}
	return q.To
}

// bruteScore recounts a scope's facts, outlook and costly dossiers from the events.
func (w world) bruteScore(t testing.TB, q store.Scope, cal *calendar.Calendar) (scorecard.Facts, scorecard.Outlook, []string) {
	end := endOf(q)
	var f scorecard.Facts
	var o scorecard.Outlook
	var costly []string
	received, paidOnline := map[string]int{}, map[string]int{}
	for _, rec := range w.dossiers {
		final := rec.State
		if final.AcceptedAt.IsZero() || q.Unit != "" && scorecard.HandlingUnit(final) != q.Unit {
			continue
		}
		if inPeriod(final.AcceptedAt, q.From, q.To) {
			st := replayTo(t, rec.Events, end)
			f.Received++
			received[final.Procedure.ID]++
			if final.Channel == dossier.Online {
				f.ReceivedOnline++
			}
			on := dossier.OnTime766(st, cal, end)
			r, rated := w.ratings[rec.ID]
			complained := rated && r.value == store.Dissatisfied && !r.at.After(end)
			if on {
				f.OnTime++
				if !complained {
					f.OnTimeUncomplained++
				}
			}
			if !on || complained {
				costly = append(costly, rec.ID)
			}
			if q.Now.Before(q.To) && !st.Closed() {
				o.Open++
				if on {
					o.Recoverable++
					if !dossier.OnTime766(st, cal, q.To) {
						o.DueInPeriod++
					}
				}
			}
		}
		if inPeriod(final.FinishedAt, q.From, q.To) {
			if (final.Status == dossier.Resolved || final.Status == dossier.Returned) && final.Approved {
				f.Results++
				if final.EResult {
					f.EResults++
					if scorecard.Digitised(final.Documents) {
						f.Digitised++
					}
				}
			}
			for _, p := range final.Pauses {
				if p.Kind == dossier.PausePayment {
					f.FeeDossiers++
					if final.PaidOnline {
						f.PaidOnline++
						paidOnline[final.Procedure.ID]++
					}
					break
				}
			}
		}
	}
	for _, p := range w.procs {
		f.Procedures++
		offered := p.Online == procedure.OnlinePartial || p.Online == procedure.OnlineFull
		if p.Online == procedure.OnlinePartial {
			f.ProceduresPartial++
		}
		if p.Online == procedure.OnlineFull {
			f.ProceduresFull++
		}
		if scorecard.FeeApplies(p.Fee) {
			f.FeeProcedures++
			if received[p.ID] > 0 {
				f.FeeProceduresWithDossiers++
			}
			if paidOnline[p.ID] > 0 {
				f.FeeProceduresPaidOnline++
			}
		}
		if offered {
			for _, rec := range w.dossiers {
				st := rec.State
				if st.Procedure.ID == p.ID && inPeriod(st.AcceptedAt, q.From, q.To) && (q.Unit == "" || scorecard.HandlingUnit(st) == q.Unit) {
					f.OfferedReceived++
					if st.Channel == dossier.Online {
						f.OfferedReceivedOnline++
					}
				}
			}
		}
	}
	sort.Strings(costly)
	return f, o, costly
}

// bruteBieu06 recounts Biểu 06 per procedure from the events.
func (w world) bruteBieu06(t testing.TB, q store.Scope) map[string]store.Bieu06Row {
	end := endOf(q)
	out := map[string]store.Bieu06Row{}
	for _, rec := range w.dossiers {
		final := rec.State
		if final.AcceptedAt.IsZero() || q.Unit != "" && scorecard.HandlingUnit(final) != q.Unit {
			continue
		}
		r := out[final.Procedure.ID]
		r.ProcedureID = final.Procedure.ID
		if inPeriod(final.AcceptedAt, q.From, q.To) {
			r.Received++
			if final.Channel == dossier.Online {
				r.ReceivedOnline++
			}
		}
		if final.AcceptedAt.Before(q.From) && (final.FinishedAt.IsZero() || !final.FinishedAt.Before(q.From)) {
			r.Carried++
		}
		if inPeriod(final.FinishedAt, q.From, q.To) {
			switch {
			case final.Status != dossier.Resolved && final.Status != dossier.Returned:
				r.OnTime++
			case !final.LegalDue.IsZero() && dossier.Classify(final.FinishedAt, final.LegalDue) == dossier.Early:
				r.Early++
			case !final.LegalDue.IsZero() && dossier.Classify(final.FinishedAt, final.LegalDue) == dossier.Late:
				r.Late++
			default:
				r.OnTime++
			}
		}
		if final.AcceptedAt.Before(end) && (final.FinishedAt.IsZero() || final.FinishedAt.After(end)) {
			st := replayTo(t, rec.Events, end)
			if !st.Paused && !st.LegalDue.IsZero() && st.LegalDue.Before(end) {
				r.Overdue++
			} else {
				r.Within++
			}
		}
		if r != (store.Bieu06Row{ProcedureID: r.ProcedureID}) {
			out[r.ProcedureID] = r
		}
	}
	return out
}

// bruteSteps recounts the step tallies and the late dossiers of a period.
func (w world) bruteSteps(q store.Scope, cal *calendar.Calendar) (map[[2]string]store.StepTally, []string) {
	tallies := map[[2]string]store.StepTally{}
	var late []string
	for _, rec := range w.dossiers {
		st := rec.State
		if st.AcceptedAt.IsZero() {
			continue
		}
		clock := dossier.Clock(st, cal, st.LastAt)
		mine := q.Unit == ""
		for i, v := range st.Visits {
			sv := clock.Steps[i]
			if sv.Class == dossier.Late && (q.Unit == "" || sv.Unit == q.Unit) {
				mine = true
			}
			if !inPeriod(v.End, q.From, q.To) || q.Unit != "" && sv.Unit != q.Unit {
				continue
			}
			k := [2]string{sv.Unit, sv.Assignee}
			x := tallies[k]
			x.Unit, x.Assignee = k[0], k[1]
			x.Steps++
			switch sv.Class {
			case dossier.Early:
				x.Early++
			case dossier.OnTime:
				x.OnTime++
			case dossier.Late:
				x.Late++
				x.OverrunMinutes += sv.OverrunMinutes
			}
			tallies[k] = x
		}
		if (st.Status == dossier.Resolved || st.Status == dossier.Returned) && inPeriod(st.FinishedAt, q.From, q.To) &&
			!st.LegalDue.IsZero() && dossier.Classify(st.FinishedAt, st.LegalDue) == dossier.Late && mine {
			late = append(late, rec.ID)
		}
	}
	sort.Strings(late)
	return tallies, late
}

// checkScope compares the store's scorecard and reports of one scope with the recount.
func checkScope(t *testing.T, ctx context.Context, s *store.Store, w world, q store.Scope, cal *calendar.Calendar) {
	t.Helper()
	name := fmt.Sprintf("unit %q %s–%s", q.Unit, q.From.Format(time.DateOnly), q.To.Format(time.DateOnly))
	rep, err := s.Scorecard(ctx, q, cal)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want, outlook, costly := w.bruteScore(t, q, cal)
	if rep.Facts != want {
		t.Fatalf("%s: scorecard facts\n got  %+v\n want %+v", name, rep.Facts, want)
	}
	if q.Now.Before(q.To) != (rep.Outlook != nil) || rep.Outlook != nil && *rep.Outlook != outlook {
		t.Fatalf("%s: outlook %+v, want %+v", name, rep.Outlook, outlook)
	}
	var got []string
	for _, c := range rep.Costly {
		got = append(got, c.ID)
	}
	sort.Strings(got)
	if rep.CostlyCount != len(costly) || len(costly) <= store.CostlyLimit && !slices.Equal(got, costly) {
		t.Fatalf("%s: costly %d %v, want %d %v", name, rep.CostlyCount, got, len(costly), costly)
	}

	rows, err := s.Bieu06(ctx, q, cal)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	brute := w.bruteBieu06(t, q)
	if len(rows) != len(brute) {
		t.Fatalf("%s: Biểu 06 has %d rows, recount %d", name, len(rows), len(brute))
	}
	for _, r := range rows {
		if r != brute[r.ProcedureID] {
			t.Fatalf("%s: Biểu 06 row\n got  %+v\n want %+v", name, r, brute[r.ProcedureID])
		}
		if r.InProgress() != r.Carried+r.Received-r.Resolved() {
			t.Fatalf("%s: in progress %d ≠ carried %d + received %d − resolved %d", name, r.InProgress(), r.Carried, r.Received, r.Resolved())
		}
	}

	tallies, err := s.StepTallies(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	wantTallies, wantLate := w.bruteSteps(q, cal)
	if len(tallies) != len(wantTallies) {
		t.Fatalf("%s: %d step tallies, recount %d", name, len(tallies), len(wantTallies))
	}
	for _, x := range tallies {
		if x != wantTallies[[2]string{x.Unit, x.Assignee}] {
			t.Fatalf("%s: step tally\n got  %+v\n want %+v", name, x, wantTallies[[2]string{x.Unit, x.Assignee}])
		}
	}
	lates, err := s.LateDossiers(ctx, q, cal)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, d := range lates {
		got = append(got, d.ID)
		if len(d.LateSteps) == 0 && q.Unit != "" {
			t.Errorf("%s: late dossier %s without a late step in the unit", name, d.Code)
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, wantLate) {
		t.Fatalf("%s: late dossiers %v, recount %v", name, got, wantLate)
	}
}

func monthStart(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, calendar.Zone) }

// TestScorecardAgreesWithRecount: on a year of demo dossiers, plus
// ratings, stops, withdrawals, second supplements and a reassignment to
// another division, the live scorecard, Biểu 06 and the delay figures of
// every month, a quarter, the year, the month under way and a custom
// span agree with a brute-force recount from the events, agency-wide and
// per unit; and a rebuild of the counters changes nothing.
func TestScorecardAgreesWithRecount(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 20, 10, 0, 0, 0, calendar.Zone)
			clock := &atomic.Pointer[time.Time]{}
			clock.Store(&now)
			s := storetest.Open(t, engine, store.Options{Now: func() time.Time { return *clock.Load() }})
			sum, err := demo.Seed(ctx, s, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			cal, _ := calendar.New(calendar.DefaultConfig())
			agencyID := sum.Agency.ID
			if _, err := demo.History(ctx, s, agencyID, cal, now, nil); err != nil {
				t.Fatal(err)
			}
			ratings := extraActivity(t, ctx, s, agencyID, cal, clock, now)
			judged := now.Add(2 * time.Hour)
			clock.Store(&judged)
			w := loadWorld(t, ctx, s, agencyID, ratings)
			units, _ := s.Units(ctx, agencyID)

			var scopes []store.Scope
			for m := time.December; m <= 23; m++ { // December 2025 … November 2026
				from := monthStart(2025, m)
				scopes = append(scopes, store.Scope{From: from, To: from.AddDate(0, 1, 0)})
			}
			scopes = append(scopes,
				store.Scope{From: monthStart(2026, time.April), To: monthStart(2026, time.July)},                // a quarter
				store.Scope{From: monthStart(2026, time.January), To: monthStart(2027, time.January)},           // the year under way
				store.Scope{From: monthStart(2025, time.January), To: monthStart(2026, time.January)},           // last year
				store.Scope{From: time.Date(2026, 3, 17, 0, 0, 0, 0, calendar.Zone), To: monthStart(2026, 5)},   // custom
				store.Scope{From: time.Date(2026, 11, 20, 0, 0, 0, 0, calendar.Zone), To: monthStart(2026, 12)}, // from today
			)
			for _, q := range scopes {
				q.AgencyID, q.Now = agencyID, judged
				checkScope(t, ctx, s, w, q, cal)
			}
			for _, u := range units {
				for _, q := range []store.Scope{scopes[len(scopes)-5], scopes[len(scopes)-6], scopes[len(scopes)-4], scopes[5]} {
					q.AgencyID, q.Now, q.Unit = agencyID, judged, u.ID
					checkScope(t, ctx, s, w, q, cal)
				}
			}
			year := store.Scope{AgencyID: agencyID, From: monthStart(2025, time.November), To: monthStart(2026, time.December), Now: judged}
			before, err := s.Scorecard(ctx, year, cal)
			if err != nil {
				t.Fatal(err)
			}
			if before.Facts.Received < 800 || before.CostlyCount < 20 || before.Facts.OnTimeUncomplained >= before.Facts.OnTime {
				t.Fatalf("demo year is not realistic: %+v, %d costly", before.Facts, before.CostlyCount)
			}
			t.Logf("year: %+v; %d costly; outlook %+v", before.Facts, before.CostlyCount, before.Outlook)
			if n, err := s.RebuildScoreCounters(ctx, agencyID, cal); err != nil || n != len(w.dossiers) {
				t.Fatalf("rebuild: %d, %v", n, err)
			}
			for _, q := range scopes[10:] {
				q.AgencyID, q.Now = agencyID, judged
				checkScope(t, ctx, s, w, q, cal)
			}
		})
	}
}

// extraActivity adds what the demo history lacks: ratings spread over the
// year (some dissatisfied), stopped and withdrawn dossiers, a second
// supplement request, and a dossier reassigned to another division.
func extraActivity(t *testing.T, ctx context.Context, s *store.Store, agencyID string, cal *calendar.Calendar, clock *atomic.Pointer[time.Time], now time.Time) map[string]rating {
	t.Helper()
	users, _ := s.Users(ctx, agencyID)
	actor := map[string]dossier.Actor{}
	for _, u := range users {
		actor[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
	}
	ratings := map[string]rating{}
	rows, _, err := s.ListDossiers(ctx, agencyID, store.Filter{Status: dossier.Returned}, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if i%4 != 0 {
			continue
		}
		rec, _ := s.Dossier(ctx, agencyID, r.ID)
		at := cal.AddWorkingMinutes(rec.State.ReturnedAt, 240)
		if at.After(now) {
			continue
		}
		clock.Store(&at)
		value := store.Satisfied
		if i%8 == 0 {
			value = store.Dissatisfied
		}
		if err := s.PublicRate(ctx, rec.State.Code, rec.State.Secret, value, ""); err != nil {
			t.Fatal(err)
		}
		ratings[r.ID] = rating{value, at}
	}
	clock.Store(&now)
	open, _, err := s.ListDossiers(ctx, agencyID, store.Filter{Status: dossier.Processing}, "", 200)
	if err != nil || len(open) < 6 {
		t.Fatalf("open dossiers: %d, %v", len(open), err)
	}
	at := now.Add(10 * time.Minute)
	run := func(code string, by string, cmd dossier.Command) {
		t.Helper()
		if _, err := s.Execute(ctx, store.Exec{AgencyID: agencyID, Code: code, At: at, Actor: actor[by], Command: cmd}, cal, func() string { return "X" }); err != nil {
			t.Fatalf("%s on %s: %v", cmd.Name(), code, err)
		}
		at = at.Add(time.Minute)
	}
	run(open[0].Code, "giamdoc", dossier.Stop{Reason: "Theo đề nghị của cơ quan phối hợp"})
	run(open[1].Code, "motcua1", dossier.Withdraw{Reason: "Người nộp xin rút"})
	third, _ := s.Dossier(ctx, agencyID, open[2].ID)
	holder := ""
	for _, u := range users {
		if u.UnitID == third.State.StepUnit && (u.Has("specialist") || u.Has("division_head")) {
			holder = u.Username
		}
	}
	run(open[2].Code, holder, dossier.RequestSupplement{Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao", Copies: 1}}})
	run(open[2].Code, "motcua1", dossier.ReceiveSupplement{})
	run(open[2].Code, "giamdoc", dossier.RequestSupplement{Reason: "Lần hai", Missing: []dossier.Document{{Name: "Giấy tờ", Copies: 1}}, Override: true})
	// Reassign a dossier within its step to another division.
	fourth, _ := s.Dossier(ctx, agencyID, open[3].ID)
	other := actor["cv.mamnon1"]
	if fourth.State.StepUnit == other.UnitID {
		other = actor["cv.trunghoc1"]
	}
	run(open[3].Code, "giamdoc", dossier.Transfer{ToStep: fourth.State.Step, ToUnit: other.UnitID, ToUser: other.UserID})
	return ratings
}

// TestRandomCommandsKeepScoreCounters drives dossiers with random commands,
// including reassignments to other divisions and steps sent back, and
// checks the scorecard and reports of a few periods against a recount.
func TestRandomCommandsKeepScoreCounters(t *testing.T) {
	eachFixture(t, vn("2025-01-20 08:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		keys := []string{"edu-001", "edu-002", "edu-004", "edu-005", "edu-017", "edu-048"}
		clock := vn("2025-01-20 08:00")
		rapid.Check(t, func(rt *rapid.T) {
			var codes []string
			for range rapid.IntRange(1, 30).Draw(rt, "steps") {
				clock = clock.Add(time.Duration(rapid.IntRange(1, 2000).Draw(rt, "minutes")) * time.Minute)
				f.now.Store(&clock)
				if len(codes) == 0 || rapid.IntRange(0, 6).Draw(rt, "new") == 0 {
					rec, err := f.exec(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs[rapid.SampledFrom(keys).Draw(rt, "proc")],
						Command: dossier.Receive{Channel: dossier.Channel(rapid.IntRange(1, 3).Draw(rt, "channel")), Applicant: dossier.Applicant{Kind: 1, Name: "Trần Văn Bình"},
							Documents: []dossier.Document{{Name: "Đơn", Copies: 1, Digitised: rapid.Bool().Draw(rt, "digitised")}}}})
					if err == nil {
						codes = append(codes, rec.State.Code)
					}
					continue
				}
				code := rapid.SampledFrom(codes).Draw(rt, "code")
				rec, err := f.s.Dossier(ctx, f.agency, code)
				if err != nil {
					rt.Fatal(err)
				}
				st := rec.State
				spec, other := f.actors["cv.trunghoc1"], f.actors["cv.mamnon1"]
				moves := []struct {
					by  string
					cmd dossier.Command
				}{
					{"motcua1", dossier.Transfer{ToStep: 1, ToUnit: spec.UnitID, ToUser: spec.UserID}},
					{"giamdoc", dossier.Transfer{ToStep: max(st.Step, 0), ToUnit: other.UnitID, ToUser: other.UserID}}, // reassign to another division
					{"giamdoc", dossier.Transfer{ToStep: max(st.Step-1, 0), ToUnit: spec.UnitID}},                      // send back
					{"giamdoc", dossier.Transfer{ToStep: st.Step + 1, ToUnit: spec.UnitID}},
					{"cv.trunghoc1", dossier.Transfer{ToStep: 2, ToUnit: spec.UnitID}},
					{"tp.trunghoc", dossier.Transfer{ToStep: 3, ToUnit: f.actors["giamdoc"].UnitID}},
					{"cv.trunghoc1", dossier.RequestSupplement{Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao văn bằng", Copies: 1}}}},
					{"giamdoc", dossier.RequestSupplement{Reason: "Lần hai", Missing: []dossier.Document{{Name: "Giấy tờ", Copies: 1}}, Override: true}},
					{"motcua1", dossier.ReceiveSupplement{}},
					{"cv.trunghoc1", dossier.RequestPayment{Amount: 10000}},
					{"motcua1", dossier.ConfirmPayment{PaidOnline: rapid.Bool().Draw(rt, "paidOnline")}},
					{"giamdoc", dossier.Stop{Reason: "Theo đề nghị của cơ quan phối hợp"}},
					{"motcua1", dossier.Withdraw{Reason: "Người nộp xin rút"}},
					{"giamdoc", dossier.Resolve{Approved: true, Results: []string{"Kết quả"}, EResult: rapid.Bool().Draw(rt, "eResult")}},
					{"giamdoc", dossier.Resolve{Approved: false, Reason: "Không đủ điều kiện"}},
					{"motcua1", dossier.Return{To: "Trần Văn Bình", Method: "trực tiếp"}},
				}
				move := rapid.SampledFrom(moves).Draw(rt, "move")
				f.exec(t, store.Exec{Code: code, Actor: f.actors[move.by], Command: move.cmd}) // refusals are part of the game
			}
		})
		judged := clock.Add(time.Hour)
		f.now.Store(&judged)
		w := loadWorld(t, ctx, f.s, f.agency, nil)
		units, _ := f.s.Units(ctx, f.agency)
		first := w.dossiers[0].State.AcceptedAt
		for _, d := range w.dossiers {
			if !d.State.AcceptedAt.IsZero() && d.State.AcceptedAt.Before(first) {
				first = d.State.AcceptedAt
			}
		}
		start := monthStart(first.In(calendar.Zone).Year(), first.In(calendar.Zone).Month())
		for m := 0; start.AddDate(0, m, 0).Before(judged); m += 2 {
			for _, unit := range append([]string{""}, unitIDs(units)...) {
				checkScope(t, ctx, f.s, w, store.Scope{AgencyID: f.agency, Unit: unit, From: start.AddDate(0, m, 0), To: start.AddDate(0, m+2, 0), Now: judged}, f.cal)
			}
		}
		t.Logf("%d dossiers recounted", len(w.dossiers))
	})
}

func unitIDs(units []agency.Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	return out
}
