package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// dossierView is a dossier as the API returns it.
type dossierView struct {
	ID            string            `json:"id"`
	Code          string            `json:"code,omitempty"`
	Version       int               `json:"version"`
	Channel       dossier.Channel   `json:"channel"`
	Applicant     dossier.Applicant `json:"applicant"`
	Procedure     procedureRefView  `json:"procedure"`
	ReceivingUnit string            `json:"receiving_unit"`
	Step          int               `json:"step"`
	StepUnit      string            `json:"step_unit,omitempty"`
	Assignee      string            `json:"assignee,omitempty"`
	Clock         dossier.ClockView `json:"clock"`
	History       []dossier.Event   `json:"history"`
}

type procedureRefView struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Code    string `json:"code,omitempty"`
	Name    string `json:"name"`
}

func (s *Server) view(rec store.Record) dossierView {
	st := rec.State
	return dossierView{ID: rec.ID, Code: st.Code, Version: st.Version, Channel: st.Channel, Applicant: st.Applicant,
		Procedure:     procedureRefView{st.Procedure.ID, st.Procedure.Version, st.Procedure.Code, st.Procedure.Name},
		ReceivingUnit: st.ReceivingUnit, Step: st.Step, StepUnit: st.StepUnit, Assignee: st.Assignee,
		Clock: dossier.Clock(st, s.deps.Calendar, s.deps.Now()), History: rec.Events}
}

