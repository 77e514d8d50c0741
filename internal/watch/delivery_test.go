package watch_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/dossier"
	"dunghan/internal/notice"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

// eachWorld runs fn on a fresh world per engine.
func eachWorld(t *testing.T, start time.Time, chans store.Channels, fn func(t *testing.T, w *world)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clock := &atomic.Pointer[time.Time]{}
			fn(t, newWorld(t, open(t, engine, clock, chans), clock, start))
		})
	}
}

func (w *world) courier(mail, hook watch.Sender, maxAttempts int) *watch.Courier {
	return watch.NewCourier(watch.CourierOptions{Store: w.s, Calendar: w.calendarOf, Now: w.now, Log: quiet, MaxAttempts: maxAttempts,
		Mail: mail, Webhook: hook, Lease: time.Minute})
}

func (w *world) outbox(t *testing.T, status string) []store.OutboxItem {
	t.Helper()
	items, err := w.s.Outbox(context.Background(), w.agency, status, 100)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func deliver(t *testing.T, c *watch.Courier) watch.Round {
	t.Helper()
	r, err := c.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestUnreachableSMTPRetriesThenDeadLetterThenRetryByHand: nothing is lost
// while the mail server is down: the message backs off (1, 2 minutes),
// never into the night, becomes a dead letter, and goes out when retried.
func TestUnreachableSMTPRetriesThenDeadLetterThenRetryByHand(t *testing.T) {
	eachWorld(t, vn("2025-03-03 09:00"), store.Channels{Email: true}, func(t *testing.T, w *world) {
		ctx := context.Background()
		w.receive(t, "edu-001", "Nguyễn Thị Lan", "lan@example.vn")
		down := watch.NewMailer(watch.SMTP{Host: "127.0.0.1", Port: freePort(t), From: "dunghan@sogd.example.gov.vn", TLS: "none", Timeout: time.Second}, w.now)
		c := w.courier(down, nil, 3)
		for i, at := range []string{"2025-03-03 09:00", "2025-03-03 09:01", "2025-03-03 09:03"} {
			w.set(vn(at))
			r := deliver(t, c)
			if i < 2 && r.Retried != 1 || i == 2 && r.Dead != 1 {
				t.Fatalf("attempt %d at %s: %+v", i+1, at, r)
			}
			if r := deliver(t, c); r != (watch.Round{}) {
				t.Fatalf("attempt %d: retried before its backoff: %+v", i+1, r)
			}
		}
		dead := w.outbox(t, store.OutboxDead)
		if len(dead) != 1 || dead[0].Attempts != 3 || !strings.Contains(dead[0].LastError, "unreachable") || dead[0].Recipient != "lan@example.vn" {
			t.Fatalf("dead letters %+v", dead)
		}
		// The server is back; an administrator retries the dead letter.
		smtpd := startMailServer(t, w.now)
		up := w.courier(smtpd.mailer(w.now), nil, 3)
		if err := w.s.RetryOutbox(ctx, w.agency, dead[0].ID, func(u bool) time.Time { return notice.SendAt(w.cal, w.now(), u) }); err != nil {
			t.Fatal(err)
		}
		if r := deliver(t, up); r.Sent != 1 {
			t.Fatalf("after retry: %+v", r)
		}
		if got := smtpd.messages(); len(got) != 1 || got[0].To[0] != "lan@example.vn" || !strings.Contains(got[0].Subject, "đã được tiếp nhận") {
			t.Fatalf("received %+v", got)
		}

		// A failure late in the afternoon waits for the next morning.
		w.receive(t, "edu-001", "Trần Văn Bình", "binh@example.vn")
		w.set(vn("2025-03-03 16:59"))
		if r := deliver(t, c); r.Retried != 1 {
			t.Fatalf("16:59: %+v", r)
		}
		if p := w.outbox(t, store.OutboxPending); len(p) != 1 || !p[0].NextAt.Equal(vn("2025-03-04 07:30")) {
			t.Fatalf("retry at %+v, want the next opening", p)
		}
	})
}

// TestBadAddressesAreDeadLettersAtOnce: an address the server refuses (550)
// or one that is not an address is not retried; the good message of the
// same round goes out.
func TestBadAddressesAreDeadLettersAtOnce(t *testing.T) {
	eachWorld(t, vn("2025-03-03 09:00"), store.Channels{Email: true}, func(t *testing.T, w *world) {
		smtpd := startMailServer(t, w.now)
		smtpd.refuse["bounce@example.vn"] = true
		w.receive(t, "edu-001", "Người 1", "bounce@example.vn")
		w.receive(t, "edu-001", "Người 2", "không phải địa chỉ")
		w.receive(t, "edu-001", "Người 3", "good@example.vn")
		c := w.courier(smtpd.mailer(w.now), nil, 8)
		if r := deliver(t, c); r.Sent != 1 || r.Dead != 2 || r.Retried != 0 {
			t.Fatalf("round %+v", r)
		}
		errs := map[string]string{}
		for _, d := range w.outbox(t, store.OutboxDead) {
			errs[d.Recipient] = d.LastError
			if d.Attempts != 1 {
				t.Errorf("%s tried %d times", d.Recipient, d.Attempts)
			}
		}
		if !strings.Contains(errs["bounce@example.vn"], "address refused") || !strings.Contains(errs["bounce@example.vn"], "550") ||
			!strings.Contains(errs["không phải địa chỉ"], "malformed") {
			t.Fatalf("dead letters %v", errs)
		}
		for _, e := range errs {
			if strings.Contains(e, "@example.vn") || strings.Contains(e, "địa chỉ\"") {
				t.Errorf("an error quotes the address: %q", e)
			}
		}
		if got := smtpd.messages(); len(got) != 1 || got[0].To[0] != "good@example.vn" {
			t.Fatalf("received %+v", got)
		}
	})
}

// hookServer records webhook calls and answers with the status its
// handler chooses.
type hookServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []*http.Request
	body  []string
}

func startHook(t *testing.T, status func(n int) int) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b := make([]byte, r.ContentLength)
		r.Body.Read(b)
		h.mu.Lock()
		h.calls = append(h.calls, r)
		h.body = append(h.body, string(b))
		n := len(h.calls)
		h.mu.Unlock()
		code := status(n)
		if code == 0 { // hang until the client gives up
			<-r.Context().Done()
			return
		}
		rw.WriteHeader(code)
	}))
	t.Cleanup(h.Close)
	return h
}

