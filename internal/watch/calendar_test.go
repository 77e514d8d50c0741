package watch_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/notice"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

// expect is a rung that must fire: its instant and who gets it.
type expect struct {
	key  string
	at   string
	whom []string
}

var (
	holder1 = []string{"cv.trunghoc1"}
	holder2 = []string{"cv.trunghoc2"}
	head1   = []string{"cv.trunghoc1", "tp.trunghoc"}
	head2   = []string{"cv.trunghoc2", "tp.trunghoc"}
	all1    = []string{"cv.trunghoc1", "giamdoc", "phogiamdoc", "tp.trunghoc"}
	all2    = []string{"cv.trunghoc2", "giamdoc", "phogiamdoc", "tp.trunghoc"}
	apology = []string{"giamdoc", "phogiamdoc", "tp.trunghoc"}
)

// TestEveryRungOnceInOfficeHoursAcrossWeekendsAndTet runs the watcher and
// the courier every ten minutes of a fake clock from Thursday 16/01/2025 to
// Friday 07/02/2025, across two weekends and the Tết block (Saturday 25/01 to
// Sunday 02/02), with a real SMTP server on loopback. Every rung fires once,
// at its instant (to the next tick), to the right people; every e-mail
// arrives inside office hours; nobody gets two digests from one sweep.
func TestEveryRungOnceInOfficeHoursAcrossWeekendsAndTet(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clock := &atomic.Pointer[time.Time]{}
			s := open(t, engine, clock, store.Channels{Email: true})
			w := newWorld(t, s, clock, vn("2025-01-16 08:00"))
			ctx := context.Background()
			smtpd := startMailServer(t, w.now)
			sweeper := watch.NewSweeper(watch.Options{Store: s, Calendar: w.calendarOf, Now: w.now, Log: quiet, Batch: 3, Mail: true,
				BaseURL: "https://dunghan.sogd.example.gov.vn"})
			courier := watch.NewCourier(watch.CourierOptions{Store: s, Calendar: w.calendarOf, Now: w.now, Log: quiet, Mail: smtpd.mailer(w.now)})

			var b, a, c store.Record
			steps := []struct {
				at string
				do func()
			}{
				// B: 5 working days from Thu 16/01 09:00, due Thu 23/01 17:00.
				{"2025-01-16 09:00", func() { b = w.receive(t, "edu-001", "Nguyễn Thị Lan", "lan.nguyen@example.vn") }},
				{"2025-01-16 10:00", func() { w.toSpecialist(t, b.State.Code, "cv.trunghoc2") }},
				// The head answers the apology prompt the same afternoon.
				{"2025-01-22 16:00", func() {
					w.exec(t, store.Exec{Code: b.State.Code, Actor: w.actor("tp.trunghoc"), Command: dossier.Reschedule{
						Promised: vn("2025-02-04 17:00"), Reason: "Cần xác minh văn bằng gốc tại trường cấp"}})
				}},
				// A: from Wed 22/01 09:00; the Tết block falls inside it, due Wed 05/02 17:00.
				{"2025-01-22 09:00", func() { a = w.receive(t, "edu-001", "Trần Văn Bình", "binh.tran@example.vn") }},
				{"2025-01-22 09:30", func() { w.toSpecialist(t, a.State.Code, "cv.trunghoc1") }},
				// C: no legal deadline, received on Friday evening before Tết.
				{"2025-01-24 18:30", func() { c = w.receive(t, "edu-006", "Lê Thị Cúc", "cuc.le@example.vn") }},
			}
			digestsPerTick := map[string]int{}
			for now := vn("2025-01-16 08:00"); !now.After(vn("2025-02-07 12:00")); now = now.Add(10 * time.Minute) {
				w.set(now)
				for _, st := range steps {
					if vn(st.at).Equal(now) {
						st.do()
					}
				}
				if _, err := sweeper.Sweep(ctx); err != nil {
					t.Fatalf("sweep at %s: %v", now.In(calendar.Zone), err)
				}
				before := len(smtpd.messages())
				r, err := courier.Deliver(ctx)
				if err != nil || r.Retried+r.Dead > 0 {
					t.Fatalf("deliver at %s: %+v %v", now.In(calendar.Zone), r, err)
				}
				for _, m := range smtpd.messages()[before:] {
					if m.Kind == "digest" {
						digestsPerTick[m.To[0]+" "+now.String()]++
					}
				}
			}

			bDue, aDue := "due2501231700", "due2502051700"
			checkRungs(t, w, b.ID, []expect{
				{"step2-50%", "2025-01-17 16:30", holder2},
				{"step2-80%", "2025-01-20 16:18", head2},
				{"step2-100%", "2025-01-21 13:30", head2},
				{bDue + "-2d", "2025-01-22 07:30", holder2},
				{"apology2501231700", "2025-01-22 15:00", apology},
				{bDue + "-1d", "2025-01-23 07:30", head2},
				{bDue + "-0d", "2025-01-23 17:00", head2},
				{"overdue2025-01-24", "2025-01-24 07:30", all2},
				// Saturday, Sunday and the nine days of Tết have no rung.
				{"overdue2025-02-03", "2025-02-03 07:30", all2},
				{"overdue2025-02-04", "2025-02-04 07:30", all2},
				{"overdue2025-02-05", "2025-02-05 07:30", all2},
				{"overdue2025-02-06", "2025-02-06 07:30", all2},
				{"overdue2025-02-07", "2025-02-07 07:30", all2},
			})
			checkRungs(t, w, a.ID, []expect{
				{"step2-50%", "2025-01-23 16:00", holder1},
				{"step2-80%", "2025-01-24 15:48", head1},
				{"step2-100%", "2025-02-03 11:30", head1}, // the specialist's budget runs across Tết
				{aDue + "-2d", "2025-02-04 07:30", holder1},
				{"apology2502051700", "2025-02-04 15:00", apology},
				{aDue + "-1d", "2025-02-05 07:30", head1},
				{aDue + "-0d", "2025-02-05 17:00", head1},
				{"overdue2025-02-06", "2025-02-06 07:30", all1},
				{"overdue2025-02-07", "2025-02-07 07:30", all1},
			})
			checkRungs(t, w, c.ID, nil)

			// B's apology prompt is settled by the reschedule; A's is open.
			prompts, err := s.ApologyPrompts(ctx, w.agency, "")
			if err != nil || len(prompts) != 1 || prompts[0].DossierID != a.ID || !prompts[0].Deadline.Equal(vn("2025-02-04 17:00")) {
				t.Errorf("apology prompts %+v %v", prompts, err)
			}

			// Mail: every message inside office hours, at most one digest per
			// person per sweep, and every notification mailed.
			msgs := smtpd.messages()
			t.Logf("%d e-mails received over the period", len(msgs))
			for _, m := range msgs {
				if testing.Verbose() && m.Kind == "digest" && strings.Contains(m.Subject, "cảnh báo") && m.To[0] == "tp.trunghoc@sogd.example.gov.vn" {
					t.Logf("a digest, as received at %s:\nSubject: %s\n%s", m.At.In(calendar.Zone), m.Subject, m.Body)
					break
				}
			}
			for _, m := range msgs {
				if !notice.InOfficeHours(w.cal, m.At) {
					t.Errorf("%q to %v arrived at %s, outside office hours", m.Subject, m.To, m.At.In(calendar.Zone))
				}
				if m.From != "dunghan@sogd.example.gov.vn" || !strings.HasSuffix(m.MsgID, "@dunghan>") {
					t.Errorf("from %q, message-id %q", m.From, m.MsgID)
				}
			}
			for k, n := range digestsPerTick {
				if n > 1 {
					t.Errorf("%d digests in one sweep: %s", n, k)
				}
			}
			items := map[string]int{}
			for _, m := range msgs {
				if m.Kind == "digest" {
					items[m.To[0]] += strings.Count(m.Body, "\n   Xem hồ sơ: https://dunghan.sogd.example.gov.vn/ho-so/")
				}
			}
			for _, p := range people {
				notes, _ := s.Notifications(ctx, w.agency, w.users[p.username].ID, 500)
				if p.email != "" && items[p.email] != len(notes) {
					t.Errorf("%s: %d notifications, %d mailed", p.username, len(notes), items[p.email])
				}
			}
			pending, err := s.PendingMail(ctx)
			if err != nil || len(pending) != 0 {
				t.Errorf("notifications still waiting for mail: %v %v", pending, err)
			}
			counts, _ := s.OutboxCounts(ctx, w.agency)
			if counts[store.OutboxSent] != len(msgs) || counts[store.OutboxPending]+counts[store.OutboxDead]+counts[store.OutboxSending] != 0 {
				t.Errorf("outbox %v, %d messages received", counts, len(msgs))
			}

			// The citizens: received (A, B, C), rescheduled (B). C's receipt,
			// made on the evening before Tết, waited for Monday 03/02 07:30.
			citizen := map[string][]string{}
			for _, m := range msgs {
				if m.Kind == "citizen" {
					citizen[m.To[0]] = append(citizen[m.To[0]], m.Subject+" @ "+m.At.In(calendar.Zone).Format("2006-01-02 15:04"))
				}
			}
			want := map[string][]string{
				"lan.nguyen@example.vn": {"Hồ sơ " + b.State.Code + " đã được tiếp nhận @ 2025-01-16 09:00",
					"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ " + b.State.Code + " @ 2025-01-22 16:00"},
				"binh.tran@example.vn": {"Hồ sơ " + a.State.Code + " đã được tiếp nhận @ 2025-01-22 09:00"},
				"cuc.le@example.vn":    {"Hồ sơ " + c.State.Code + " đã được tiếp nhận @ 2025-02-03 07:30"},
			}
			for addr, subjects := range want {
				if !slices.Equal(citizen[addr], subjects) {
					t.Errorf("%s got %q, want %q", addr, citizen[addr], subjects)
				}
			}
			if len(citizen) != len(want) {
				t.Errorf("citizen mail to %v", citizen)
			}
		})
	}
}

