package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/store"
)

// Store is what the portal workers need of the database.
type Store interface {
	Names
	Agencies(ctx context.Context) ([]agency.Agency, error)
	Procedures(ctx context.Context, agencyID string) ([]store.CatalogueEntry, error)
	Dossier(ctx context.Context, agencyID, codeOrID string) (store.Record, error)
	Execute(ctx context.Context, in store.Exec, cal *calendar.Calendar, secret func() string) (store.Record, error)

	ClaimPortal(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.PortalItem, error)
	PortalProgress(ctx context.Context, p store.PortalItem) error
	PortalDelivered(ctx context.Context, p store.PortalItem, version int, now time.Time) error
	PortalFailed(ctx context.Context, p store.PortalItem, reason string, retryAt time.Time, dead bool) error
	PortalPeriod(ctx context.Context, agencyID string, from, to time.Time, after string, limit int) ([]store.PortalItem, error)
	PortalRepair(ctx context.Context, p store.PortalItem, stepsKept int, note string, now time.Time) error
	SavePortalRun(ctx context.Context, agencyID string, r store.PortalRun) error

	InboundSeen(ctx context.Context, agencyID, ref string) (bool, error)
	RecordInbound(ctx context.Context, agencyID string, r store.InboundRecord) error
	InboundCursor(ctx context.Context, agencyID string) (string, error)
	SetInboundCursor(ctx context.Context, agencyID, cursor string, now time.Time) error
}

// Options configure a Worker.
type Options struct {
	Store    Store
	Client   *Client
	Calendar func(agencyID string) *calendar.Calendar
	Now      func() time.Time
	Log      *slog.Logger

	Interval time.Duration // between delivery rounds; default 5 s
	Batch    int           // rows claimed at once; default 20
	Lease    time.Duration // how long a claim holds; default 5 min
	MinDelay time.Duration // first retry after a transient failure; default 30 s
	MaxDelay time.Duration // longest wait between retries; default 30 min

	Inbound   time.Duration // between pulls of online dossiers; 0: no pull
	Reconcile time.Duration // between reconciliations of the last ReconcileDays; 0: none
	// ReconcileDays is how far back a scheduled reconciliation looks; default 31.
	ReconcileDays int
}

// Worker delivers dossiers to the portal, pulls the online dossiers
// submitted on it and reconciles the two copies.
type Worker struct {
	opt  Options
	kick chan struct{}

	mu   sync.Mutex
	dirs map[string]cachedDirectory
}

type cachedDirectory struct {
	dir    Directory
	loaded time.Time
}

// NewWorker returns a Worker with defaults filled in.
func NewWorker(opt Options) *Worker {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Interval <= 0 {
		opt.Interval = 5 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 20
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Minute
	}
	if opt.MinDelay <= 0 {
		opt.MinDelay = 30 * time.Second
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = 30 * time.Minute
	}
	if opt.ReconcileDays <= 0 {
		opt.ReconcileDays = 31
	}
	return &Worker{opt: opt, kick: make(chan struct{}, 1), dirs: map[string]cachedDirectory{}}
}

// Kick asks for a delivery round now.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run delivers every Interval (or when kicked), pulls and reconciles on
// their own schedules, until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.opt.Interval)
	defer t.Stop()
	// The first reconciliation waits a whole interval: at start the
	// backlog is still being delivered.
	var lastPull time.Time
	lastReconcile := w.opt.Now()
	for {
		res, err := w.Deliver(ctx)
		if err != nil && ctx.Err() == nil {
			w.opt.Log.Error("portal: delivery round failed; retrying at the next tick", "err", err)
		}
		switch {
		case res.Failed > 0 || res.Retrying > 0:
			w.opt.Log.Warn("portal: delivery round", "delivered", res.Delivered, "retrying", res.Retrying, "dead_letters", res.Failed)
		case res.Delivered > 0:
			w.opt.Log.Info("portal: delivery round", "delivered", res.Delivered)
		}
		now := w.opt.Now()
		if w.opt.Inbound > 0 && now.Sub(lastPull) >= w.opt.Inbound {
			lastPull = now
			if _, err := w.Pull(ctx); err != nil && ctx.Err() == nil {
				w.opt.Log.Warn("portal: pull of online dossiers failed", "err", err)
			}
		}
		if w.opt.Reconcile > 0 && now.Sub(lastReconcile) >= w.opt.Reconcile {
			lastReconcile = now
			w.reconcileAll(ctx, now.AddDate(0, 0, -w.opt.ReconcileDays), now)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.kick:
		}
	}
}

// Delivery counts what a delivery round did.
type Delivery struct {
	Claimed   int
	Delivered int // rows now showing their latest version on the portal
	Retrying  int // transient failures, retried after a backoff
	Failed    int // refused by the portal or unmappable: dead letters
}

// Deliver runs delivery rounds until nothing is due. A transient failure
// ends the round: the portal is probably down, and the rest of the batch
// waits out the same backoff instead of knocking on its door one by one.
func (w *Worker) Deliver(ctx context.Context) (Delivery, error) {
	var res Delivery
	for ctx.Err() == nil {
		now := w.opt.Now()
		items, err := w.opt.Store.ClaimPortal(ctx, now, w.opt.Batch, w.opt.Lease)
		if err != nil {
			return res, err
		}
		res.Claimed += len(items)
		for i, it := range items {
			// A delivery gives up before its lease ends, so that a worker
			// taking the row over never races it.
			dctx, cancel := context.WithDeadline(ctx, now.Add(w.opt.Lease*9/10))
			err := w.deliver(dctx, it)
			cancel()
			if ctx.Err() != nil { // shutting down: the rows go back when their leases end
				return res, ctx.Err()
			}
			switch {
			case err == nil:
				res.Delivered++
				continue
			case store.IsClaimLost(err):
				continue
			case !IsTransient(err):
				res.Failed++
				w.fail(ctx, it, err)
				continue
			}
			for _, rest := range items[i:] {
				res.Retrying++
				w.fail(ctx, rest, err)
			}
			return res, nil
		}
		if len(items) < w.opt.Batch {
			break
		}
	}
	return res, ctx.Err()
}

