package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/procedure"
)

// funcs are the template helpers shared by every page. A page file may add
// its own in an init function.
var funcs = template.FuncMap{
	"date":     func(t time.Time) string { return when(t, "02/01/2006") },
	"datetime": func(t time.Time) string { return when(t, "15:04 02/01/2006") },
	"duration": procedure.DurationLabel,
	"worktime": workTime,
}

// when formats t in Vietnam time, or "—" for the zero time.
func when(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Zone).Format(layout)
}

// workTime shows working minutes as days (of 8 hours), hours and minutes,
// e.g. "2 ngày 3 giờ 15 phút"; negative values get a leading "−".
func workTime(minutes int) string {
	sign := ""
	if minutes < 0 {
		sign, minutes = "−", -minutes
	}
	d, h, m := minutes/480, minutes%480/60, minutes%60
	var parts []string
	if d > 0 {
		parts = append(parts, fmt.Sprintf("%d ngày", d))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d giờ", h))
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d phút", m))
	}
	return sign + strings.Join(parts, " ")
}

// render executes the named page template into a buffer first, so that a
// template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.deps.Log.Error("render", "template", name, "err", err)
		http.Error(w, "Lỗi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// statusOf maps an error code to its HTTP status. It is the only such mapping.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	case apperr.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail renders err as an error page: the Vietnamese message is shown, the
// internal cause is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	status := statusOf(code)
	if status >= 500 {
		s.deps.Log.Error("request failed", "route", r.Pattern, "code", code, "err", err)
	}
	data := page("Lỗi", nil)
	if u, ok := s.sessionUser(r); ok {
		data["User"] = &u
	}
	data["Message"], data["Status"] = apperr.Message(err), status
	s.render(w, r, status, "error.html", data)
}
