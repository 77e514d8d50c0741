// Package watch runs the deadline watcher and delivers its notifications.
//
// The Sweeper claims the dossiers whose wake-up is due, fires each of
// their due warning rungs exactly once (notice.Plan decides which and to
// whom; the store records the rung and its notifications in one
// transaction), sets the next wake-up, and then folds each person's new
// notifications into one e-mail digest. The Courier delivers the outbox by
// e-mail (SMTP) and webhook, with retries, exponential backoff and dead
// letters, and waits for office hours unless a message is urgent.
package watch

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/notice"
	"dunghan/internal/store"
)

// Options configure a Sweeper.
type Options struct {
	Store    *store.Store
	Calendar func(agencyID string) *calendar.Calendar // the agency's working calendar; default the national one
	Now      func() time.Time
	Log      *slog.Logger
	Interval time.Duration // between sweeps; default one minute
	Batch    int           // dossiers claimed per transaction; default 50
	// Mail sends each person one e-mail digest per sweep (SMTP is set up).
	Mail bool
	// Webhook posts every alert to the agency's webhook.
	Webhook bool
	// OverdueAtOnce lets overdue alerts to the leadership go out at once,
	// outside office hours too.
	OverdueAtOnce bool
	// BaseURL prefixes the links in e-mails, e.g. https://dunghan.example.
	BaseURL string
	// Queued, if set, is called after a sweep that queued messages (to wake the courier).
	Queued func()
}

// Sweeper is the deadline watcher.
type Sweeper struct{ opt Options }

// NewSweeper returns a Sweeper with defaults filled in.
func NewSweeper(opt Options) *Sweeper {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Interval <= 0 {
		opt.Interval = time.Minute
	}
	if opt.Batch <= 0 {
		opt.Batch = 50
	}
	if opt.Calendar == nil {
		opt.Calendar = nationalCalendar
	}
	return &Sweeper{opt: opt}
}

// nationalCalendar is the default working calendar, for an agency without its own.
func nationalCalendar(string) *calendar.Calendar {
	nationalOnce.Do(func() {
		c, err := calendar.New(calendar.DefaultConfig())
		if err != nil {
			panic(err) // the default configuration is valid by construction and tested
		}
		national = c
	})
	return national
}

var (
	nationalOnce sync.Once
	national     *calendar.Calendar
)

// Result counts what a sweep did.
type Result struct {
	Claimed int // dossiers claimed
	Rungs   int // rungs fired (merged ones included)
	Notes   int // in-app notifications
	Digests int // new e-mail digests queued (notifications joining a waiting digest are not counted)
	Hooks   int // webhook calls queued
}

// maxBatches bounds one sweep; the next sweep continues.
const maxBatches = 10_000

