package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/config"
	"dunghan/internal/demo"
	"dunghan/internal/portal"
	"dunghan/internal/store"
	"dunghan/internal/watch"
	"dunghan/internal/web"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "serve", "serve\n\nServes the web application. With no configuration it creates ./data/dunghan.db,\nmigrates it, loads the demo agency and listens on 127.0.0.1:8080.\n\nEnvironment:\n"+config.Help())
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	s, rc := open(ctx, env, "serve")
	if s == nil {
		return rc
	}
	defer s.store.Close()
	if s.cfg.Demo {
		if err := seedIfEmpty(ctx, env, s); err != nil {
			fmt.Fprintf(env.Stderr, "dunghan serve: demo data: %v\n", err)
			return 1
		}
	}
	sso, err := web.NewSSO(ctx, s.cfg.OIDC)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan serve: %v\n", err)
		return 1
	}
	printed, err := formRenderer(s.cfg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan serve: %s\n", oneLineText(err.Error()))
		return 2
	}
	pw, stopSim, err := portalWorker(ctx, env, s)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan serve: %v\n", err)
		return 1
	}
	defer stopSim()
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan serve: cannot listen on %s: %v\n", s.cfg.Addr, err)
		return 1
	}
	deps := web.Deps{Store: s.store, Calendar: s.cal, Log: s.log, Now: env.Now, Secret: secrets(env.Random), SSO: sso,
		Forms: printed, PublicURL: s.cfg.Notify.PublicURL}
	if pw != nil {
		deps.Portal = pw
	}
	srv := &http.Server{
		Handler:           web.New(deps),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(env.Stdout, "dunghan %s serving http://%s (database: %s, %s)\n", Version, ln.Addr(), store.Redact(s.cfg.DatabaseURL), s.store.Engine())
	workCtx, stopWorkers := context.WithCancel(context.Background())
	workers := startWorkers(workCtx, env, s, pw)
	defer func() { stopWorkers(); workers.Wait() }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(env.Stderr, "dunghan serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	// The workers stop first: a sweep or a delivery in flight finishes its
	// transaction or rolls it back; nothing it claimed is lost.
	stopWorkers()
	workers.Wait()
	shutCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		s.log.Error("shutdown did not finish in time", "err", err)
		return 1
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("server stopped", "err", err)
		return 1
	}
	s.log.Info("stopped cleanly")
	return 0
}

// seedIfEmpty loads the demo agency into a database without agencies and
// prints the demo log-ins.
func seedIfEmpty(ctx context.Context, env Env, s *setup) error {
	agencies, err := s.store.Agencies(ctx)
	if err != nil || len(agencies) > 0 {
		return err
	}
	sum, err := demo.Seed(ctx, s.store, env.Random, minutesPerDay())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Loaded the demo agency %q (%s): %d units, %d procedures (%d without a legal duration).\n",
		sum.Agency.Name, sum.Agency.Code, sum.Units, sum.Procedures.Created, len(sum.Procedures.NoDuration))
	fmt.Fprintln(env.Stdout, "Loading about a year of demo dossiers…")
	hist, err := demo.History(ctx, s.store, sum.Agency.ID, s.cal, env.Now(), func(done, total int) {
		s.log.Info("demo history", "days", done, "of", total)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Loaded %d demo dossiers (%d commands; %d still open).\n", hist.Dossiers, hist.Commands, hist.Open)
	fmt.Fprintf(env.Stdout, "Demo log-ins (password %q for all):\n", demo.Password)
	for _, l := range sum.Logins {
		fmt.Fprintf(env.Stdout, "  %-14s %-24s %s\n", l.Username, l.Role.Label(), l.Unit)
	}
	return nil
}

// secretAlphabet leaves out look-alike characters (0/O, 1/I/L) because
// citizens type the secret from paper.
const secretAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// secrets returns a generator of 8-character lookup secrets (~39 bits).
func secrets(random io.Reader) func() string {
	return func() string {
		b := make([]byte, 8)
		if _, err := io.ReadFull(random, b); err != nil {
			panic(err) // crypto/rand does not fail
		}
		for i := range b {
			b[i] = secretAlphabet[int(b[i])%len(secretAlphabet)]
		}
		return string(b)
	}
}

// startWorkers starts the deadline watcher, the outbox courier and the
// portal worker (when pw is not nil); they stop when ctx ends and the
// returned group's Wait returns then.
func startWorkers(ctx context.Context, env Env, s *setup, pw *portal.Worker) *sync.WaitGroup {
	n := s.cfg.Notify
	calendarOf := func(string) *calendar.Calendar { return s.cal }
	courier := watch.NewCourier(watch.CourierOptions{Store: s.store, Calendar: calendarOf, Now: env.Now, Log: s.log,
		Interval: n.OutboxInterval, MaxAttempts: n.MaxAttempts, Mail: withForms(mailer(n, env), s, env), Webhook: webhook(n, env)})
	sweeper := watch.NewSweeper(watch.Options{Store: s.store, Calendar: calendarOf, Now: env.Now, Log: s.log, Interval: n.WatchInterval,
		Mail: n.SMTP.Host != "", Webhook: n.Webhook.URL != "", OverdueAtOnce: n.OverdueAtOnce, BaseURL: n.PublicURL, Queued: courier.Kick})
	var wg sync.WaitGroup
	wg.Go(func() { sweeper.Run(ctx) })
	wg.Go(func() { courier.Run(ctx) })
	if pw != nil {
		wg.Go(func() { pw.Run(ctx) })
	}
	s.log.Info("workers started", "watch_interval", n.WatchInterval, "outbox_interval", n.OutboxInterval,
		"email", n.SMTP.Host != "", "webhook", n.Webhook.URL != "", "portal", pw != nil)
	return &wg
}

// mailer is the e-mail sender, nil when SMTP is not set up.
func mailer(n config.Notify, env Env) watch.Sender {
	if n.SMTP.Host == "" {
		return nil
	}
	return watch.NewMailer(watch.SMTP{Host: n.SMTP.Host, Port: n.SMTP.Port, Username: n.SMTP.Username, Password: n.SMTP.Password,
		From: n.SMTP.From, TLS: n.SMTP.TLS}, env.Now)
}

// webhook is the webhook sender, nil when no URL is set.
func webhook(n config.Notify, env Env) watch.Sender {
	if n.Webhook.URL == "" {
		return nil
	}
	return watch.NewWebhook(n.Webhook.URL, n.Webhook.Secret, n.Webhook.Timeout, env.Now)
}
