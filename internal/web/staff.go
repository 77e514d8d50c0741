package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// staffStore is what the staff pages need of the store.
type staffStore interface {
	Units(ctx context.Context, agencyID string) ([]agency.Unit, error)
	Users(ctx context.Context, agencyID string) ([]auth.User, error)
	ProcedureVersion(ctx context.Context, agencyID, procedureID string, version int) (store.CatalogueEntry, error)
	Worklist(ctx context.Context, agencyID string, f store.WorkFilter, cursor string, limit int) ([]store.WorkRow, string, error)
}

// staffRoutes registers the staff pages: worklist, reception, dossier page.
func (s *Server) staffRoutes() {
	s.mux.HandleFunc("GET /{$}", s.staff(s.worklist))
	s.mux.HandleFunc("GET /tiep-nhan", s.staff(s.receptionForm))
	s.mux.HandleFunc("POST /tiep-nhan", s.staff(s.receptionPost))
	s.mux.HandleFunc("GET /ho-so/{code}", s.staff(s.dossierPage))
	s.mux.HandleFunc("POST /ho-so/{code}/{action}", s.staff(s.dossierAction))
}

// maxForm bounds every staff form body.
const maxForm = 64 << 10

func init() {
	for name, fn := range map[string]any{
		"roleLabel": func(r auth.Role) string { return r.Label() },
		"vnd":       vnd,
		"stepNo":    func(i int) int { return i + 1 },
		"neg":       func(i int) int { return -i },
		"staffArgs": staffArgs,
		"weekday":   func(t time.Time) string { return calendar.WeekdayName(t.In(calendar.Zone).Weekday()) },
		"dossierURL": func(code, id string) string {
			if code != "" {
				return "/ho-so/" + url.PathEscape(code)
			}
			return "/ho-so/" + url.PathEscape(id)
		},
	} {
		if _, dup := funcs[name]; dup {
			panic("web: template function " + name + " defined twice")
		}
		funcs[name] = fn
	}
}