// listView is a page of dossiers.
type listView struct {
	Items      []listItem `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

type listItem struct {
	ID          string         `json:"id"`
	Code        string         `json:"code,omitempty"`
	Status      dossier.Status `json:"status"`
	StatusLabel string         `json:"status_label"`
	PortalCode  int            `json:"portal_code"`
	Applicant   string         `json:"applicant"`
	ProcedureID string         `json:"procedure_id"`
	Step        int            `json:"step"`
	StepUnit    string         `json:"step_unit,omitempty"`
	Assignee    string         `json:"assignee,omitempty"`
	LegalDue    time.Time      `json:"legal_due,omitzero"`
	Promised    time.Time      `json:"promised,omitzero"`
	StepDue     time.Time      `json:"step_due,omitzero"`
	FinishedAt  time.Time      `json:"finished_at,omitzero"`
	Class       string         `json:"class,omitempty"`
	Paused      bool           `json:"paused"`
	Version     int            `json:"version"`
}

// The bodies of the commands that create a dossier name its procedure.
type (
	receiveRequest struct {
		ProcedureID string `json:"procedure_id"`
		dossier.Receive
	}
	submitRequest struct {
		ProcedureID string `json:"procedure_id"`
		dossier.Submit
	}
	refuseRequest struct {
		ProcedureID string `json:"procedure_id"`
		dossier.RefuseAtIntake
	}
	completionRequest struct {
		ProcedureID string `json:"procedure_id"`
		dossier.RequestCompletion
	}
)

// newDossierRequest is the body of a command that creates a dossier.
type newDossierRequest interface {
	command() (procedureID string, cmd dossier.Command)
}

func (r receiveRequest) command() (string, dossier.Command) { return r.ProcedureID, r.Receive }
func (r submitRequest) command() (string, dossier.Command)  { return r.ProcedureID, r.Submit }
func (r refuseRequest) command() (string, dossier.Command)  { return r.ProcedureID, r.RefuseAtIntake }
func (r completionRequest) command() (string, dossier.Command) {
	return r.ProcedureID, r.RequestCompletion
}

// commandRoutes lists one endpoint per command on an existing dossier.
func commandRoutes() []struct {
	path, summary string
	zero          dossier.Command
} {
	return []struct {
		path, summary string
		zero          dossier.Command
	}{
		{"accept", "Tiếp nhận hồ sơ đã nộp trực tuyến (Receive)", dossier.Receive{}},
		{"refuse-intake", "Từ chối tiếp nhận hồ sơ đã nộp (RefuseAtIntake)", dossier.RefuseAtIntake{}},
		{"request-completion", "Hướng dẫn bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận (RequestCompletion)", dossier.RequestCompletion{}},
		{"transfer", "Chuyển bước xử lý (Transfer)", dossier.Transfer{}},
		{"request-supplement", "Yêu cầu bổ sung hồ sơ (RequestSupplement)", dossier.RequestSupplement{}},
		{"receive-supplement", "Nhận hồ sơ bổ sung (ReceiveSupplement)", dossier.ReceiveSupplement{}},
		{"request-payment", "Yêu cầu thực hiện nghĩa vụ tài chính (RequestPayment)", dossier.RequestPayment{}},
		{"confirm-payment", "Xác nhận đã thực hiện nghĩa vụ tài chính (ConfirmPayment)", dossier.ConfirmPayment{}},
		{"reschedule", "Xin lỗi và hẹn lại ngày trả kết quả (Reschedule)", dossier.Reschedule{}},
		{"stop", "Dừng xử lý hồ sơ (Stop)", dossier.Stop{}},
		{"withdraw", "Rút hồ sơ theo đề nghị của người nộp (Withdraw)", dossier.Withdraw{}},
		{"resolve", "Ghi nhận đã xử lý xong (Resolve)", dossier.Resolve{}},
		{"return", "Trả kết quả (Return)", dossier.Return{}},
	}
}

// apiRoutes is every JSON endpoint.
func (s *Server) apiRoutes() []apiRoute {
	routes := []apiRoute{
		{method: "POST", path: "/api/v1/auth/token", summary: "Đăng nhập: đổi tên đăng nhập và mật khẩu lấy mã truy cập", request: tokenRequest{}, response: tokenResponse{}, handler: s.limited("login", s.apiToken)},
		{method: "GET", path: "/api/v1/dossiers", summary: "Danh sách hồ sơ theo mức độ khẩn", response: listView{}, auth: true,
			query: []string{"status", "unit", "assignee", "procedure", "overdue", "due_before", "q", "cursor", "limit"}, handler: s.apiDossierList},
		{method: "POST", path: "/api/v1/dossiers", summary: "Tiếp nhận hồ sơ mới (Receive)", request: receiveRequest{}, response: dossierView{}, auth: true, handler: s.apiNewDossier(receiveRequest{})},
		{method: "POST", path: "/api/v1/dossiers/online", summary: "Ghi nhận hồ sơ nộp trực tuyến, chờ tiếp nhận (Submit)", request: submitRequest{}, response: dossierView{}, auth: true, handler: s.apiNewDossier(submitRequest{})},
		{method: "POST", path: "/api/v1/dossiers/intake/refuse", summary: "Từ chối tiếp nhận hồ sơ tại quầy (RefuseAtIntake)", request: refuseRequest{}, response: dossierView{}, auth: true, handler: s.apiNewDossier(refuseRequest{})},
		{method: "POST", path: "/api/v1/dossiers/intake/request-completion", summary: "Hướng dẫn bổ sung, hoàn thiện hồ sơ tại quầy (RequestCompletion)", request: completionRequest{}, response: dossierView{}, auth: true, handler: s.apiNewDossier(completionRequest{})},
		{method: "GET", path: "/api/v1/dossiers/{code}", summary: "Hồ sơ: trạng thái, thời hạn, các bước, nhật ký", response: dossierView{}, auth: true, handler: s.apiDossierGet},
	}
	for _, c := range commandRoutes() {
		routes = append(routes, apiRoute{method: "POST", path: "/api/v1/dossiers/{code}/" + c.path, summary: c.summary,
			request: c.zero, response: dossierView{}, auth: true, handler: s.apiDossierCommand(c.zero)})
	}
	routes = append(routes, s.formsAPIRoutes()...)
	routes = append(routes, s.portalAPIRoutes()...)
	return append(routes, s.scoreAPIRoutes()...)
}

// apiNewDossier handles a command that creates a dossier.
func (s *Server) apiNewDossier(zero newDossierRequest) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.bearer(r)
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		ptr := reflect.New(reflect.TypeOf(zero))
		body, err := readBody(w, r, ptr.Interface())
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		procID, cmd := ptr.Elem().Interface().(newDossierRequest).command()
		s.execute(w, r, u, store.Exec{ProcedureID: procID, Command: cmd}, body)
	}
}

// apiDossierCommand handles one command on an existing dossier.
func (s *Server) apiDossierCommand(zero dossier.Command) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.bearer(r)
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		cmd, body, err := decodeCommand(w, r, zero)
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		s.execute(w, r, u, store.Exec{Code: r.PathValue("code"), Command: cmd}, body)
	}
}

// execute fills the request-wide parts of in and runs it.
func (s *Server) execute(w http.ResponseWriter, r *http.Request, u auth.User, in store.Exec, body []byte) {
	in.AgencyID, in.Actor = u.AgencyID, actorOf(u)
	in.IdempotencyKey = strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(in.IdempotencyKey) > 200 {
		s.failJSON(w, r, apperr.New(apperr.Invalid, "Idempotency-Key quá dài (tối đa 200 ký tự)."))
		return
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	in.RequestHash = hex.EncodeToString(sum[:])
	if m := strings.Trim(r.Header.Get("If-Match"), `" `); m != "" {
		v, err := strconv.Atoi(m)
		if err != nil || v < 1 {
			s.failJSON(w, r, apperr.New(apperr.Invalid, "If-Match phải là số phiên bản của hồ sơ, ví dụ \"3\"."))
			return
		}
		in.ExpectedVersion = v
	}
	rec, err := s.deps.Store.Execute(r.Context(), in, s.deps.Calendar, s.deps.Secret)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	s.kick()
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(rec.State.Version)))
	writeJSON(w, http.StatusOK, s.view(rec))
}

