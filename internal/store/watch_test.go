package store_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/notice"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

// watchFixture is the demo agency, its staff with e-mail addresses, on a
// store with the given outbound channels.
func watchFixture(t *testing.T, start time.Time, chans store.Channels, fn func(t *testing.T, f *fixture)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			f := &fixture{now: &atomic.Pointer[time.Time]{}, actors: map[string]dossier.Actor{}, procs: map[string]string{}}
			f.now.Store(&start)
			f.s = storetest.Open(t, engine, store.Options{Now: func() time.Time { return *f.now.Load() }, Channels: chans})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, f.s, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			f.agency = sum.Agency.ID
			if _, err := store.DB(f.s).Exec(`UPDATE users SET email = username || '@sogd.example.gov.vn'`); err != nil {
				t.Fatal(err)
			}
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

func (f *fixture) sweeper(mail, webhook bool) *watch.Sweeper {
	return watch.NewSweeper(watch.Options{Store: f.s, Calendar: func(string) *calendar.Calendar { return f.cal }, Now: func() time.Time { return *f.now.Load() },
		Log: quietLog, Mail: mail, Webhook: webhook})
}

// toSpecialist receives an edu-001 dossier now (5 working days) and hands it to cv.trunghoc1 an hour later.
func (f *fixture) toSpecialist(t *testing.T, at string) store.Record {
	f.at(at)
	rec := f.receive(t, "edu-001")
	f.now.Store(new(f.now.Load().Add(time.Hour)))
	spec := f.actors["cv.trunghoc1"]
	return f.must(t, store.Exec{Code: rec.State.Code, Actor: f.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUnit: spec.UnitID, ToUser: spec.UserID}})
}

type counts struct{ rungs, notes, outbox int }

