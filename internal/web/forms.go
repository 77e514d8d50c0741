package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/forms"
	"dunghan/internal/store"
)

// The printable forms (biểu mẫu): each dossier's page offers a print
// button for every form its history allows; GET
// /ho-so/{code}/bieu-mau/{form}.pdf prints one, and the dossier register
// is printed from /so-theo-doi. The JSON API serves the same PDFs.
//
// The receipt carries the citizen's lookup secret, so only the reception
// desk prints it, as only the desk sees the secret on the dossier page.

// formsStore is what the printable forms need of the store.
type formsStore interface {
	AgencyByID(ctx context.Context, id string) (agency.Agency, error)
	Register(ctx context.Context, agencyID, unitID string, from, to time.Time) ([]store.RegisterEntry, error)
}

// formsRoutes registers the form pages.
func (s *Server) formsRoutes() {
	s.mux.HandleFunc("GET /ho-so/{code}/bieu-mau/{form}", s.staff(s.formPDF))
	s.mux.HandleFunc("GET /so-theo-doi", s.staff(s.registerPage))
	s.mux.HandleFunc("GET /so-theo-doi.pdf", s.staff(s.registerPDF))
}

// formsAPIRoutes are the form endpoints of the JSON API.
func (s *Server) formsAPIRoutes() []apiRoute {
	return []apiRoute{
		{method: "GET", path: "/api/v1/dossiers/{code}/forms", summary: "Biểu mẫu in được của hồ sơ (theo quá trình xử lý)",
			response: formList{}, auth: true, handler: s.apiFormList},
		{method: "GET", path: "/api/v1/dossiers/{code}/forms/{form}", summary: "Biểu mẫu của hồ sơ dạng PDF (A5): {form} là tiep-nhan.pdf, bo-sung.pdf, tu-choi.pdf, xin-loi.pdf, dung.pdf hoặc kiem-soat.pdf",
			response: pdfFile{}, auth: true, handler: s.apiFormPDF},
		{method: "GET", path: "/api/v1/units/{unit}/register", summary: "Sổ theo dõi hồ sơ của đơn vị tiếp nhận dạng PDF (A4 ngang); from, to: YYYY-MM-DD",
			query: []string{"from", "to"}, response: pdfFile{}, auth: true, handler: s.apiRegisterPDF},
	}
}

// renderer is the deployment's forms renderer, or one with the built-in texts.
func (s *Server) renderer() *forms.Renderer {
	if s.deps.Forms != nil {
		return s.deps.Forms
	}
	return builtinForms()
}

var builtinForms = sync.OnceValue(func() *forms.Renderer { return forms.NewRenderer(nil) })

