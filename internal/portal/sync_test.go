package portal_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// crashy is the store of a worker that dies, now and then, right after the
// portal acknowledged a call and before it wrote down its progress.
type crashy struct {
	*store.Store
	calls atomic.Int64
}

var errCrash = errors.New("simulated crash after the portal acknowledged")

func (c *crashy) PortalProgress(ctx context.Context, p store.PortalItem) error {
	if c.calls.Add(1)%7 == 0 {
		return errCrash
	}
	return c.Store.PortalProgress(ctx, p)
}

// recorder notes, per dossier key, the hash of every dossier record the
// simulator received, in arrival order, before the simulator sees it.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen map[string][]string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	var in portal.Request
	if req.URL.Path == "/service" && json.Unmarshal(body, &in) == nil && in.Service == portal.ServicePushDossier {
		var ds []portal.Dossier
		if json.Unmarshal(in.Data, &ds) == nil {
			r.mu.Lock()
			for _, d := range ds {
				r.seen[d.Key()] = append(r.seen[d.Key()], portal.Hash(d))
			}
			r.mu.Unlock()
		}
	}
	r.next.ServeHTTP(w, req)
}

type syncRig struct {
	st     *store.Store
	agency string
	cal    *calendar.Calendar
	sim    *portalsim.Sim
	rec    *recorder
	url    string
	dir    portal.Directory
}

func (r *syncRig) worker(st portal.Store) *portal.Worker {
	c := portal.NewClient(portal.Config{ServiceURL: r.url + "/service", SessionURL: r.url + "/session",
		Username: portalsim.DefaultUsername, Password: portalsim.DefaultPassword, Timeout: 400 * time.Millisecond})
	return portal.NewWorker(portal.Options{Store: st, Client: c, Calendar: func(string) *calendar.Calendar { return r.cal },
		Log: slog.New(slog.DiscardHandler), Interval: 20 * time.Millisecond, Batch: 10, Lease: 3 * time.Second, MinDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond})
}