func (f *fixture) count(t *testing.T) counts {
	var c counts
	db := store.DB(f.s)
	for q, p := range map[string]*int{"SELECT COUNT(*) FROM watch_rungs": &c.rungs, "SELECT COUNT(*) FROM notifications": &c.notes, "SELECT COUNT(*) FROM outbox": &c.outbox} {
		if err := db.QueryRow(q).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

var (
	errCrash = errors.New("the process died here")
	quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// TestSweepCrashLosesNoRungAndSendsNoneTwice kills the sweep (an injected
// failure) after the rung is written and after its notifications are
// written, before the commit: nothing of it stays, the dossier is still due,
// and the next sweep fires the rung exactly once.
func TestSweepCrashLosesNoRungAndSendsNoneTwice(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := f.toSpecialist(t, "2025-03-03 09:00") // specialist from 10:00; 50 % at 04/03 16:30
		f.at("2025-03-04 16:35")
		w := f.sweeper(false, true)
		for _, stage := range []string{"rungs written", "notifications written"} {
			store.SetFault(f.s, func(s string) error {
				if s == stage {
					return errCrash
				}
				return nil
			})
			if _, err := w.Sweep(ctx); !errors.Is(err, errCrash) {
				t.Fatalf("crash at %q: sweep returned %v", stage, err)
			}
			if c := f.count(t); c != (counts{}) {
				t.Fatalf("crash at %q left %+v", stage, c)
			}
			if at, ok := store.NextWake(f.s, f.agency, rec.ID); !ok || !at.Equal(vn("2025-03-04 16:30")) {
				t.Fatalf("crash at %q: wake %s %v, want the 50 %% rung still due", stage, at, ok)
			}
		}
		store.SetFault(f.s, nil)
		res, err := w.Sweep(ctx)
		if err != nil || res.Claimed != 1 || res.Rungs != 1 || res.Notes != 1 || res.Hooks != 1 {
			t.Fatalf("sweep after the crashes: %+v %v", res, err)
		}
		if c := f.count(t); c != (counts{1, 1, 1}) {
			t.Fatalf("after the sweep %+v, want one rung, one notification, one webhook call", c)
		}
		// Sweeping again, or with a second sweeper, sends nothing more.
		for range 2 {
			if res, err := f.sweeper(false, true).Sweep(ctx); err != nil || res.Claimed != 0 {
				t.Fatalf("second sweep %+v %v", res, err)
			}
		}
		if at, _ := store.NextWake(f.s, f.agency, rec.ID); !at.Equal(vn("2025-03-05 16:18")) {
			t.Fatalf("next wake %s, want the 80 %% rung", at.In(calendar.Zone))
		}
		rungs, _ := f.s.FiredRungs(ctx, f.agency, rec.ID)
		if len(rungs) != 1 || rungs[0].Key != "step2-50%" || !rungs[0].FiredAt.Equal(vn("2025-03-04 16:35")) {
			t.Fatalf("rungs %+v", rungs)
		}

		// A crash after the commit and before the digest: the next sweep
		// mails what waits, once.
		f.at("2025-03-05 16:20")
		store.SetFault(f.s, func(s string) error {
			if s == "digest" {
				return errCrash
			}
			return nil
		})
		if res, err := f.sweeper(true, false).Sweep(ctx); !errors.Is(err, errCrash) || res.Notes != 2 || res.Digests != 0 {
			t.Fatalf("80 %% sweep %+v %v", res, err)
		}
		store.SetFault(f.s, nil)
		res, err = f.sweeper(true, false).Sweep(ctx)
		if err != nil || res.Claimed != 0 || res.Digests != 2 {
			t.Fatalf("digest sweep %+v %v", res, err)
		}
		if res, _ := f.sweeper(true, false).Sweep(ctx); res.Digests != 0 {
			t.Fatalf("digested twice: %+v", res)
		}
	})
}

// TestCommandKeepsAnUnsweptRungDue: a command between a rung's instant and
// the sweep that would fire it must not move the wake-up past the rung.
func TestCommandKeepsAnUnsweptRungDue(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := f.toSpecialist(t, "2025-03-03 09:00")
		f.at("2025-03-04 16:40")
		other := f.actors["cv.trunghoc2"]
		f.must(t, store.Exec{Code: rec.State.Code, Actor: f.actors["tp.trunghoc"], Command: dossier.Transfer{ToStep: 1, ToUnit: other.UnitID, ToUser: other.UserID}})
		if at, _ := store.NextWake(f.s, f.agency, rec.ID); !at.Equal(vn("2025-03-04 16:30")) {
			t.Fatalf("wake %s after the reassignment, want the unswept 50 %% rung", at.In(calendar.Zone))
		}
		if res, err := f.sweeper(false, false).Sweep(ctx); err != nil || res.Rungs != 1 {
			t.Fatalf("sweep %+v %v", res, err)
		}
		notes, _ := f.s.Notifications(ctx, f.agency, other.UserID, 10)
		if len(notes) != 1 || notes[0].RungKey != "step2-50%" {
			t.Fatalf("the new holder got %+v", notes)
		}
		// Closing the dossier clears the wake-up.
		f.must(t, store.Exec{Code: rec.State.Code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
		if _, ok := store.NextWake(f.s, f.agency, rec.ID); ok {
			t.Fatal("a resolved dossier still wakes")
		}
	})
}

// TestCalendarChangeRederivesWakes: a day off announced late moves the step
// deadlines and the rungs of open dossiers; the store re-derives them and
// records why.
func TestCalendarChangeRederivesWakes(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		open := f.toSpecialist(t, "2025-03-03 09:00")
		done := f.toSpecialist(t, "2025-03-03 09:05")
		f.must(t, store.Exec{Code: done.State.Code, Actor: f.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
		f.at("2025-03-04 17:00")
		if _, err := f.sweeper(false, false).Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		cfg := calendar.DefaultConfig()
		cfg.ExtraDaysOff = []calendar.NamedDate{{Date: calendar.DateOf(vn("2025-03-05 00:00")), Name: "Nghỉ bù đột xuất"}}
		cal, err := calendar.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		reason := "Lịch làm việc thay đổi: ngày 05/03/2025 là ngày nghỉ"
		n, err := f.s.RederiveWakes(ctx, f.agency, cal, reason)
		if err != nil || n != 1 {
			t.Fatalf("rederived %d, %v; want the one open dossier", n, err)
		}
		changes, err := f.s.WakeChanges(ctx, f.agency, open.ID)
		if err != nil || len(changes) != 1 {
			t.Fatalf("changes %+v %v", changes, err)
		}
		c := changes[0]
		if c.Reason != reason || !c.OldWake.Equal(vn("2025-03-05 16:18")) || !c.NewWake.Equal(vn("2025-03-06 16:18")) ||
			!c.OldStepDue.Equal(vn("2025-03-06 13:30")) || !c.NewStepDue.Equal(vn("2025-03-07 13:30")) {
			t.Fatalf("change %+v", c)
		}
		if at, _ := store.NextWake(f.s, f.agency, open.ID); !at.Equal(vn("2025-03-06 16:18")) {
			t.Fatalf("wake %s", at.In(calendar.Zone))
		}
		if ch, _ := f.s.WakeChanges(ctx, f.agency, done.ID); len(ch) != 0 {
			t.Fatalf("a resolved dossier changed: %+v", ch)
		}
		if n, err := f.s.RederiveWakes(ctx, f.agency, cal, reason); err != nil || n != 0 {
			t.Fatalf("second run changed %d, %v", n, err)
		}
	})
}

func TestLadderPerAgency(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if l, err := f.s.Ladder(ctx, f.agency); err != nil || len(l.StepPercents) != 3 || !l.OverdueDaily {
			t.Fatalf("default ladder %+v %v", l, err)
		}
		for _, bad := range []dossier.Ladder{{StepPercents: []int{0}}, {StepPercents: []int{50, 50}}, {StepPercents: []int{101}},
			{DaysBefore: []int{-1}}, {DaysBefore: []int{31}}, {StepPercents: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}} {
			if _, err := f.s.SetLadder(ctx, f.agency, bad, f.cal); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		rec := f.toSpecialist(t, "2025-03-03 09:00")
		// 25 % of the specialist's 1560 minutes: 390 minutes from 10:00.
		n, err := f.s.SetLadder(ctx, f.agency, dossier.Ladder{StepPercents: []int{25}, DaysBefore: []int{3}}, f.cal)
		if err != nil || n != 1 {
			t.Fatalf("set ladder: %d %v", n, err)
		}
		if at, _ := store.NextWake(f.s, f.agency, rec.ID); !at.Equal(vn("2025-03-04 08:30")) {
			t.Fatalf("wake %s, want the 25 %% rung", at.In(calendar.Zone))
		}
		changes, _ := f.s.WakeChanges(ctx, f.agency, rec.ID)
		if len(changes) != 1 || changes[0].Reason != "Thay đổi mốc cảnh báo của cơ quan" {
			t.Fatalf("changes %+v", changes)
		}
		// A new command keeps the agency's ladder.
		f.at("2025-03-03 11:00")
		second := f.receive(t, "edu-001")
		if at, _ := store.NextWake(f.s, f.agency, second.ID); !at.Equal(f.cal.AddWorkingMinutes(vn("2025-03-03 11:00"), 60)) {
			t.Fatalf("new dossier wakes at %s, want its 25 %% reception rung", at.In(calendar.Zone))
		}
	})
}