// TestWebhookRetriesSignsAndTimesOut: a gateway that answers 500 is retried
// until it accepts, with the same delivery ID and a valid signature; one
// that hangs costs a timeout and a retry; 400 is final; a gateway that
// always fails ends as a dead letter.
func TestWebhookRetriesSignsAndTimesOut(t *testing.T) {
	eachWorld(t, vn("2025-03-03 09:00"), store.Channels{Webhook: true}, func(t *testing.T, w *world) {
		const secret = "s3cret-shared-with-the-gateway"
		flaky := startHook(t, func(n int) int {
			if n < 3 {
				return http.StatusInternalServerError
			}
			return http.StatusNoContent
		})
		rec := w.receive(t, "edu-001", "Nguyễn Thị Lan", "")
		c := w.courier(nil, watch.NewWebhook(flaky.URL, secret, time.Second, w.now), 5)
		for _, at := range []string{"2025-03-03 09:00", "2025-03-03 09:01", "2025-03-03 09:03"} {
			w.set(vn(at))
			deliver(t, c)
		}
		if got := w.outbox(t, store.OutboxSent); len(got) != 1 || got[0].Attempts != 3 {
			t.Fatalf("sent %+v", got)
		}
		ids := map[string]bool{}
		for i, r := range flaky.calls {
			ids[r.Header.Get(watch.HeaderDelivery)] = true
			want := watch.Sign([]byte(secret), r.Header.Get(watch.HeaderTimestamp), []byte(flaky.body[i]))
			if r.Header.Get(watch.HeaderSignature) != want || r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("call %d: %s %v", i, r.Method, r.Header)
			}
		}
		if len(ids) != 1 || len(flaky.calls) != 3 {
			t.Fatalf("%d calls with delivery IDs %v", len(flaky.calls), ids)
		}
		var h notice.Hook
		if err := json.Unmarshal([]byte(flaky.body[2]), &h); err != nil || h.Event != "dossier.status" || h.Dossier != rec.State.Code || h.Applicant.Phone != "0912345678" {
			t.Fatalf("payload %s: %v", flaky.body[2], err)
		}
		if ts, _ := strconv.ParseInt(flaky.calls[2].Header.Get(watch.HeaderTimestamp), 10, 64); ts != vn("2025-03-03 09:03").Unix() {
			t.Errorf("timestamp %d", ts)
		}

		// Hanging: the client gives up after its timeout; the message waits.
		hang := startHook(t, func(int) int { return 0 })
		w.receive(t, "edu-001", "Trần Văn Bình", "")
		slow := w.courier(nil, watch.NewWebhook(hang.URL, secret, 200*time.Millisecond, w.now), 2)
		start := time.Now()
		if r := deliver(t, slow); r.Retried != 1 {
			t.Fatalf("hanging gateway: %+v", r)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("a hanging gateway held the courier for %s", d)
		}
		p := w.outbox(t, store.OutboxPending)
		if len(p) != 1 || !strings.Contains(p[0].LastError, "too slow") {
			t.Fatalf("pending %+v", p)
		}
		w.set(vn("2025-03-03 09:04"))
		if r := deliver(t, slow); r.Dead != 1 {
			t.Fatalf("second timeout: %+v", r)
		}

		// 400: the gateway refuses the message for good.
		refuse := startHook(t, func(int) int { return http.StatusBadRequest })
		w.receive(t, "edu-001", "Lê Thị Cúc", "")
		if r := deliver(t, w.courier(nil, watch.NewWebhook(refuse.URL, secret, time.Second, w.now), 5)); r.Dead != 1 || len(refuse.calls) != 1 {
			t.Fatalf("400: %+v, %d calls", r, len(refuse.calls))
		}
		if d := w.outbox(t, store.OutboxDead); len(d) != 2 {
			t.Fatalf("dead letters %+v", d)
		}
	})
}

