package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// fixture is a demo agency on a store whose clock the test moves.
type fixture struct {
	s      *store.Store
	agency string
	cal    *calendar.Calendar
	now    *atomic.Pointer[time.Time]
	actors map[string]dossier.Actor
	procs  map[string]string // source key → procedure ID
	n      atomic.Int64
}

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func eachFixture(t *testing.T, start time.Time, fn func(t *testing.T, f *fixture)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			f := &fixture{now: &atomic.Pointer[time.Time]{}, actors: map[string]dossier.Actor{}, procs: map[string]string{}}
			f.now.Store(&start)
			f.s = storetest.Open(t, engine, store.Options{Now: func() time.Time { return *f.now.Load() }})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, f.s, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			f.agency = sum.Agency.ID
			users, _ := f.s.Users(ctx, f.agency)
			for _, u := range users {
				f.actors[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
			}
			procs, _ := f.s.Procedures(ctx, f.agency)
			for _, p := range procs {
				f.procs[p.Key] = p.ID
			}
			if f.cal, err = calendar.New(calendar.DefaultConfig()); err != nil {
				t.Fatal(err)
			}
			fn(t, f)
		})
	}
}

func (f *fixture) at(s string) { t := vn(s); f.now.Store(&t) }

func (f *fixture) secret() string { return fmt.Sprintf("S%05d", f.n.Add(1)) }

func (f *fixture) exec(t *testing.T, in store.Exec) (store.Record, error) {
	t.Helper()
	in.AgencyID = f.agency
	return f.s.Execute(context.Background(), in, f.cal, f.secret)
}

func (f *fixture) must(t *testing.T, in store.Exec) store.Record {
	t.Helper()
	rec, err := f.exec(t, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Command.Name(), err)
	}
	return rec
}

func (f *fixture) receive(t *testing.T, key string) store.Record {
	t.Helper()
	return f.must(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs[key], Command: dossier.Receive{
		Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan", IDNumber: "001190000123", Phone: "0912345678"},
		Documents: []dossier.Document{{Name: "Đơn đề nghị", Copies: 1, Original: true, Digitised: true}}}})
}

func TestDossierLifecycleThroughTheStore(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := f.receive(t, "edu-001") // 5 working days
		st := rec.State
		if st.Code != "000.00.08.H44-250303-0001" || st.Status != dossier.Accepted || !st.LegalDue.Equal(vn("2025-03-10 17:00")) || st.Version != 1 {
			t.Fatalf("received: code %s status %s due %s version %d", st.Code, st.Status, st.LegalDue.In(calendar.Zone), st.Version)
		}
		gdtrh := f.actors["cv.trunghoc1"]
		f.at("2025-03-03 10:00")
		f.must(t, store.Exec{Code: st.Code, ExpectedVersion: 1, Actor: f.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUnit: gdtrh.UnitID, ToUser: gdtrh.UserID}})
		if _, err := f.exec(t, store.Exec{Code: st.Code, ExpectedVersion: 1, Actor: f.actors["motcua1"], Command: dossier.Return{To: "x", Method: "y"}}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("stale version: want conflict, got %v", err)
		}
		if _, err := f.exec(t, store.Exec{Code: st.Code, Actor: f.actors["motcua1"], Command: dossier.Return{To: "x", Method: "y"}}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("return before resolve: want conflict, got %v", err)
		}
		f.at("2025-03-05 15:00")
		f.must(t, store.Exec{Code: st.Code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định chỉnh sửa"}}})
		f.at("2025-03-06 08:00")
		rec = f.must(t, store.Exec{Code: st.Code, Actor: f.actors["motcua1"], Command: dossier.Return{To: "Nguyễn Thị Lan", Method: "trực tiếp"}})
		if rec.State.Status != dossier.Returned || rec.State.Version != 4 || len(rec.Events) != 4 {
			t.Fatalf("returned: %s v%d, %d events", rec.State.Status, rec.State.Version, len(rec.Events))
		}
		got, err := f.s.Dossier(ctx, f.agency, st.Code)
		if err != nil || got.State.Version != 4 || len(got.Events) != 4 || got.State.Secret == "" {
			t.Fatalf("Dossier: v%d, %d events, %v", got.State.Version, len(got.Events), err)
		}
		if err := f.s.VerifyChain(ctx, f.agency, got.ID); err != nil {
			t.Fatal(err)
		}
		c, err := f.s.Counters(ctx, f.agency, vn("2025-03-01 00:00"), vn("2025-04-01 00:00"))
		if err != nil || c.Received != 1 || c.ResolvedEarly != 1 || c.Open != 0 {
			t.Fatalf("counters %+v, %v", c, err)
		}
		rows, next, err := f.s.ListDossiers(ctx, f.agency, store.Filter{Search: "nguyen thi lan"}, "", 10)
		if err != nil || len(rows) != 1 || next != "" || rows[0].Class != "early" {
			t.Fatalf("search by folded name: %+v %q %v", rows, next, err)
		}
		if _, err := f.s.Dossier(ctx, f.agency, "000.00.08.H44-250303-9999"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown code: want not found, got %v", err)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		in := store.Exec{IdempotencyKey: "k1", RequestHash: "h1", Actor: f.actors["motcua1"], ProcedureID: f.procs["edu-001"],
			Command: dossier.Receive{Channel: dossier.Online, Applicant: dossier.Applicant{Kind: 1, Name: "Lê Văn Tám"}}}
		first := f.must(t, in)
		again := f.must(t, in)
		if again.State.Code != first.State.Code || again.State.Version != 1 {
			t.Fatalf("retry gave %s v%d, want %s v1", again.State.Code, again.State.Version, first.State.Code)
		}
		in.RequestHash = "h2"
		if _, err := f.exec(t, in); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("same key, other body: want conflict, got %v", err)
		}
		rows, _, _ := f.s.ListDossiers(context.Background(), f.agency, store.Filter{}, "", 50)
		if len(rows) != 1 {
			t.Fatalf("%d dossiers, want 1", len(rows))
		}
	})
}

func TestConcurrentReceivesGetGapFreeCodes(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		const n = 50
		codes := make([]string, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				rec, err := f.exec(t, store.Exec{Actor: f.actors["motcua2"], ProcedureID: f.procs["edu-001"], Command: dossier.Receive{
					Channel: dossier.Post, Applicant: dossier.Applicant{Kind: 1, Name: fmt.Sprintf("Người nộp %d", i)}}})
				if err != nil {
					errs <- err
					return
				}
				codes[i] = rec.State.Code
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			seen[c] = true
		}
		for i := 1; i <= n; i++ {
			want := fmt.Sprintf("000.00.08.H44-250303-%04d", i)
			if !seen[want] {
				t.Fatalf("code %s missing; got %v", want, strings.Join(codes, " "))
			}
		}
	})
}

// Two receiving units of one agency share the agency's identifier in the
// code, so they share the day's sequence and never hand out the same code.
func TestTwoReceivingUnitsNeverShareACode(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		desk2 := f.actors["motcua2"]
		desk2.UnitID = f.actors["cv.tccb1"].UnitID // another unit receiving, e.g. a branch desk
		a := f.receive(t, "edu-001")
		b := f.must(t, store.Exec{Actor: desk2, ProcedureID: f.procs["edu-001"], Command: dossier.Receive{
			Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Trần Văn B"}}})
		if a.State.Code == b.State.Code || b.State.Code != "000.00.08.H44-250303-0002" {
			t.Fatalf("codes %s and %s", a.State.Code, b.State.Code)
		}
	})
}