// staffArgs builds the argument map of a sub-template from key, value pairs.
func staffArgs(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("staffArgs: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("staffArgs: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// vnd writes an amount of đồng with dots between thousands: 1.500.000 đồng.
func vnd(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + " đồng"
}

// directory names units, officers and procedures for one request, so that
// pages show names, never IDs.
type directory struct {
	Units    []agency.Unit
	Users    []auth.User
	unitByID map[string]agency.Unit
	userByID map[string]auth.User
	procs    map[string]store.CatalogueEntry // procedure ID and version → entry, filled on demand
	s        *Server
	agency   string
}

func (s *Server) directory(ctx context.Context, agencyID string) (*directory, error) {
	units, err := s.deps.Store.Units(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	users, err := s.deps.Store.Users(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	d := &directory{Units: units, Users: users, unitByID: map[string]agency.Unit{}, userByID: map[string]auth.User{},
		procs: map[string]store.CatalogueEntry{}, s: s, agency: agencyID}
	for _, u := range units {
		d.unitByID[u.ID] = u
	}
	for _, u := range users {
		d.userByID[u.ID] = u
	}
	return d, nil
}

// UnitName is the unit's name, or "—".
func (d *directory) UnitName(id string) string {
	if u, ok := d.unitByID[id]; ok {
		return u.Name
	}
	if id == "" {
		return "—"
	}
	return "Đơn vị không còn trong danh mục"
}

// UserName is the officer's full name, or "".
func (d *directory) UserName(id string) string {
	if u, ok := d.userByID[id]; ok {
		return u.FullName
	}
	return ""
}

// procedure returns a procedure version, read once per request.
func (d *directory) procedure(ctx context.Context, id string, version int) (store.CatalogueEntry, error) {
	key := id + "#" + strconv.Itoa(version)
	if p, ok := d.procs[key]; ok {
		return p, nil
	}
	p, err := d.s.deps.Store.ProcedureVersion(ctx, d.agency, id, version)
	if err != nil {
		return p, err
	}
	d.procs[key] = p
	return p, nil
}

// officerGroup is the officers of one unit, for a <select> with <optgroup>.
type officerGroup struct {
	Unit     string
	Officers []auth.User
}

// officers lists the active users holding role (any role but Admin when
// role is ""), grouped by unit, with first's unit first.
func (d *directory) officers(role auth.Role, first string) []officerGroup {
	var out []officerGroup
	index := map[string]int{}
	units := slices.Clone(d.Units)
	slices.SortStableFunc(units, func(a, b agency.Unit) int {
		switch {
		case a.ID == first && b.ID != first:
			return -1
		case b.ID == first && a.ID != first:
			return 1
		}
		return 0
	})
	for _, u := range units {
		index[u.ID] = len(out)
		out = append(out, officerGroup{Unit: u.Name})
	}
	for _, u := range d.Users {
		if !u.Active || role != "" && !u.Has(role) || role == "" && len(u.Roles) == 1 && u.Has(auth.Admin) {
			continue
		}
		if i, ok := index[u.UnitID]; ok {
			out[i].Officers = append(out[i].Officers, u)
		}
	}
	return slices.DeleteFunc(out, func(g officerGroup) bool { return len(g.Officers) == 0 })
}

// formText is a form value trimmed and normalised to NFC.
func formText(f url.Values, name string) string {
	return norm.NFC.String(strings.TrimSpace(strings.ToValidUTF8(f.Get(name), "\uFFFD")))
}

// formLines splits a textarea into its non-empty lines, each normalised.
func formLines(f url.Values, name string) []string {
	var out []string
	for _, line := range strings.Split(formText(f, name), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// formDocs turns a textarea of document names into documents, one copy each.
func formDocs(f url.Values, name string, digitised bool) []dossier.Document {
	var out []dossier.Document
	for _, line := range formLines(f, name) {
		out = append(out, dossier.Document{Name: line, Copies: 1, Digitised: digitised})
	}
	return out
}

// formBool reads a checkbox.
func formBool(f url.Values, name string) bool {
	switch f.Get(name) {
	case "1", "on", "true", "co":
		return true
	}
	return false
}

// formValues keeps what a user typed for re-rendering a form.
type formValues struct {
	url.Values
	Errors map[string]string // field → message
}

// V is a field's value as typed.
func (f formValues) V(name string) string { return f.Get(name) }

// On reports whether a checkbox, radio or option with value was chosen.
func (f formValues) On(name, value string) bool { return slices.Contains(f.Values[name], value) }

// E is the error of a field, or "".
func (f formValues) E(name string) string { return f.Errors[name] }

// fail records a field error.
func (f *formValues) fail(name, msg string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if f.Errors[name] == "" {
		f.Errors[name] = msg
	}
}

// digits reports whether s, once spaces, dots and dashes are removed, is
// between lo and hi ASCII digits (an optional leading + for phones).
func digits(s string, lo, hi int) bool {
	s = strings.TrimPrefix(s, "+")
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n++
		case c == ' ' || c == '.' || c == '-':
		default:
			return false
		}
	}
	return n >= lo && n <= hi
}

// parseAmount reads an amount of đồng written with or without thousand separators.
func parseAmount(s string) (int64, error) {
	s = strings.NewReplacer(".", "", ",", "", " ", "", "đ", "", "đồng", "").Replace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad amount")
	}
	return n, nil
}

// parseVNTime reads a date dd/mm/yyyy (or yyyy-mm-dd) and a time HH:MM in Vietnam time.
func parseVNTime(date, clock string) (time.Time, string, string) {
	d, err := calendar.ParseDate(strings.TrimSpace(date))
	if err != nil {
		return time.Time{}, "date", "Ngày phải viết dạng ngày/tháng/năm, ví dụ 04/04/2025."
	}
	if clock = strings.TrimSpace(clock); clock == "" {
		clock = "17:00"
	}
	m, err := calendar.ParseClock(clock)
	if err != nil {
		return time.Time{}, "time", "Giờ phải viết dạng giờ:phút (24 giờ), ví dụ 17:00."
	}
	return d.Time().Add(time.Duration(m) * time.Minute), "", ""
}

// signedMinutes is the working time from now to due: negative when overdue.
func (s *Server) signedMinutes(now, due time.Time) int {
	if due.Before(now) {
		return -s.deps.Calendar.WorkingMinutes(due, now)
	}
	return s.deps.Calendar.WorkingMinutes(now, due)
}

// dueSoon is the working time left under which a dossier or step is "due soon".
const dueSoon = 480
