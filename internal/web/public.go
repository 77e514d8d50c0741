package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/store"
)

// publicStore is what the public lookup, the overview and the
// administration pages need of the store.
type publicStore interface {
	// Leadership overview: the projection and the counters, never the events.
	OpenLoad(ctx context.Context, agencyID, unitID string, now, within1, within3 time.Time) ([]store.Load, error)
	Counters(ctx context.Context, agencyID string, from, to time.Time) (store.Totals, error)

	// Administration.
	Units(ctx context.Context, agencyID string) ([]agency.Unit, error)
	CreateUnit(ctx context.Context, agencyID string, u agency.Unit) (agency.Unit, error)
	UserAccounts(ctx context.Context, agencyID string) ([]auth.User, error)
	UserByID(ctx context.Context, agencyID, id string) (auth.User, error)
	CreateUser(ctx context.Context, u auth.User) (auth.User, error)
	SetUserRoles(ctx context.Context, agencyID, id string, roles []auth.Role) error
	SetUserUnit(ctx context.Context, agencyID, id, unitID string) error
	SetUserActive(ctx context.Context, agencyID, id string, active bool) error
	SetPassword(ctx context.Context, agencyID, id, hash string) error

	// Citizens' lookup and rating, by code and receipt secret.
	PublicLookup(ctx context.Context, code, secret string) (store.PublicRecord, error)
	PublicRate(ctx context.Context, code, secret string, rating int, comment string) error
}

// publicRoutes registers the public lookup, the leadership overview and
// the administration pages.
func (s *Server) publicRoutes() {
	s.mux.HandleFunc("GET /tong-quan", s.staff(s.overview))

	s.mux.HandleFunc("GET /quan-tri", s.staff(s.adminOnly(s.adminHome)))
	s.mux.HandleFunc("POST /quan-tri/nguoi-dung", s.staff(s.adminOnly(s.adminCreateUser)))
	s.mux.HandleFunc("GET /quan-tri/nguoi-dung/{id}", s.staff(s.adminOnly(s.adminUser)))
	s.mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}", s.staff(s.adminOnly(s.adminUpdateUser)))
	s.mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}/trang-thai", s.staff(s.adminOnly(s.adminSetActive)))
	s.mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}/mat-khau", s.staff(s.adminOnly(s.adminResetPassword)))
	s.mux.HandleFunc("POST /quan-tri/don-vi", s.staff(s.adminOnly(s.adminCreateUnit)))

	s.mux.HandleFunc("GET /tra-cuu", s.limited("lookup", s.lookup))
	s.mux.HandleFunc("POST /tra-cuu", s.limited("lookup", s.lookup))
	s.mux.HandleFunc("POST /tra-cuu/danh-gia", s.limited("lookup", s.rate))
}

// maxSmallForm bounds the body of every form on these pages.
const maxSmallForm = 64 << 10

// readSmallForm reads a bounded form body; a body over the bound is an empty form.
func readSmallForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSmallForm)
	r.ParseForm()
}

// text returns a form field as NFC, without surrounding space.
func pubText(r *http.Request, name string) string {
	return strings.TrimSpace(norm.NFC.String(r.PostFormValue(name)))
}

// form is the state of a submitted form: what was typed (never passwords),
// the checked boxes and an error beside each field.
type fieldForm struct {
	Values  map[string]string
	Checked map[string]bool
	Errors  map[string]string
}

func newFieldForm() *fieldForm {
	return &fieldForm{Values: map[string]string{}, Checked: map[string]bool{}, Errors: map[string]string{}}
}

// fail records an error beside the field, keeping the first one.
func (f *fieldForm) fail(field, msg string) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

// OK reports whether no field has an error.
func (f *fieldForm) OK() bool { return len(f.Errors) == 0 }
