package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
)

// portalWorker builds the portal worker from the configuration: nil when
// sync is off. With DUNGHAN_PORTAL_URL=sim it first starts the built-in
// simulator on a loopback port, with a fresh password; stop shuts it down.
func portalWorker(ctx context.Context, env Env, s *setup) (w *portal.Worker, stop func(), err error) {
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
		sim := portalsim.New(portalsim.Options{Username: cfg.Username, Password: cfg.Password}) // quiet: /sim/state shows what it holds
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
		if s.cfg.Demo {
			if err := queueDemoSubmissions(ctx, s, sim, env.Now()); err != nil {
				return nil, stop, err
			}
		}
	}
	calendarOf := func(string) *calendar.Calendar { return s.cal }
	w = portal.NewWorker(portal.Options{Store: s.store, Client: portal.NewClient(cfg), Calendar: calendarOf, Now: env.Now,
		Log: s.log, Interval: p.Interval, Inbound: p.Inbound, Reconcile: p.Reconcile})
	return w, stop, nil
}

// queueDemoSubmissions has the simulator offer three online dossiers to the
// demo agency, so that the inbound pull shows at the one-stop desk.
func queueDemoSubmissions(ctx context.Context, s *setup, sim *portalsim.Sim, now time.Time) error {
	a, err := s.store.AgencyByCode(ctx, demo.AgencyCode)
	if err != nil {
		return nil // not the demo agency: nothing to offer
	}
	procs, err := s.store.Procedures(ctx, a.ID)
	if err != nil {
		return err
	}
	names := []string{"Trần Thị Mai", "Lê Văn Hùng", "Phạm Ngọc Ánh"}
	for _, p := range procs {
		if len(names) == 0 {
			break
		}
		if p.Code == "" || p.Legal == nil {
			continue
		}
		sim.AddInbound(portal.Inbound{MaTTHC: p.Code, MaDonVi: a.Code, ChuHoSo: names[0], LoaiDoiTuong: 1,
			NgayNopHoSo: portal.Stamp(now.Add(-time.Duration(len(names)) * time.Hour)),
			TaiLieuNop:  []portal.Document{{TenTepDinhKem: "Đơn đề nghị.pdf", SoBan: 1, BanChinh: true}}})
		names = names[1:]
	}
	return nil
}
