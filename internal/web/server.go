// Package web serves the HTML pages and the operational endpoints
// (/healthz, /readyz, /metrics). Handlers are thin: parse, authorise, call
// one service method, render.
package web

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/forms"
	"dunghan/internal/store"
)

// Store is what the web layer needs of the store. It is defined here,
// where it is used; each group of pages names its own part.
type Store interface {
	coreStore
	staffStore
	publicStore
	notifyStore
	scoreStore
	formsStore
	portalStore
}

// coreStore serves the operational endpoints, log-in and the JSON API.
type coreStore interface {
	Ping(ctx context.Context) error
	Agencies(ctx context.Context) ([]agency.Agency, error)
	Procedures(ctx context.Context, agencyID string) ([]store.CatalogueEntry, error)
	auth.Accounts
	SaveToken(ctx context.Context, u auth.User, token string, expires time.Time) error
	UserByToken(ctx context.Context, token string, now time.Time) (auth.User, error)
	CreateSession(ctx context.Context, u auth.User, token string, expires time.Time) error
	SessionUser(ctx context.Context, token string, now time.Time) (auth.User, error)
	DeleteSession(ctx context.Context, token string) error
	Execute(ctx context.Context, in store.Exec, cal *calendar.Calendar, secret func() string) (store.Record, error)
	Dossier(ctx context.Context, agencyID, codeOrID string) (store.Record, error)
	ListDossiers(ctx context.Context, agencyID string, f store.Filter, cursor string, limit int) ([]store.Row, string, error)
}

// Deps are the web layer's dependencies.
type Deps struct {
	Store    Store
	Calendar *calendar.Calendar // the agency's working calendar
	Log      *slog.Logger
	Now      func() time.Time
	Secret   func() string // makes the citizen's lookup secret printed on a receipt
	SSO      *SSO          // provincial single sign-on; nil when off
	Portal   PortalControl // synchronisation with DVCQG; nil when off
	// Forms prints the official forms; nil: the built-in texts.
	Forms *forms.Renderer
	// PublicURL is this server's address as citizens reach it (the receipt's
	// QR code); empty: the address the request came to.
	PublicURL string
}

//go:embed templates
var templateFS embed.FS

// Server is the HTTP handler of dunghan.
type Server struct {
	deps    Deps
	mux     *http.ServeMux
	handler http.Handler // mux behind cross-origin protection
	limits  *limiter
	pages   *template.Template
	metrics *metrics
	reg     *prometheus.Registry
}

// New builds the handler with every route.
func New(d Deps) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{
		deps:    d,
		mux:     http.NewServeMux(),
		pages:   template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")),
		metrics: newMetrics(reg),
		reg:     reg,
		limits:  newLimiter(d.Now),
	}
	s.routes()
	// CSRF: unsafe requests from another origin are refused (Sec-Fetch-Site
	// and Origin checks); API clients without those headers pass.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.deps.Log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		http.Error(w, "Yêu cầu từ trang web khác bị từ chối.", http.StatusForbidden)
	}))
	s.handler = cop.Handler(s.mux)
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /thu-tuc", s.procedureList)
	s.mux.HandleFunc("GET /dang-nhap", s.loginForm)
	s.mux.HandleFunc("POST /dang-nhap", s.limited("login", s.login))
	s.mux.HandleFunc("POST /dang-xuat", s.logout)
	s.mux.HandleFunc("GET /dang-nhap/sso", s.ssoStart)
	s.mux.HandleFunc("GET /dang-nhap/sso/callback", s.limited("login", s.ssoCallback))
	s.staffRoutes()
	s.publicRoutes()
	s.notifyRoutes()
	s.scoreRoutes()
	s.formsRoutes()
	s.portalRoutes()
	routes := s.apiRoutes()
	for _, rt := range routes {
		s.mux.HandleFunc(rt.method+" "+rt.path, rt.handler)
	}
	doc := openAPI(routes)
	s.mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, doc) })
}

// ServeHTTP logs and measures every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.deps.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.handler.ServeHTTP(rec, r)
	took := s.deps.Now().Sub(start)
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observe(r.Method, route, rec.status, took)
	// The query string and client address are left out: they can carry personal data.
	s.deps.Log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
		slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
		slog.Int("status", rec.status), slog.Int("bytes", rec.bytes), slog.Duration("took", took))
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}
