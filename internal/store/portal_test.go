package store_test

import (
	"context"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

func claimOne(t *testing.T, f *fixture, lease time.Duration) store.PortalItem {
	t.Helper()
	items, err := f.s.ClaimPortal(context.Background(), *f.now.Load(), 10, lease)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %d items, %v", len(items), err)
	}
	return items[0]
}

func syncOf(t *testing.T, f *fixture, code string) store.PortalItem {
	t.Helper()
	p, err := f.s.PortalSyncOf(context.Background(), f.agency, code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPortalSyncRows(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := f.receive(t, "edu-001")
		code := rec.State.Code
		p := syncOf(t, f, code)
		if p.Status != store.SyncPending || p.WantVersion != 1 || p.Key != code || !p.ReceivedAt.Equal(vn("2025-03-03 09:00")) {
			t.Fatalf("after receive: %+v", p)
		}

		// A command while a delivery is in flight leaves the row with its
		// worker, which finds it pending again when it finishes.
		c := claimOne(t, f, time.Minute)
		if c.Status != store.SyncSending || c.Claim == "" || c.Attempts != 1 {
			t.Fatalf("claimed: %+v", c)
		}
		gdtrh := f.actors["cv.trunghoc1"]
		f.at("2025-03-03 10:00")
		f.must(t, store.Exec{Code: code, Actor: f.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUnit: gdtrh.UnitID, ToUser: gdtrh.UserID}})
		if p := syncOf(t, f, code); p.Status != store.SyncSending || p.WantVersion != 2 {
			t.Fatalf("edited while sending: %+v", p)
		}
		c.Created, c.PayloadHash, c.StepsSynced = true, "h1", 1
		if err := f.s.PortalDelivered(ctx, c, 1, *f.now.Load()); err != nil {
			t.Fatal(err)
		}
		if p := syncOf(t, f, code); p.Status != store.SyncPending || p.SyncedVersion != 1 || p.StepsSynced != 1 || !p.Created || p.Attempts != 0 {
			t.Fatalf("delivered an older version: %+v", p)
		}
		c = claimOne(t, f, time.Minute)
		c.PayloadHash, c.StepsSynced = "h2", 2
		if err := f.s.PortalDelivered(ctx, c, 2, *f.now.Load()); err != nil {
			t.Fatal(err)
		}
		if p := syncOf(t, f, code); p.Status != store.SyncSynced || p.SyncedVersion != 2 || p.SyncedAt.IsZero() {
			t.Fatalf("delivered the latest: %+v", p)
		}
		if items, _ := f.s.ClaimPortal(ctx, *f.now.Load(), 10, time.Minute); len(items) != 0 {
			t.Fatalf("a synced row was claimed: %+v", items)
		}

		// A worker that outlives its lease loses the row to another one.
		f.at("2025-03-03 11:00")
		if err := f.s.PortalResync(ctx, f.agency, code, *f.now.Load()); err != nil {
			t.Fatal(err)
		}
		if p := syncOf(t, f, code); p.Status != store.SyncPending || p.PayloadHash != "" || p.StepsSynced != 0 {
			t.Fatalf("resync: %+v", p)
		}
		first := claimOne(t, f, time.Minute)
		f.at("2025-03-03 11:02")
		second := claimOne(t, f, time.Minute)
		if second.Attempts != 2 || second.Claim == first.Claim {
			t.Fatalf("re-claim after the lease: %+v", second)
		}
		first.Created = true
		if err := f.s.PortalProgress(ctx, first); !store.IsClaimLost(err) {
			t.Fatalf("stale worker's progress: want claim lost, got %v", err)
		}

		// Transient failure: the backoff holds even when the dossier moves on.
		retry := vn("2025-03-03 11:30")
		if err := f.s.PortalFailed(ctx, second, "Cổng không trả lời", retry, false); err != nil {
			t.Fatal(err)
		}
		f.at("2025-03-03 11:05")
		f.must(t, store.Exec{Code: code, Actor: gdtrh, Command: dossier.RequestSupplement{Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao bằng", Copies: 1}}}})
		if p := syncOf(t, f, code); p.Status != store.SyncPending || !p.NextAttemptAt.Equal(retry) || p.Attempts != 2 || p.LastError != "Cổng không trả lời" {
			t.Fatalf("after a transient failure and a new command: %+v", p)
		}

		// A dead letter comes back when the dossier changes, and on retry.
		f.at("2025-03-03 11:31")
		dead := claimOne(t, f, time.Minute)
		if err := f.s.PortalFailed(ctx, dead, "mã lỗi 2: thiếu MaTTHC", vn("2025-03-03 11:31"), true); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.PortalCounts(ctx, f.agency); n[store.SyncFailed] != 1 {
			t.Fatalf("counts: %v", n)
		}
		if l, _ := f.s.PortalList(ctx, f.agency, store.SyncFailed, 10); len(l) != 1 || l[0].Code != code {
			t.Fatalf("failed list: %+v", l)
		}
		if r, err := f.s.PortalFailureReasons(ctx, f.agency, 10); err != nil || len(r) != 1 || r[0] != (store.FailureReason{Reason: "mã lỗi 2: thiếu MaTTHC", N: 1}) {
			t.Fatalf("failure reasons: %+v, %v", r, err)
		}
		if n, err := f.s.PortalRetryFailed(ctx, f.agency, *f.now.Load()); err != nil || n != 1 {
			t.Fatalf("retry failed: %d, %v", n, err)
		}
		if p := syncOf(t, f, code); p.Status != store.SyncPending || p.Attempts != 0 {
			t.Fatalf("retried: %+v", p)
		}

		// Periods, repairs.
		if n, err := f.s.PortalResyncPeriod(ctx, f.agency, vn("2025-03-01 00:00"), vn("2025-04-01 00:00"), *f.now.Load()); err != nil || n != 1 {
			t.Fatalf("resync period: %d, %v", n, err)
		}
		if n, _ := f.s.PortalResyncPeriod(ctx, f.agency, vn("2025-04-01 00:00"), vn("2025-05-01 00:00"), *f.now.Load()); n != 0 {
			t.Fatalf("resync of an empty period: %d", n)
		}
		page, err := f.s.PortalPeriod(ctx, f.agency, vn("2025-03-01 00:00"), vn("2025-04-01 00:00"), "", 10)
		if err != nil || len(page) != 1 || page[0].DossierID != rec.ID {
			t.Fatalf("period page: %+v, %v", page, err)
		}
	})
}

func TestPortalSyncNotForIntakeRefusals(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		rec := f.must(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs["edu-001"], Command: dossier.RefuseAtIntake{
			Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Trần Văn B"}, Reason: "Không thuộc thẩm quyền"}})
		if _, err := f.s.PortalSyncOf(context.Background(), f.agency, rec.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a refusal at the desk has no sync row: got %v", err)
		}
		// An online submission is filed under the portal's identifier, before and after acceptance.
		sub := f.must(t, store.Exec{Actor: dossier.Actor{Name: "Cổng Dịch vụ công quốc gia", UnitID: f.actors["motcua1"].UnitID},
			ProcedureID: f.procs["edu-001"], Command: dossier.Submit{Applicant: dossier.Applicant{Kind: 1, Name: "Lê Thị C"}, PortalRef: "DVCQG-7"}})
		p := syncOf(t, f, sub.ID)
		if p.Key != "DVCQG-7" || p.Code != "" || p.WantVersion != 1 {
			t.Fatalf("submitted online: %+v", p)
		}
		acc := f.must(t, store.Exec{DossierID: sub.ID, Actor: f.actors["motcua1"], Command: dossier.Receive{}})
		if p := syncOf(t, f, acc.State.Code); p.Key != "DVCQG-7" || p.Code != acc.State.Code || p.WantVersion != 2 || !p.ReceivedAt.Equal(acc.State.AcceptedAt) {
			t.Fatalf("accepted: %+v", p)
		}
	})
}

func TestPortalInboundAndRuns(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if c, err := f.s.InboundCursor(ctx, f.agency); err != nil || c != "" {
			t.Fatalf("first cursor: %q, %v", c, err)
		}
		for _, c := range []string{"5", "9"} {
			if err := f.s.SetInboundCursor(ctx, f.agency, c, *f.now.Load()); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := f.s.InboundCursor(ctx, f.agency); c != "9" {
			t.Fatalf("cursor: %q", c)
		}
		if seen, _ := f.s.InboundSeen(ctx, f.agency, "DVCQG-1"); seen {
			t.Fatal("seen before any record")
		}
		for range 2 {
			if err := f.s.RecordInbound(ctx, f.agency, store.InboundRecord{PortalRef: "DVCQG-1", Status: "rejected", Reason: "Thủ tục X không có", ReceivedAt: *f.now.Load()}); err != nil {
				t.Fatal(err)
			}
		}
		if seen, _ := f.s.InboundSeen(ctx, f.agency, "DVCQG-1"); !seen {
			t.Fatal("not seen after a record")
		}
		if l, err := f.s.RecentInbound(ctx, f.agency, 10); err != nil || len(l) != 1 || l[0].Reason != "Thủ tục X không có" {
			t.Fatalf("recent inbound: %+v, %v", l, err)
		}
		run := store.PortalRun{From: vn("2025-03-01 00:00"), To: vn("2025-04-01 00:00"), StartedAt: *f.now.Load(), FinishedAt: *f.now.Load(),
			Checked: 4, Matched: 3, Missing: 1, Report: "000.00.08.H44-250303-0001: Cổng chưa có hồ sơ"}
		if err := f.s.SavePortalRun(ctx, f.agency, run); err != nil {
			t.Fatal(err)
		}
		runs, err := f.s.PortalRuns(ctx, f.agency, 5)
		if err != nil || len(runs) != 1 || runs[0].Ratio() != 0.75 || runs[0].Report != run.Report || !runs[0].From.Equal(run.From) {
			t.Fatalf("runs: %+v, %v", runs, err)
		}
	})
}

func TestScorecardCountsSyncedDossiers(t *testing.T) {
	eachFixture(t, vn("2025-03-03 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.receive(t, "edu-001")
		f.at("2025-03-03 09:30")
		f.receive(t, "edu-001")
		items, err := f.s.ClaimPortal(ctx, *f.now.Load(), 1, time.Minute)
		if err != nil || len(items) != 1 {
			t.Fatalf("claim: %v %v", items, err)
		}
		if err := f.s.PortalDelivered(ctx, items[0], items[0].WantVersion, *f.now.Load()); err != nil {
			t.Fatal(err)
		}
		q := store.Scope{AgencyID: f.agency, From: vn("2025-03-01 00:00"), To: vn("2025-04-01 00:00"), Now: vn("2025-03-03 10:00")}
		rep, err := f.s.Scorecard(ctx, q, f.cal)
		if err != nil || rep.Facts.SyncKnown {
			t.Fatalf("without the portal: %+v %v", rep.Facts, err)
		}
		q.PortalSync = true
		rep, err = f.s.Scorecard(ctx, q, f.cal)
		if err != nil || !rep.Facts.SyncKnown || rep.Facts.Synced != 1 || rep.Facts.Received != 2 {
			t.Fatalf("with the portal: %+v %v", rep.Facts, err)
		}
	})
}