// TestCitizenMessagesGoWithTheCommand: the status e-mail and the webhook
// call are written in the command's transaction, wait for office hours,
// and history loaded with Exec.At sends nothing.
func TestCitizenMessagesGoWithTheCommand(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{Email: true, Webhook: true}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		applicant := dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan", Email: "lan@example.vn", Phone: "0912345678"}
		receive := func(a dossier.Applicant, at time.Time) store.Record {
			return f.must(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs["edu-001"], At: at, Command: dossier.Receive{Channel: dossier.InPerson, Applicant: a}})
		}
		receive(applicant, time.Time{})
		receive(applicant, vn("2025-02-03 09:00")) // history: nothing
		receive(dossier.Applicant{Kind: 1, Name: "Lê Văn Tám"}, time.Time{})
		f.at("2025-03-03 20:15")
		night := receive(applicant, time.Time{})
		items, err := f.s.Outbox(ctx, f.agency, store.OutboxPending, 50)
		if err != nil {
			t.Fatal(err)
		}
		var email, hooks int
		for _, it := range items {
			switch it.Channel {
			case store.ChannelEmail:
				email++
				if it.Recipient != "lan@example.vn" || it.Kind != "citizen" || !strings.Contains(it.Subject, "đã được tiếp nhận") {
					t.Errorf("e-mail %+v", it)
				}
			case store.ChannelWebhook:
				hooks++
				var h notice.Hook
				if err := json.Unmarshal([]byte(it.Body), &h); err != nil || h.Event != "dossier.status" || h.Kind != "received" || h.Applicant == nil {
					t.Errorf("webhook %s: %+v %v", it.Body, h, err)
				}
			}
			if it.DossierCode == night.State.Code && !it.NextAt.Equal(vn("2025-03-04 07:30")) {
				t.Errorf("a message made at 20:15 goes at %s", it.NextAt.In(calendar.Zone))
			}
		}
		if email != 2 || hooks != 3 {
			t.Fatalf("%d e-mails and %d webhook calls, want 2 and 3", email, hooks)
		}
		// A refused command writes nothing.
		if _, err := f.exec(t, store.Exec{Code: night.State.Code, Actor: f.actors["motcua1"], Command: dossier.Reschedule{Promised: vn("2025-04-01 17:00"), Reason: "x"}}); err == nil {
			t.Fatal("the desk may not reschedule")
		}
		if again, _ := f.s.Outbox(ctx, f.agency, store.OutboxPending, 50); len(again) != len(items) {
			t.Fatalf("a refused command enqueued %d messages", len(again)-len(items))
		}
	})
}