// TestOverdueAtOnce: a sweep that runs at night (the watcher was down)
// fires the day's overdue rung. With the agency's consent the leadership's
// e-mail and the overdue webhook call go at once; everything else, the
// earlier digests included, waits for the morning.
func TestOverdueAtOnce(t *testing.T) {
	for _, atOnce := range []bool{true, false} {
		t.Run("at-once="+strconv.FormatBool(atOnce), func(t *testing.T) {
			eachWorld(t, vn("2025-03-03 09:00"), store.Channels{}, func(t *testing.T, w *world) {
				ctx := context.Background()
				rec := w.receive(t, "edu-001", "Nguyễn Thị Lan", "")
				w.set(vn("2025-03-03 10:00"))
				w.toSpecialist(t, rec.State.Code, "cv.trunghoc1")
				sw := watch.NewSweeper(watch.Options{Store: w.s, Calendar: w.calendarOf, Now: w.now, Log: quiet, Mail: true, Webhook: true, OverdueAtOnce: atOnce})
				// Every rung up to the legal due (10/03 17:00) fires on time; the courier is down.
				for now := vn("2025-03-03 10:00"); !now.After(vn("2025-03-10 17:00")); now = now.Add(10 * time.Minute) {
					w.set(now)
					if _, err := sw.Sweep(ctx); err != nil {
						t.Fatal(err)
					}
				}
				w.set(vn("2025-03-11 21:00"))
				if res, err := sw.Sweep(ctx); err != nil || res.Rungs != 1 {
					t.Fatalf("night sweep %+v %v", res, err)
				}
				notes, _ := w.s.Notifications(ctx, w.agency, w.users["giamdoc"].ID, 10)
				if len(notes) == 0 || notes[0].Kind != string(dossier.RungOverdue) || notes[0].Urgent != atOnce {
					t.Fatalf("leadership notification %+v", notes)
				}
				smtpd := startMailServer(t, w.now)
				hook := startHook(t, func(int) int { return http.StatusOK })
				c := w.courier(smtpd.mailer(w.now), watch.NewWebhook(hook.URL, "0123456789abcdef", time.Second, w.now), 8)
				deliver(t, c)
				var to []string
				for _, m := range smtpd.messages() {
					to = append(to, m.To[0])
				}
				wantMail, wantHooks := 0, 0
				if atOnce {
					wantMail, wantHooks = 2, 1 // the two leaders; the overdue alert
				}
				if len(to) != wantMail || len(hook.calls) != wantHooks {
					t.Fatalf("at 21:00: e-mail to %v and %d webhook calls, want %d and %d", to, len(hook.calls), wantMail, wantHooks)
				}
				for _, addr := range to {
					if addr != "giamdoc@sogd.example.gov.vn" && addr != "phogiamdoc@sogd.example.gov.vn" {
						t.Errorf("%s mailed at night", addr)
					}
				}
				if atOnce && !strings.Contains(hook.body[0], `"urgent":true`) {
					t.Errorf("webhook %s", hook.body[0])
				}
				// The morning: the rest goes out.
				w.set(vn("2025-03-12 07:30"))
				deliver(t, c)
				got := map[string]int{}
				for _, m := range smtpd.messages() {
					got[m.To[0]]++
				}
				for _, u := range []string{"cv.trunghoc1", "tp.trunghoc", "giamdoc", "phogiamdoc"} {
					if got[u+"@sogd.example.gov.vn"] != 1 {
						t.Errorf("%s got %d digests", u, got[u+"@sogd.example.gov.vn"])
					}
				}
				if c, _ := w.s.OutboxCounts(ctx, w.agency); c[store.OutboxPending] != 0 || c[store.OutboxDead] != 0 {
					t.Errorf("outbox %v", c)
				}
			})
		})
	}
}
