package watch

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/notice"
	"dunghan/internal/store"
)

// Sender delivers one outbox message over its channel. An error wrapped
// with Permanent is not retried (a malformed address, a refused
// recipient); any other error is.
type Sender interface {
	Send(ctx context.Context, m store.OutboxItem) error
}

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent marks err as one that retrying cannot fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// CourierOptions configure a Courier.
type CourierOptions struct {
	Store    *store.Store
	Calendar func(agencyID string) *calendar.Calendar // office hours; default the national calendar
	Now      func() time.Time
	Log      *slog.Logger
	Interval time.Duration // between rounds; default 30 s
	Batch    int           // messages claimed at a time; default 20
	// Lease is how long a claimed message is the sender's; after it, another
	// round (or instance) takes it again. Default 2 minutes.
	Lease time.Duration
	// MaxAttempts before a message becomes a dead letter; default 8.
	MaxAttempts int
	// BaseDelay doubles after every failed attempt up to MaxDelay; defaults 1 minute and 6 hours.
	BaseDelay, MaxDelay time.Duration
	Mail                Sender // nil: e-mail is off and e-mails wait
	Webhook             Sender // nil: the webhook is off
}

// Courier delivers the outbox.
type Courier struct {
	opt  CourierOptions
	kick chan struct{}
}

// NewCourier returns a Courier with defaults filled in.
func NewCourier(opt CourierOptions) *Courier {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Interval <= 0 {
		opt.Interval = 30 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 20
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 8
	}
	if opt.BaseDelay <= 0 {
		opt.BaseDelay = time.Minute
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = 6 * time.Hour
	}
	if opt.Calendar == nil {
		opt.Calendar = nationalCalendar
	}
	return &Courier{opt: opt, kick: make(chan struct{}, 1)}
}

// Kick asks for a round now (after a sweep queued messages).
func (c *Courier) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Run delivers every Interval, or when kicked, until ctx ends.
func (c *Courier) Run(ctx context.Context) {
	t := time.NewTicker(c.opt.Interval)
	defer t.Stop()
	for {
		if _, err := c.Deliver(ctx); err != nil && ctx.Err() == nil {
			c.opt.Log.Error("outbox: round failed; retrying at the next tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.kick:
		}
	}
}

// Round counts what a delivery round did.
type Round struct {
	Sent    int
	Retried int // failed, will be tried again
	Dead    int // failed for good: dead letters
	// Deferred were due but not urgent, outside office hours: they wait for the opening.
	Deferred int
}

// Deliver sends every message due now, batch by batch.
func (c *Courier) Deliver(ctx context.Context) (Round, error) {
	var r Round
	var channels []string
	if c.opt.Mail != nil {
		channels = append(channels, store.ChannelEmail)
	}
	if c.opt.Webhook != nil {
		channels = append(channels, store.ChannelWebhook)
	}
	for range 100 {
		now := c.opt.Now()
		items, err := c.opt.Store.ClaimOutbox(ctx, now, c.opt.Batch, c.opt.Lease, channels)
		if err != nil {
			return r, err
		}
		for _, m := range items {
			if err := c.deliver(ctx, m, &r); err != nil {
				return r, err
			}
		}
		if len(items) < c.opt.Batch {
			break
		}
	}
	return r, nil
}

func (c *Courier) deliver(ctx context.Context, m store.OutboxItem, r *Round) error {
	// A message due while the office was closed (the courier was down, or
	// it joined a digest made earlier) still waits for office hours.
	if cal := c.opt.Calendar(m.AgencyID); !m.Urgent {
		if now := c.opt.Now(); !notice.InOfficeHours(cal, now) {
			r.Deferred++
			return c.opt.Store.OutboxDefer(ctx, m.AgencyID, m.ID, notice.SendAt(cal, now, false))
		}
	}
	sender := c.opt.Mail
	if m.Channel == store.ChannelWebhook {
		sender = c.opt.Webhook
	}
	// A send must end well inside the lease, or another round takes it again.
	sctx, cancel := context.WithTimeout(ctx, c.opt.Lease/2)
	err := sender.Send(sctx, m)
	cancel()
	now := c.opt.Now()
	if err == nil {
		r.Sent++
		return c.opt.Store.OutboxDelivered(ctx, m.AgencyID, m.ID, now)
	}
	dead := IsPermanent(err) || m.Attempts >= c.opt.MaxAttempts
	retry := c.retryAt(m, now)
	// Personal data stays out of the log: no address, no body.
	c.opt.Log.Warn("outbox: delivery failed", "channel", m.Channel, "id", m.ID, "attempt", m.Attempts, "dead", dead, "err", err)
	if dead {
		r.Dead++
	} else {
		r.Retried++
	}
	return c.opt.Store.OutboxFailed(ctx, m.AgencyID, m.ID, err.Error(), retry, dead)
}

// retryAt is now plus BaseDelay doubled for every earlier attempt (capped
// at MaxDelay), moved to office hours unless the message is urgent.
func (c *Courier) retryAt(m store.OutboxItem, now time.Time) time.Time {
	delay := c.opt.BaseDelay
	for i := 1; i < m.Attempts && delay < c.opt.MaxDelay; i++ {
		delay *= 2
	}
	at := now.Add(min(delay, c.opt.MaxDelay))
	return notice.SendAt(c.opt.Calendar(m.AgencyID), at, m.Urgent)
}