// checkRungs compares the dossier's fired rungs with want: the same keys,
// each fired at the first tick at or after its instant, inside office
// hours, to exactly the people listed.
func checkRungs(t *testing.T, w *world, dossierID string, want []expect) {
	t.Helper()
	got, err := w.s.FiredRungs(context.Background(), w.agency, dossierID)
	if err != nil {
		t.Fatal(err)
	}
	whom := w.recipients(t, dossierID)
	byKey := map[string]store.RungRecord{}
	for _, r := range got {
		byKey[r.Key] = r
		if r.MergedInto != "" {
			t.Errorf("rung %s merged into %s: the watcher fell behind", r.Key, r.MergedInto)
		}
	}
	if len(got) != len(want) {
		var keys []string
		for _, r := range got {
			keys = append(keys, r.Key+"@"+r.At.In(calendar.Zone).Format("01-02 15:04"))
		}
		t.Errorf("%d rungs fired, want %d: %v", len(got), len(want), keys)
	}
	for _, e := range want {
		r, ok := byKey[e.key]
		if !ok {
			t.Errorf("rung %s did not fire", e.key)
			continue
		}
		if at := vn(e.at); !r.At.Equal(at) {
			t.Errorf("rung %s at %s, want %s", e.key, r.At.In(calendar.Zone), at)
		}
		if lag := r.FiredAt.Sub(r.At); lag < 0 || lag >= 10*time.Minute {
			t.Errorf("rung %s (at %s) fired at %s", e.key, r.At.In(calendar.Zone), r.FiredAt.In(calendar.Zone))
		}
		if ok, _ := w.cal.IsWorkingDay(r.FiredAt); !ok || !inHours(r.FiredAt) {
			t.Errorf("rung %s fired at %s, outside office hours", e.key, r.FiredAt.In(calendar.Zone))
		}
		got := whom[e.key]
		slices.Sort(got)
		if !slices.Equal(got, e.whom) {
			t.Errorf("rung %s went to %v, want %v", e.key, got, e.whom)
		}
	}
}

// inHours: 07:30–11:30 or 13:00–17:00 inclusive (a rung at the close of a
// span fires at that instant).
func inHours(t time.Time) bool {
	l := t.In(calendar.Zone)
	m := l.Hour()*60 + l.Minute()
	return m >= 7*60+30 && m <= 11*60+30 || m >= 13*60 && m <= 17*60
}
