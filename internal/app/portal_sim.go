package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
)

const portalSimUsage = `portal-sim [flags]

Serves a simulated National Public Service Portal (DVCQG) for development:
POST /session and POST /service as the real portal, plus
  GET  /sim/state              what the simulator holds, as JSON
  GET  /sim/faults             the pending faults
  POST /sim/faults             set faults, e.g. {"down":true} or {"delay":"3s","fail500":2}
  POST /sim/expire-sessions    invalidate every session
  POST /sim/inbound            queue online dossiers (JSON array)
The /sim/* endpoints have no authentication: keep the simulator on loopback.`

// runPortalSim implements "dunghan portal-sim".
func runPortalSim(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "portal-sim", portalSimUsage)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address (loopback only unless --public)")
	public := fs.Bool("public", false, "allow a non-loopback --addr: anyone who reaches it can read the dossiers and change the simulator")
	user := fs.String("user", portalsim.DefaultUsername, "user name the session endpoint accepts")
	password := fs.String("password", portalsim.DefaultPassword, "password the session endpoint accepts")
	ttl := fs.Duration("session-ttl", portalsim.DefaultSessionTTL, "session lifetime")
	inboundFile := fs.String("inbound", "", "queue the online dossiers in `FILE` (JSON array of portal.Inbound) at start")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(env.Stderr, "dunghan portal-sim: "+format+"\n", args...)
		return 2
	}
	switch {
	case *ttl <= 0:
		return bad("--session-ttl %v: want a positive duration", *ttl)
	case *user == "" || *password == "":
		return bad("--user and --password must not be empty")
	}
	loopback, err := isLoopback(*addr)
	if err != nil {
		return bad("--addr %q: %v", *addr, err)
	}
	if !loopback && !*public {
		return bad("--addr %q is not a loopback address; pass --public to serve the simulator beyond this machine", *addr)
	}
	var inbound []portal.Inbound
	if *inboundFile != "" {
		if inbound, err = readInbound(*inboundFile); err != nil {
			return bad("--inbound: %s", oneLineText(err.Error()))
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dunghan portal-sim: cannot listen on %s: %v\n", *addr, err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	sim := portalsim.New(portalsim.Options{Username: *user, Password: *password, SessionTTL: *ttl, Now: env.Now, Log: log})
	for _, in := range inbound {
		sim.AddInbound(in)
	}
	// Requests share ctx, so a call held by the Delay fault ends at shutdown.
	// No ReadTimeout: its deadline would also cut a long Delay short.
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(env.Stdout, "dunghan portal-sim serving %s (sessions last %v; %d online dossiers queued)\n", base, *ttl, len(inbound))
	fmt.Fprintf(env.Stdout, "  session: %s/session\n  service: %s/service\n  state:   %s/sim/state\n", base, base, base)
	fmt.Fprintln(env.Stdout, "Settings for 'dunghan serve':")
	fmt.Fprintf(env.Stdout, "  DUNGHAN_PORTAL_URL=%s/service\n  DUNGHAN_PORTAL_SESSION_URL=%s/session\n", base, base)
	fmt.Fprintf(env.Stdout, "  DUNGHAN_PORTAL_USER=%s\n  DUNGHAN_PORTAL_PASSWORD=%s\n", *user, *password)
	if !loopback {
		log.Warn("portal-sim: serving beyond loopback; /sim/* lets anyone read the dossiers and change the simulator", "addr", ln.Addr().String())
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(env.Stderr, "dunghan portal-sim: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		fmt.Fprintf(env.Stderr, "dunghan portal-sim: shutdown: %v\n", err)
		return 1
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(env.Stderr, "dunghan portal-sim: %v\n", err)
		return 1
	}
	return 0
}

// isLoopback reports whether the host of addr ("host:port") is "localhost"
// or a loopback IP; an empty host means every interface.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, errors.New("want host:port")
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// readInbound reads a JSON array of online dossiers.
func readInbound(name string) ([]portal.Inbound, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var in []portal.Inbound
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return in, nil
}
