package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"

	"dunghan/internal/calendar"
	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
)

// portalWorker builds the portal worker from the configuration: nil when
// sync is off. With DUNGHAN_PORTAL_URL=sim it first starts the built-in
// simulator on a loopback port, with a fresh password; stop shuts it down.
func portalWorker(env Env, s *setup) (w *portal.Worker, stop func(), err error) {
	p := s.cfg.Portal
	stop = func() {}
	if p.ServiceURL == "" {
		return nil, stop, nil
	}
	cfg := portal.Config{ServiceURL: p.ServiceURL, SessionURL: p.SessionURL, Username: p.Username, Password: p.Password,
		Timeout: p.Timeout, Now: env.Now}
	if p.ServiceURL == "sim" {
		secret := make([]byte, 16)
		if _, err := rand.Read(secret); err != nil {
			return nil, stop, err
		}
		cfg.Username, cfg.Password = portalsim.DefaultUsername, hex.EncodeToString(secret)
		sim := portalsim.New(portalsim.Options{Username: cfg.Username, Password: cfg.Password, Log: s.log.With("component", "portal-sim")})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, stop, fmt.Errorf("portal simulator: %w", err)
		}
		srv := &http.Server{Handler: sim}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("portal simulator stopped", "err", err)
			}
		}()
		stop = func() { srv.Close() }
		base := "http://" + ln.Addr().String()
		cfg.ServiceURL, cfg.SessionURL = base+"/service", base+"/session"
		s.log.Info("portal: using the built-in simulator", "url", base, "state", base+"/sim/state")
	}
	calendarOf := func(string) *calendar.Calendar { return s.cal }
	w = portal.NewWorker(portal.Options{Store: s.store, Client: portal.NewClient(cfg), Calendar: calendarOf, Now: env.Now,
		Log: s.log, Interval: p.Interval, Inbound: p.Inbound, Reconcile: p.Reconcile})
	return w, stop, nil
}