// TestOutboxLeaseAndDeadLetters: a claimed message is the sender's for the
// lease; a sender that dies leaves it to the next claim; a failure waits;
// a dead letter goes back to the queue only by hand.
func TestOutboxLeaseAndDeadLetters(t *testing.T) {
	watchFixture(t, vn("2025-03-03 09:00"), store.Channels{Email: true}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.must(t, store.Exec{Actor: f.actors["motcua1"], ProcedureID: f.procs["edu-001"], Command: dossier.Receive{Channel: dossier.InPerson,
			Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan", Email: "lan@example.vn"}}})
		now := vn("2025-03-03 09:00")
		email := []string{store.ChannelEmail}
		if got, _ := f.s.ClaimOutbox(ctx, now, 10, time.Minute, []string{store.ChannelWebhook}); len(got) != 0 {
			t.Fatalf("claimed on the wrong channel: %+v", got)
		}
		got, err := f.s.ClaimOutbox(ctx, now, 10, time.Minute, email)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].Status != store.OutboxSending {
			t.Fatalf("claim %+v %v", got, err)
		}
		id := got[0].ID
		if again, _ := f.s.ClaimOutbox(ctx, now.Add(30*time.Second), 10, time.Minute, email); len(again) != 0 {
			t.Fatal("claimed twice inside the lease")
		}
		// The sender died: after the lease the message is claimed again.
		again, _ := f.s.ClaimOutbox(ctx, now.Add(2*time.Minute), 10, time.Minute, email)
		if len(again) != 1 || again[0].ID != id || again[0].Attempts != 2 {
			t.Fatalf("reclaim %+v", again)
		}
		if err := f.s.OutboxFailed(ctx, f.agency, id, "SMTP server unreachable", now.Add(time.Hour), false); err != nil {
			t.Fatal(err)
		}
		if early, _ := f.s.ClaimOutbox(ctx, now.Add(59*time.Minute), 10, time.Minute, email); len(early) != 0 {
			t.Fatal("claimed before its retry time")
		}
		late, _ := f.s.ClaimOutbox(ctx, now.Add(time.Hour), 10, time.Minute, email)
		if len(late) != 1 || late[0].LastError != "SMTP server unreachable" {
			t.Fatalf("retry %+v", late)
		}
		if err := f.s.OutboxFailed(ctx, f.agency, id, "address refused", now.Add(time.Hour), true); err != nil {
			t.Fatal(err)
		}
		if c, _ := f.s.OutboxCounts(ctx, f.agency); c[store.OutboxDead] != 1 {
			t.Fatalf("counts %v", c)
		}
		if never, _ := f.s.ClaimOutbox(ctx, now.Add(48*time.Hour), 10, time.Minute, email); len(never) != 0 {
			t.Fatal("a dead letter was claimed")
		}
		if err := f.s.RetryOutbox(ctx, f.agency, "nope", func(bool) time.Time { return now }); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("retry of an unknown message: %v", err)
		}
		if err := f.s.RetryOutbox(ctx, f.agency, id, func(bool) time.Time { return now.Add(48 * time.Hour) }); err != nil {
			t.Fatal(err)
		}
		back, _ := f.s.ClaimOutbox(ctx, now.Add(48*time.Hour), 10, time.Minute, email)
		if len(back) != 1 || back[0].Attempts != 1 {
			t.Fatalf("after retry %+v", back)
		}
		if err := f.s.OutboxDelivered(ctx, f.agency, id, now.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if c, _ := f.s.OutboxCounts(ctx, f.agency); c[store.OutboxSent] != 1 || c[store.OutboxDead] != 0 {
			t.Fatalf("counts %v", c)
		}
	})
}