// Run sweeps every Interval until ctx ends.
func (w *Sweeper) Run(ctx context.Context) {
	t := time.NewTicker(w.opt.Interval)
	defer t.Stop()
	for {
		if _, err := w.Sweep(ctx); err != nil && ctx.Err() == nil {
			w.opt.Log.Error("watch: sweep failed; retrying at the next tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep is the state of one sweep: its instant and what it loaded.
type sweep struct {
	w       *Sweeper
	now     time.Time
	ladders map[string]dossier.Ladder
	staff   map[string]*directory
	res     Result
}

// Sweep fires every rung due now, batch by batch, then queues the digests.
func (w *Sweeper) Sweep(ctx context.Context) (Result, error) {
	sw := &sweep{w: w, now: w.opt.Now(), ladders: map[string]dossier.Ladder{}, staff: map[string]*directory{}}
	for range maxBatches {
		var batch Result
		n, err := w.opt.Store.Sweep(ctx, sw.now, w.opt.Batch, func(ctx context.Context, wk store.Wake) (store.Firing, error) {
			return sw.decide(ctx, wk, &batch)
		})
		if err != nil {
			return sw.res, err
		}
		sw.res.Claimed += n
		sw.res.Rungs += batch.Rungs
		sw.res.Notes += batch.Notes
		sw.res.Hooks += batch.Hooks
		if n < w.opt.Batch {
			break
		}
	}
	if w.opt.Mail {
		if err := sw.digests(ctx); err != nil {
			return sw.res, err
		}
	}
	if sw.res.Rungs > 0 {
		w.opt.Log.Info("watch: sweep", "claimed", sw.res.Claimed, "rungs", sw.res.Rungs, "notifications", sw.res.Notes,
			"digests", sw.res.Digests, "webhooks", sw.res.Hooks)
	}
	if (sw.res.Digests > 0 || sw.res.Hooks > 0) && w.opt.Queued != nil {
		w.opt.Queued()
	}
	return sw.res, nil
}

func (sw *sweep) ladder(ctx context.Context, agencyID string) (dossier.Ladder, error) {
	if l, ok := sw.ladders[agencyID]; ok {
		return l, nil
	}
	l, err := sw.w.opt.Store.Ladder(ctx, agencyID)
	if err == nil {
		sw.ladders[agencyID] = l
	}
	return l, err
}

func (sw *sweep) directory(ctx context.Context, agencyID string) (*directory, error) {
	if d, ok := sw.staff[agencyID]; ok {
		return d, nil
	}
	users, err := sw.w.opt.Store.Users(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	d := newDirectory(users)
	sw.staff[agencyID] = d
	return d, nil
}

// decide turns a claimed dossier's due rungs into rungs, notifications and webhook calls.
func (sw *sweep) decide(ctx context.Context, wk store.Wake, res *Result) (store.Firing, error) {
	opt := sw.w.opt
	cal := opt.Calendar(wk.AgencyID)
	ladder, err := sw.ladder(ctx, wk.AgencyID)
	if err != nil {
		return store.Firing{}, err
	}
	alerts, next := notice.Plan(wk.State, cal, ladder, func(k string) bool { return wk.Fired[k] }, sw.now)
	f := store.Firing{Next: next}
	if len(alerts) == 0 {
		return f, nil
	}
	dir, err := sw.directory(ctx, wk.AgencyID)
	if err != nil {
		return store.Firing{}, err
	}
	for _, a := range alerts {
		f.Rungs = append(f.Rungs, store.FiredRung{Key: a.Key, Kind: a.Kind, At: a.At, Deadline: a.Deadline})
		for _, m := range a.Merged {
			f.Rungs = append(f.Rungs, store.FiredRung{Key: m.Key, Kind: m.Kind, At: m.At, MergedInto: a.Key})
		}
		urgentLeaders := a.Kind == dossier.RungOverdue && opt.OverdueAtOnce
		var recipients []notice.Recipient
		for _, r := range dir.resolve(wk.State, a.Audience) {
			urgent := urgentLeaders && r.group == notice.Leadership
			f.Notes = append(f.Notes, store.Note{UserID: r.ID, RungKey: a.Key, Kind: string(a.Kind), Title: a.Title, Body: a.Body,
				Urgent: urgent, Mail: opt.Mail && r.Email != ""})
			recipients = append(recipients, notice.Recipient{UserID: r.ID, Username: r.Username, FullName: r.FullName, Email: r.Email})
		}
		if opt.Webhook {
			body, err := json.Marshal(notice.Hook{Event: "watch.alert", AgencyID: wk.AgencyID, Dossier: wk.State.Code, Rung: a.Key,
				Kind: string(a.Kind), Urgent: urgentLeaders, Title: a.Title, Body: a.Body, Link: link(wk.State.Code), At: sw.now.UTC(), Recipients: recipients})
			if err != nil {
				return store.Firing{}, err
			}
			f.Outgoing = append(f.Outgoing, store.Outgoing{Channel: store.ChannelWebhook, Kind: "alert", Subject: a.Title, Body: string(body),
				DossierCode: wk.State.Code, Urgent: urgentLeaders, NotBefore: notice.SendAt(cal, sw.now, urgentLeaders)})
			res.Hooks++
		}
	}
	res.Rungs += len(f.Rungs)
	res.Notes += len(f.Notes)
	return f, nil
}

// digests queues one e-mail per person with the notifications waiting for one.
func (sw *sweep) digests(ctx context.Context) error {
	rs, err := sw.w.opt.Store.PendingMail(ctx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		cal := sw.w.opt.Calendar(r.AgencyID)
		sent, err := sw.w.opt.Store.MailDigest(ctx, r, func(name, _ string, notes []store.Notification) (store.Outgoing, bool) {
			items := make([]notice.Item, len(notes))
			urgent := false
			for i, n := range notes {
				items[i] = notice.Item{Title: n.Title, Body: n.Body, Link: link(n.DossierCode), At: n.CreatedAt}
				urgent = urgent || n.Urgent
			}
			m := notice.Digest(name, items, sw.w.opt.BaseURL)
			return store.Outgoing{Kind: "digest", Subject: m.Subject, Body: m.Body, Urgent: urgent,
				NotBefore: notice.SendAt(cal, sw.now, urgent)}, true
		})
		if err != nil {
			return err
		}
		if sent {
			sw.res.Digests++
		}
	}
	return nil
}

// link is the staff page of a dossier.
func link(code string) string {
	if code == "" {
		return ""
	}
	return "/ho-so/" + code
}

// directory is an agency's staff, for resolving audiences to people.
type directory struct {
	users []auth.User
	byID  map[string]auth.User
}

func newDirectory(users []auth.User) *directory {
	d := &directory{byID: map[string]auth.User{}}
	for _, u := range users {
		if u.Active {
			d.users = append(d.users, u)
			d.byID[u.ID] = u
		}
	}
	return d
}

// member is a resolved recipient and the group that brought them in.
type member struct {
	auth.User
	group notice.Audience
}

func (d *directory) in(unit string, role auth.Role) []auth.User {
	var out []auth.User
	for _, u := range d.users {
		if u.UnitID == unit && u.Has(role) {
			out = append(out, u)
		}
	}
	return out
}

// resolve lists the people of an audience for the dossier, each once: the
// holder (the assignee, or the step's role in its unit), the division head
// (of the step's unit, else of the latest unit visited that has one) and
// the leadership. Nobody is left without a recipient: a rung for a holder
// nobody holds goes to the division head, and one for a division head
// nobody is goes to the leadership.
func (d *directory) resolve(s dossier.State, a notice.Audience) []member {
	var out []member
	seen := map[string]bool{}
	add := func(us []auth.User, g notice.Audience) int {
		for _, u := range us {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, member{u, g})
			}
		}
		return len(us)
	}
	if a.Has(notice.Holder) {
		var holders []auth.User
		if u, ok := d.byID[s.Assignee]; ok {
			holders = []auth.User{u}
		} else if role := s.Procedure.Steps[s.Step].Role; role != "" {
			holders = d.in(s.StepUnit, role)
		}
		if add(holders, notice.Holder) == 0 {
			a |= notice.DivisionHead
		}
	}
	if a.Has(notice.DivisionHead) {
		units := []string{s.StepUnit}
		for _, v := range slices.Backward(s.Visits) {
			units = append(units, v.Unit)
		}
		found := 0
		for _, unit := range units {
			if found = add(d.in(unit, auth.DivisionHead), notice.DivisionHead); found > 0 {
				break
			}
		}
		if found == 0 {
			a |= notice.Leadership
		}
	}
	if a.Has(notice.Leadership) {
		var leaders []auth.User
		for _, u := range d.users {
			if u.Has(auth.Leadership) {
				leaders = append(leaders, u)
			}
		}
		add(leaders, notice.Leadership)
	}
	return out
}