// fail records a failed delivery: a transient one waits out its backoff.
func (w *Worker) fail(ctx context.Context, it store.PortalItem, err error) {
	dead := !IsTransient(err)
	retry := w.opt.Now().Add(w.backoff(it.Attempts))
	reason := message(err)
	w.opt.Log.Debug("portal: delivery failed", "dossier", it.DossierID, "dead_letter", dead, "attempt", it.Attempts, "retry_at", retry, "reason", reason)
	if ferr := w.opt.Store.PortalFailed(ctx, it, reason, retry, dead); ferr != nil && !store.IsClaimLost(ferr) {
		w.opt.Log.Error("portal: cannot record a failed delivery", "dossier", it.DossierID, "err", ferr)
	}
}

// message is err as a line safe to show: a typed error's message, or the
// portal client's description.
func message(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// backoff is the wait after the attempts-th failed attempt.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.opt.MinDelay
	for i := 1; i < attempts && d < w.opt.MaxDelay; i++ {
		d *= 2
	}
	return min(d, w.opt.MaxDelay)
}

// stepBatch bounds the steps sent in one call.
const stepBatch = 50

// deliver brings the portal's copy of one claimed dossier up to date: the
// record when it changed, then the steps it lacks, recording progress
// after every acknowledged call.
func (w *Worker) deliver(ctx context.Context, it store.PortalItem) error {
	rec, err := w.opt.Store.Dossier(ctx, it.AgencyID, it.DossierID)
	if err != nil {
		return permanent(err)
	}
	dir, err := w.directory(ctx, it.AgencyID)
	if err != nil {
		return err
	}
	d, steps, err := Map(rec.Events, w.calendar(it.AgencyID), dir)
	if err != nil {
		return permanent(err)
	}
	if h := Hash(d); !it.Created || h != it.PayloadHash {
		if err := w.opt.Client.PushDossier(ctx, d, it.Created); err != nil {
			return err
		}
		it.Created, it.PayloadHash = true, h
		if err := w.opt.Store.PortalProgress(ctx, it); err != nil {
			return err
		}
	}
	it.StepsSynced = min(it.StepsSynced, len(steps))
	for it.StepsSynced < len(steps) {
		chunk := steps[it.StepsSynced:min(it.StepsSynced+stepBatch, len(steps))]
		if err := w.opt.Client.PushSteps(ctx, chunk); err != nil {
			return err
		}
		it.StepsSynced += len(chunk)
		if err := w.opt.Store.PortalProgress(ctx, it); err != nil {
			return err
		}
	}
	return w.opt.Store.PortalDelivered(ctx, it, rec.State.Version, w.opt.Now())
}

// permanent marks err as needing a person, unless the database is the cause.
func permanent(err error) error {
	if apperr.Is(err, apperr.Unavailable) || apperr.Is(err, apperr.Internal) {
		return err
	}
	return &Error{Message: message(err)}
}

// Hash identifies a dossier record's content.
func Hash(d Dossier) string {
	b, _ := json.Marshal(d)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (w *Worker) calendar(agencyID string) *calendar.Calendar { return w.opt.Calendar(agencyID) }

// directory returns the agency's names, reloaded every five minutes.
func (w *Worker) directory(ctx context.Context, agencyID string) (Directory, error) {
	w.mu.Lock()
	c, ok := w.dirs[agencyID]
	w.mu.Unlock()
	if ok && w.opt.Now().Sub(c.loaded) < 5*time.Minute {
		return c.dir, nil
	}
	dir, err := LoadDirectory(ctx, w.opt.Store, agencyID)
	if err != nil {
		return dir, err
	}
	w.mu.Lock()
	w.dirs[agencyID] = cachedDirectory{dir: dir, loaded: w.opt.Now()}
	w.mu.Unlock()
	return dir, nil
}

// Names is what LoadDirectory reads.
type Names interface {
	AgencyByID(ctx context.Context, id string) (agency.Agency, error)
	Units(ctx context.Context, agencyID string) ([]agency.Unit, error)
	Users(ctx context.Context, agencyID string) ([]auth.User, error)
}

// LoadDirectory reads the names the portal shows for an agency: its name,
// its units' names, and each user's title (the label of their first role).
func LoadDirectory(ctx context.Context, st Names, agencyID string) (Directory, error) {
	dir := Directory{Units: map[string]string{}, Titles: map[string]string{}}
	a, err := st.AgencyByID(ctx, agencyID)
	if err != nil {
		return dir, err
	}
	dir.AgencyName = a.Name
	units, err := st.Units(ctx, agencyID)
	if err != nil {
		return dir, err
	}
	for _, u := range units {
		dir.Units[u.ID] = u.Name
	}
	users, err := st.Users(ctx, agencyID)
	if err != nil {
		return dir, err
	}
	for _, u := range users {
		if len(u.Roles) > 0 {
			dir.Titles[u.ID] = u.Roles[0].Label()
		}
	}
	return dir, nil
}