// apiDossierGet returns one dossier the user may see.
func (s *Server) apiDossierGet(w http.ResponseWriter, r *http.Request) {
	u, err := s.bearer(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	rec, err := s.deps.Store.Dossier(r.Context(), u.AgencyID, r.PathValue("code"))
	if err == nil && !rec.State.VisibleTo(actorOf(u)) {
		err = apperr.New(apperr.Forbidden, "Hồ sơ này thuộc đơn vị khác; bạn không có quyền xem.")
	}
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(rec.State.Version)))
	writeJSON(w, http.StatusOK, s.view(rec))
}

// apiDossierList lists dossiers by urgency; unit-scoped roles see their unit only.
func (s *Server) apiDossierList(w http.ResponseWriter, r *http.Request) {
	u, err := s.bearer(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.Filter{Status: dossier.Status(q.Get("status")), Unit: q.Get("unit"), Assignee: q.Get("assignee"),
		Procedure: q.Get("procedure"), Search: q.Get("q"), Now: s.deps.Now()}
	if v := q.Get("overdue"); v != "" {
		if f.Overdue, err = strconv.ParseBool(v); err != nil {
			s.failJSON(w, r, apperr.New(apperr.Invalid, "Tham số overdue phải là true hoặc false."))
			return
		}
	}
	if v := q.Get("due_before"); v != "" {
		if f.DueBefore, err = time.Parse(time.RFC3339, v); err != nil {
			s.failJSON(w, r, apperr.New(apperr.Invalid, "Tham số due_before phải theo RFC 3339, ví dụ 2025-03-10T17:00:00+07:00."))
			return
		}
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			s.failJSON(w, r, apperr.New(apperr.Invalid, "Tham số limit phải từ 1 đến 200."))
			return
		}
	}
	if a := actorOf(u); !dossier.AgencyWide(a) {
		if f.Unit != "" && f.Unit != u.UnitID {
			s.failJSON(w, r, apperr.New(apperr.Forbidden, "Bạn chỉ xem được hồ sơ của đơn vị mình."))
			return
		}
		f.Unit = u.UnitID
	}
	rows, next, err := s.deps.Store.ListDossiers(r.Context(), u.AgencyID, f, q.Get("cursor"), limit)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := listView{Items: make([]listItem, 0, len(rows)), NextCursor: next}
	for _, x := range rows {
		out.Items = append(out.Items, listItem{ID: x.ID, Code: x.Code, Status: x.Status, StatusLabel: x.Status.Label(), PortalCode: x.Status.PortalCode(),
			Applicant: x.ApplicantName, ProcedureID: x.ProcedureID, Step: x.Step, StepUnit: x.StepUnit, Assignee: x.Assignee,
			LegalDue: local(x.LegalDue), Promised: local(x.Promised), StepDue: local(x.StepDue), FinishedAt: local(x.FinishedAt),
			Class: x.Class, Paused: x.Paused, Version: x.Version})
	}
	writeJSON(w, http.StatusOK, out)
}

func actorOf(u auth.User) dossier.Actor {
	return dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
}

// readBody decodes the JSON body into v and returns its bytes for the request hash.
func readBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, apperr.New(apperr.TooLarge, "Nội dung yêu cầu quá lớn (tối đa 1 MB).")
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return body, decodeJSON(w, r, v)
}

// decodeCommand decodes the body into a new command of zero's type.
func decodeCommand(w http.ResponseWriter, r *http.Request, zero dossier.Command) (dossier.Command, []byte, error) {
	ptr := reflect.New(reflect.TypeOf(zero))
	body, err := readBody(w, r, ptr.Interface())
	if err != nil {
		return nil, nil, err
	}
	return ptr.Elem().Interface().(dossier.Command), body, nil
}

// local shows an instant in Vietnam time, as every API time is.
func local(t time.Time) time.Time { return t.In(calendar.Zone) }