// drain waits until no row is pending or being sent.
func (r *syncRig) drain(t *testing.T) map[string]int {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		n, err := r.st.PortalCounts(context.Background(), r.agency)
		if err != nil {
			t.Fatal(err)
		}
		if n[store.SyncPending] == 0 && n[store.SyncSending] == 0 {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync did not settle: %v", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// compare checks that the simulator holds exactly what every dossier maps
// to, and that each dossier's records arrived in version order. It
// returns how many dossiers the portal holds and how many it cannot take.
func (r *syncRig) compare(t *testing.T) (held, unmappable int) {
	t.Helper()
	ctx := context.Background()
	rows, err := r.st.PortalPeriod(ctx, r.agency, time.Unix(0, 0), time.Now().AddDate(1, 0, 0), "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	for _, row := range rows {
		rec, err := r.st.Dossier(ctx, r.agency, row.DossierID)
		if err != nil {
			t.Fatal(err)
		}
		d, steps, err := portal.Map(rec.Events, r.cal, r.dir)
		if err != nil {
			if row.Status != store.SyncFailed || !strings.Contains(row.LastError, "mã TTHC") {
				t.Fatalf("%s cannot be mapped (%v) but its row is %s %q", row.Code, err, row.Status, row.LastError)
			}
			unmappable++
			continue
		}
		if row.Status != store.SyncSynced || row.SyncedVersion != rec.State.Version || row.StepsSynced != len(steps) {
			t.Fatalf("%s: row %+v for version %d with %d steps", row.Code, row, rec.State.Version, len(steps))
		}
		got, ok := r.sim.Lookup(d.Key())
		if !ok {
			t.Fatalf("%s: the portal has nothing", row.Code)
		}
		if !reflect.DeepEqual(roundTrip(t, got.Dossier), roundTrip(t, d)) {
			t.Fatalf("%s: the portal's record differs\nportal %+v\nours   %+v", row.Code, got.Dossier, d)
		}
		if !reflect.DeepEqual(got.Steps, steps) {
			t.Fatalf("%s: the portal's steps differ: %d vs our %d", row.Code, len(got.Steps), len(steps))
		}
		// Order: the records received correspond to non-decreasing versions.
		version := map[string]int{}
		for v := 1; v <= len(rec.Events); v++ {
			if dv, _, err := portal.Map(rec.Events[:v], r.cal, r.dir); err == nil {
				version[portal.Hash(dv)] = v
			}
		}
		last := 0
		for _, h := range r.rec.seen[d.Key()] {
			v, ok := version[h]
			if !ok {
				t.Fatalf("%s: the portal received a record of no version of ours", row.Code)
			}
			if v < last {
				t.Fatalf("%s: version %d arrived after version %d", row.Code, v, last)
			}
			last = v
		}
		held++
	}
	return held, unmappable
}

func roundTrip(t *testing.T, d portal.Dossier) map[string]any {
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSyncSurvivesOutagesAndCrashes loads a year of demo activity while two
// workers deliver it through injected outages, slow answers, malformed
// JSON, 500s, busy answers, unexpected codes, expired sessions, a worker
// killed mid-round and crashes after acknowledged calls; at the end the
// simulator's copy equals ours for every dossier. Then a dropped update is
// found and repaired by reconciliation, and online dossiers pulled twice
// arrive once at the one-stop desk.
func TestSyncSurvivesOutagesAndCrashes(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, engine, store.Options{})
			sum, err := demo.Seed(ctx, st, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			cal, err := calendar.New(calendar.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			sim := portalsim.New(portalsim.Options{})
			rec := &recorder{next: sim, seen: map[string][]string{}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			r := &syncRig{st: st, agency: sum.Agency.ID, cal: cal, sim: sim, rec: rec, url: srv.URL}
			if r.dir, err = portal.LoadDirectory(ctx, st, sum.Agency.ID); err != nil {
				t.Fatal(err)
			}

			runCtx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			defer func() { stop(); wg.Wait() }()
			start := func(st portal.Store) context.CancelFunc {
				wctx, cancel := context.WithCancel(runCtx)
				w := r.worker(st)
				wg.Go(func() { w.Run(wctx) })
				return cancel
			}
			killA := start(&crashy{Store: st})
			start(st)

			faultsDone := make(chan struct{})
			go func() {
				defer close(faultsDone)
				plan := []portalsim.Faults{
					{Down: true}, {Fail500: 15}, {Malformed: 10}, {Delay: 600 * time.Millisecond}, {Busy: 10}, {Unexpected: 3}, {Down: true},
				}
				for i, f := range plan {
					sim.SetFaults(f)
					time.Sleep(300 * time.Millisecond)
					sim.SetFaults(portalsim.Faults{})
					sim.ExpireSessions()
					if i == 2 {
						killA() // a worker dies in the middle of its round; another takes its place
						start(&crashy{Store: st})
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
			hist, err := demo.History(ctx, st, sum.Agency.ID, cal, time.Now(), nil)
			if err != nil {
				t.Fatal(err)
			}
			<-faultsDone
			sim.SetFaults(portalsim.Faults{})
			n := r.drain(t)
			// The unexpected answers became visible dead letters; a person retries them.
			if _, err := st.PortalRetryFailed(ctx, sum.Agency.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			n = r.drain(t)
			held, unmappable := r.compare(t)
			stats := sim.Snapshot().Stats
			t.Logf("%d dossiers (%d commands): portal holds %d, %d cannot be synced (procedure without a national code); counts %v; simulator %+v",
				hist.Dossiers, hist.Commands, held, unmappable, n, stats)
			if held == 0 || n[store.SyncFailed] != unmappable || stats.Faulted == 0 {
				t.Fatalf("held %d, failed %d, unmappable %d, faulted %d", held, n[store.SyncFailed], unmappable, stats.Faulted)
			}

			// Reconciliation finds and repairs a dropped update.
			code := openDossier(t, st, sum.Agency.ID)
			sim.SetFaults(portalsim.Faults{Drop: 2})
			leader := actor(t, st, sum.Agency.ID, "giamdoc")
			d, err := st.Dossier(ctx, sum.Agency.ID, code)
			if err != nil {
				t.Fatal(err)
			}
			promised := cal.AddWorkingMinutes(later(d.State.Promised, time.Now()), 5*480)
			if _, err := st.Execute(ctx, store.Exec{AgencyID: sum.Agency.ID, Code: code, Actor: leader,
				Command: dossier.Reschedule{Promised: promised, Reason: "Cần thêm thời gian xác minh", LateNotice: true}}, cal, nil); err != nil {
				t.Fatal(err)
			}
			r.drain(t)
			if sim.Faults().Drop != 0 {
				t.Fatalf("the drop was not used: %+v", sim.Faults())
			}
			w := r.worker(st)
			from, to := time.Now().AddDate(-2, 0, 0), time.Now().AddDate(0, 0, 1)
			run, err := w.Reconcile(ctx, sum.Agency.ID, from, to, nil)
			if err != nil {
				t.Fatal(err)
			}
			if run.Different != 1 || run.Missing != 0 || run.Unsyncable != unmappable || run.Matched != held-1 || !strings.Contains(run.Report, code) {
				t.Fatalf("first reconciliation: %+v", run)
			}
			r.drain(t)
			run, err = w.Reconcile(ctx, sum.Agency.ID, from, to, nil)
			if err != nil {
				t.Fatal(err)
			}
			if run.Different != 0 || run.Matched != held || math.Abs(run.Ratio()-float64(held)/float64(held+unmappable)) > 1e-9 {
				t.Fatalf("after the repair: %+v", run)
			}
			if h, _ := r.compare(t); h != held {
				t.Fatalf("held %d after the repair, want %d", h, held)
			}

			// Inbound: the same portal dossier twice, an unknown procedure.
			procs, err := st.Procedures(ctx, sum.Agency.ID)
			if err != nil {
				t.Fatal(err)
			}
			var known string
			for _, p := range procs {
				if p.Code != "" {
					known = p.Code
					break
				}
			}
			online := portal.Inbound{MaHoSoQG: "G22.99-251124-0001", MaTTHC: known, MaDonVi: demo.AgencyCode, ChuHoSo: "Đặng Thị Hương",
				LoaiDoiTuong: 1, SoDienThoai: "0987654321", NgayNopHoSo: portal.Stamp(time.Now().Add(-time.Hour)),
				TaiLieuNop: []portal.Document{{TenTepDinhKem: "Đơn đề nghị.pdf", SoBan: 1, BanChinh: true}}}
			sim.AddInbound(online)
			sim.AddInbound(online)
			unknown := online
			unknown.MaHoSoQG, unknown.MaTTHC = "G22.99-251124-0002", "9.999999.000.00.00.H99"
			sim.AddInbound(unknown)
			sim.SetFaults(portalsim.Faults{Fail500: 1})
			if _, err := w.Pull(ctx); err == nil {
				t.Fatal("a pull through a 500 must fail")
			}
			got, err := w.Pull(ctx)
			if err != nil || got.Created != 1 || got.Seen != 1 || got.Rejected != 1 {
				t.Fatalf("pull: %+v, %v", got, err)
			}
			// The cursor forgotten: everything is pulled again, nothing created twice.
			if err := st.SetInboundCursor(ctx, sum.Agency.ID, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			if got, err := w.Pull(ctx); err != nil || got.Created != 0 || got.Seen != 3 {
				t.Fatalf("pull again: %+v, %v", got, err)
			}
			rows, _, err := st.ListDossiers(ctx, sum.Agency.ID, store.Filter{Status: dossier.Submitted}, "", 50)
			if err != nil || len(rows) != 1 || rows[0].ApplicantName != "Đặng Thị Hương" {
				t.Fatalf("awaiting acceptance at the desk: %+v, %v", rows, err)
			}
			inbound, _ := st.RecentInbound(ctx, sum.Agency.ID, 10)
			if len(inbound) != 2 {
				t.Fatalf("inbound log: %+v", inbound)
			}
			r.drain(t)
			if rec, ok := sim.Lookup("G22.99-251124-0001"); !ok || rec.Dossier.TrangThaiHoSo != 1 {
				t.Fatalf("the online dossier's status on the portal: %+v %v", rec.Dossier, ok)
			}
		})
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func actor(t *testing.T, st *store.Store, agencyID, username string) dossier.Actor {
	t.Helper()
	users, err := st.Users(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == username {
			return dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
		}
	}
	t.Fatalf("no user %s", username)
	return dossier.Actor{}
}

// openDossier is an open, not yet rescheduled dossier whose procedure the
// portal takes.
func openDossier(t *testing.T, st *store.Store, agencyID string) string {
	t.Helper()
	rows, _, err := st.ListDossiers(context.Background(), agencyID, store.Filter{Status: dossier.Processing}, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		rec, err := st.Dossier(context.Background(), agencyID, row.Code)
		if err == nil && !rec.State.Rescheduled && rec.State.Procedure.Code != "" && !rec.State.LegalDue.IsZero() {
			return row.Code
		}
	}
	t.Fatal("no open dossier to reschedule")
	return ""
}
