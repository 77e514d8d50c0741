package app

import (
	"context"
	"fmt"
	"log/slog"

	"dunghan/internal/calendar"
	"dunghan/internal/config"
	"dunghan/internal/store"
)

// setup is what every database command starts from: the configuration, a
// logger and a migrated store.
type setup struct {
	cfg   config.Config
	log   *slog.Logger
	store *store.Store
	cal   *calendar.Calendar
}

// open loads the configuration, builds the logger, opens and migrates the
// store. On error it has printed a one-line message and returns exit status 1.
func open(ctx context.Context, env Env, cmd string) (*setup, int) {
	cfg, err := config.Load(env.Environ())
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan %s: bad configuration:\n%v\n", cmd, err)
		return nil, 2
	}
	log := newLogger(env, cfg)
	channels := store.Channels{Email: cfg.Notify.SMTP.Host != "", Webhook: cfg.Notify.Webhook.URL != ""}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Now: env.Now, Log: log, Channels: channels})
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan %s: %v\n", cmd, err)
		return nil, 1
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		fmt.Fprintf(env.Stderr, "dunghan %s: %v\n", cmd, err)
		return nil, 1
	}
	return &setup{cfg: cfg, log: log, store: st, cal: defaultCalendar()}, 0
}

func newLogger(env Env, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}

// defaultCalendar is the national working calendar with default office
// hours. Agencies get their own calendars (overrides, 24/11) when the
// administrator screens exist; until then every agency uses this one.
func defaultCalendar() *calendar.Calendar {
	cal, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		panic(err) // the default configuration is valid by construction and tested
	}
	return cal
}

// minutesPerDay is the working-day length used to check step plans.
func minutesPerDay() int { return defaultCalendar().MinutesPerDay() }