// publicURL is the address citizens reach this server at.
func (s *Server) publicURL(r *http.Request) string {
	if s.deps.PublicURL != "" {
		return s.deps.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// mayPrint reports whether u may print form f of a dossier they can see.
func mayPrint(u auth.User, f forms.Form) bool {
	return f != forms.Receipt || u.Has(auth.Reception)
}

// formButton is a print button of the dossier page.
type formButton struct {
	forms.Info
	URL     string
	Primary bool // the receipt right after reception
}

// printable lists the forms of a dossier the user may print, for its page.
func (s *Server) printable(r *http.Request, u auth.User, rec store.Record, key string) []formButton {
	var out []formButton
	fs := forms.Available(rec.State, rec.Events)
	for _, info := range s.renderer().Describe(forms.RegimeOf(rec.State), fs) {
		if !mayPrint(u, info.Form) {
			continue
		}
		out = append(out, formButton{Info: info, URL: "/ho-so/" + url.PathEscape(key) + "/bieu-mau/" + string(info.Form) + ".pdf",
			Primary: info.Form == forms.Receipt && r.URL.Query().Get("ok") == "tiep-nhan"})
	}
	return out
}

// RegisterLink reports whether the dossier page links to the dossier
// register: for the roles that see the whole agency.
func (p *dossierPage) RegisterLink() bool {
	return p.User != nil && dossier.AgencyWide(actorOf(*p.User))
}

// renderForm prints form f of a dossier the user can see.
func (s *Server) renderForm(r *http.Request, u auth.User, rec store.Record, f forms.Form) ([]byte, string, error) {
	if !mayPrint(u, f) {
		return nil, "", apperr.New(apperr.Forbidden, "Chỉ cán bộ Bộ phận Một cửa in được giấy tiếp nhận hồ sơ, vì giấy có mã tra cứu của người nộp.")
	}
	ctx := r.Context()
	a, err := s.deps.Store.AgencyByID(ctx, u.AgencyID)
	if err != nil {
		return nil, "", err
	}
	dir, err := s.directory(ctx, u.AgencyID)
	if err != nil {
		return nil, "", err
	}
	in := forms.Input{Agency: a, State: rec.State, Events: rec.Events, Units: dir.unitNames(), Users: dir.userNames(),
		Calendar: s.deps.Calendar, Now: s.deps.Now(), PublicURL: s.publicURL(r)}
	pdf, err := s.renderer().Render(f, in)
	key := rec.State.Code
	if key == "" {
		key = rec.ID
	}
	return pdf, forms.FileName(f, key), err
}

func (d *directory) unitNames() map[string]string {
	out := make(map[string]string, len(d.Units))
	for _, u := range d.Units {
		out[u.ID] = u.Name
	}
	return out
}

func (d *directory) userNames() map[string]string {
	out := make(map[string]string, len(d.Users))
	for _, u := range d.Users {
		out[u.ID] = u.FullName
	}
	return out
}

// writePDF sends a PDF to be shown in the browser. Forms hold personal
// data (and the receipt the lookup secret): nothing caches them.
func writePDF(w http.ResponseWriter, name string, pdf []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(pdf)
}

// formPDF answers GET /ho-so/{code}/bieu-mau/{form}.
func (s *Server) formPDF(w http.ResponseWriter, r *http.Request, u auth.User) {
	f, err := forms.ParseForm(r.PathValue("form"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, ok := s.visibleDossier(w, r, u)
	if !ok {
		return
	}
	pdf, name, err := s.renderForm(r, u, rec, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writePDF(w, name, pdf)
}

// formList is the API's list of a dossier's printable forms.
type formList struct {
	Items []formItem `json:"items"`
}

type formItem struct {
	forms.Info
	URL string `json:"url"`
}

// apiDossier loads a dossier the API user may see.
func (s *Server) apiDossier(r *http.Request) (auth.User, store.Record, error) {
	u, err := s.bearer(r)
	if err != nil {
		return u, store.Record{}, err
	}
	rec, err := s.deps.Store.Dossier(r.Context(), u.AgencyID, r.PathValue("code"))
	if err == nil && !rec.State.VisibleTo(actorOf(u)) {
		err = apperr.New(apperr.Forbidden, "Hồ sơ này thuộc đơn vị khác; bạn không có quyền xem.")
	}
	return u, rec, err
}

// apiFormList answers GET /api/v1/dossiers/{code}/forms.
func (s *Server) apiFormList(w http.ResponseWriter, r *http.Request) {
	u, rec, err := s.apiDossier(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := formList{Items: []formItem{}}
	for _, b := range s.printable(r, u, rec, r.PathValue("code")) {
		out.Items = append(out.Items, formItem{Info: b.Info, URL: "/api/v1/dossiers/" + url.PathEscape(r.PathValue("code")) + "/forms/" + string(b.Form) + ".pdf"})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiFormPDF answers GET /api/v1/dossiers/{code}/forms/{form}.
func (s *Server) apiFormPDF(w http.ResponseWriter, r *http.Request) {
	f, err := forms.ParseForm(r.PathValue("form"))
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	u, rec, err := s.apiDossier(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pdf, name, err := s.renderForm(r, u, rec, f)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writePDF(w, name, pdf)
}

// registerRequest is a validated register print: a receiving unit and whole days.
type registerRequest struct {
	unit     agency.Unit
	from, to calendar.Date
}

// parseRegister checks the unit (ID or code) and the days (YYYY-MM-DD or
// dd/mm/yyyy) of a register print; problems are keyed by field.
func (s *Server) parseRegister(ctx context.Context, u auth.User, unit, from, to string) (registerRequest, map[string]string, error) {
	var req registerRequest
	problems := map[string]string{}
	if !dossier.AgencyWide(actorOf(u)) {
		return req, nil, apperr.New(apperr.Forbidden, "Chỉ Bộ phận Một cửa, lãnh đạo, văn thư và quản trị in được sổ theo dõi hồ sơ.")
	}
	units, err := s.deps.Store.Units(ctx, u.AgencyID)
	if err != nil {
		return req, nil, err
	}
	found := false
	for _, x := range units {
		if unit != "" && (x.ID == unit || strings.EqualFold(x.Code, unit)) {
			req.unit, found = x, true
		}
	}
	if !found {
		problems["don-vi"] = "Chọn một đơn vị có trong danh mục."
	}
	if req.from, err = calendar.ParseDate(strings.TrimSpace(from)); err != nil {
		problems["tu"] = "Nhập ngày bắt đầu, ví dụ 01/12/2025."
	}
	if req.to, err = calendar.ParseDate(strings.TrimSpace(to)); err != nil {
		problems["den"] = "Nhập ngày kết thúc, ví dụ 31/12/2025."
	}
	if len(problems) == 0 && req.to.Time().Before(req.from.Time()) {
		problems["den"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
	}
	if len(problems) > 0 {
		return req, problems, apperr.New(apperr.Invalid, "Thông tin in sổ chưa hợp lệ.")
	}
	return req, nil, nil
}

// renderRegister prints the register of a validated request.
func (s *Server) renderRegister(ctx context.Context, u auth.User, req registerRequest) ([]byte, string, error) {
	a, err := s.deps.Store.AgencyByID(ctx, u.AgencyID)
	if err != nil {
		return nil, "", err
	}
	entries, err := s.deps.Store.Register(ctx, u.AgencyID, req.unit.ID, req.from.Time(), req.to.Time().AddDate(0, 0, 1))
	if err != nil {
		return nil, "", err
	}
	dir, err := s.directory(ctx, u.AgencyID)
	if err != nil {
		return nil, "", err
	}
	in := forms.RegisterInput{Agency: a, Unit: req.unit, From: req.from, To: req.to, Units: dir.unitNames(), Now: s.deps.Now()}
	for _, e := range entries {
		in.Entries = append(in.Entries, forms.RegisterEntry{No: e.No, State: e.State, Events: e.Events})
	}
	pdf, err := s.renderer().Register(in)
	return pdf, forms.FileName(forms.Register, req.unit.Code+"-"+req.from.String()+"-"+req.to.String()), err
}

// registerView is the data of forms_register.html.
type registerView struct {
	Title    string
	User     *auth.User
	Units    []agency.Unit
	Unit     string
	From, To string
	Problems map[string]string
	Error    string
}

// registerPage answers GET /so-theo-doi: the unit and days to print.
func (s *Server) registerPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !dossier.AgencyWide(actorOf(u)) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ Bộ phận Một cửa, lãnh đạo, văn thư và quản trị in được sổ theo dõi hồ sơ."))
		return
	}
	s.showRegister(w, r, u, http.StatusOK, nil, "")
}

// showRegister renders the register form, with the problems of a refused print.
func (s *Server) showRegister(w http.ResponseWriter, r *http.Request, u auth.User, status int, problems map[string]string, msg string) {
	units, err := s.deps.Store.Units(r.Context(), u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	now := s.deps.Now().In(calendar.Zone)
	v := registerView{Title: "Sổ theo dõi hồ sơ", User: &u, Units: units, Unit: q.Get("don-vi"), From: q.Get("tu"), To: q.Get("den"),
		Problems: problems, Error: msg}
	if v.Unit == "" {
		for _, x := range units {
			if x.Kind == agency.KindOneStop {
				v.Unit = x.ID
				break
			}
		}
	}
	if v.From == "" && v.To == "" {
		v.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendar.Zone).Format("02/01/2006")
		v.To = now.Format("02/01/2006")
	}
	s.render(w, r, status, "forms_register.html", v)
}

// registerPDF answers GET /so-theo-doi.pdf?don-vi=&tu=&den=.
func (s *Server) registerPDF(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	req, problems, err := s.parseRegister(r.Context(), u, q.Get("don-vi"), q.Get("tu"), q.Get("den"))
	if problems != nil {
		s.showRegister(w, r, u, http.StatusBadRequest, problems, apperr.Message(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pdf, name, err := s.renderRegister(r.Context(), u, req)
	if apperr.Is(err, apperr.Invalid) {
		s.showRegister(w, r, u, http.StatusBadRequest, nil, apperr.Message(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writePDF(w, name, pdf)
}

// apiRegisterPDF answers GET /api/v1/units/{unit}/register?from=&to=.
func (s *Server) apiRegisterPDF(w http.ResponseWriter, r *http.Request) {
	u, err := s.bearer(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	q := r.URL.Query()
	req, problems, err := s.parseRegister(r.Context(), u, r.PathValue("unit"), q.Get("from"), q.Get("to"))
	if err != nil {
		if problems != nil {
			err = apperr.New(apperr.Invalid, registerProblem(problems))
		}
		s.failJSON(w, r, err)
		return
	}
	pdf, name, err := s.renderRegister(r.Context(), u, req)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writePDF(w, name, pdf)
}

// registerProblem states the problems of an API register request in one line.
func registerProblem(problems map[string]string) string {
	var parts []string
	for _, k := range []struct{ field, param string }{{"don-vi", "unit"}, {"tu", "from"}, {"den", "to"}} {
		if p := problems[k.field]; p != "" {
			parts = append(parts, k.param+": "+p)
		}
	}
	return strings.Join(parts, " ")
}
