package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// receptionPage is the reception form (tiếp nhận hồ sơ tại quầy).
type receptionPage struct {
	Title      string
	User       *auth.User
	Form       formValues
	Error      string // a rule of the domain, shown at the top
	Groups     []procGroup
	Shown      int // procedures in the list
	Total      int
	Proc       *store.CatalogueEntry
	Docs       []docRow
	Now        time.Time
	Due        time.Time
	NoDeadline bool
	DueError   string
}

type procGroup struct {
	Field string
	Procs []option
}

type docRow struct {
	Name                          string
	Received, Original, Digitised bool
}

// receptionResult is the page after a refusal or a completion request at the desk.
type receptionResult struct {
	Title     string
	User      *auth.User
	Refused   bool
	ID        string
	Applicant string
	Procedure string
	Reason    string
	Missing   []dossier.Document
	At        time.Time
}

func (s *Server) receptionForm(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Has(auth.Reception) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))
		return
	}
	f := formValues{Values: url.Values{"channel": {"1"}, "kind": {"1"}, "procedure": {r.URL.Query().Get("thu-tuc")}, "q": {formText(r.URL.Query(), "q")}}}
	f.Set("idem", "web-"+newToken())
	p, err := s.receptionPage(r, u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reception.html", p)
}

// receptionPage fills the page for the form values: the procedure list
// (filtered by f's "q"), the chosen procedure and its promised date.
func (s *Server) receptionPage(r *http.Request, u auth.User, f formValues) (*receptionPage, error) {
	procs, err := s.deps.Store.Procedures(r.Context(), u.AgencyID)
	if err != nil {
		return nil, err
	}
	p := &receptionPage{Title: "Tiếp nhận hồ sơ", User: &u, Form: f, Total: len(procs), Now: s.deps.Now()}
	chosen := f.Get("procedure")
	search := store.Fold(f.Get("q"))
	index := map[string]int{}
	for i := range procs {
		e := &procs[i]
		if e.ID == chosen {
			p.Proc = e
		}
		if search != "" && e.ID != chosen && !strings.Contains(store.Fold(e.Name+" "+e.Code+" "+e.Key), search) {
			continue
		}
		field := e.Field
		if field == "" {
			field = "Lĩnh vực khác"
		}
		g, ok := index[field]
		if !ok {
			g = len(p.Groups)
			index[field] = g
			p.Groups = append(p.Groups, procGroup{Field: field})
		}
		label := e.Name
		if e.Code != "" {
			label += " (" + e.Code + ")"
		}
		p.Groups[g].Procs = append(p.Groups[g].Procs, option{e.ID, label, e.ID == chosen})
		p.Shown++
	}
	slices.SortStableFunc(p.Groups, func(a, b procGroup) int { return strings.Compare(store.Fold(a.Field), store.Fold(b.Field)) })
	if p.Proc == nil {
		return p, nil
	}
	for _, name := range p.Proc.RequiredDocuments {
		p.Docs = append(p.Docs, docRow{Name: name, Received: f.On("doc", name), Original: f.On("original", name), Digitised: f.On("digitised", name)})
	}
	if p.Proc.Legal == nil {
		p.NoDeadline = true
	} else if p.Due, err = s.deps.Calendar.Due(p.Now, *p.Proc.Legal); err != nil {
		p.DueError = apperr.Message(err)
	}
	return p, nil
}

// receptionPost handles the reception form's buttons: filter the list or
// preview the promised date (re-render), receive, ask for completion, refuse.
func (s *Server) receptionPost(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Has(auth.Reception) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ."))
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formValues{Values: form}
	if f.Get("idem") == "" {
		f.Set("idem", "web-"+newToken())
	}
	p, err := s.receptionPage(r, u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := f.Get("action")
	if action == "loc" || action == "xem" || action == "" {
		if action == "xem" && p.Proc == nil {
			p.Form.fail("procedure", "Hãy chọn thủ tục hành chính để xem ngày hẹn trả.")
		}
		s.render(w, r, http.StatusOK, "reception.html", p)
		return
	}
	in, result, ok := s.receptionCommand(p, action)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "reception.html", p)
		return
	}
	in.AgencyID, in.Actor, in.IdempotencyKey = u.AgencyID, actorOf(u), f.Get("idem")
	body, _ := json.Marshal(in.Command)
	sum := sha256.Sum256(append([]byte(action+" "+in.ProcedureID+"\n"), body...))
	in.RequestHash = hex.EncodeToString(sum[:])
	rec, err := s.deps.Store.Execute(r.Context(), in, s.deps.Calendar, s.deps.Secret)
	if err != nil {
		status := statusOf(apperr.CodeOf(err))
		if status >= 500 {
			s.fail(w, r, err)
			return
		}
		// Nothing was stored under the key: a fresh one lets the corrected form go through.
		p.Form.Set("idem", "web-"+newToken())
		p.Error = apperr.Message(err)
		s.render(w, r, status, "reception.html", p)
		return
	}
	s.kick()
	if result == nil {
		http.Redirect(w, r, "/ho-so/"+url.PathEscape(rec.State.Code)+"?ok=tiep-nhan", http.StatusSeeOther)
		return
	}
	result.User, result.ID, result.At = &u, rec.ID, rec.State.LastAt
	s.render(w, r, http.StatusOK, "staff_result.html", result)
}

// receptionCommand checks the form and builds the command of the action;
// false when a field is wrong (the errors are in p.Form). A refusal or a
// completion request also returns the result page to show.
func (s *Server) receptionCommand(p *receptionPage, action string) (store.Exec, *receptionResult, bool) {
	f := &p.Form
	var in store.Exec
	if p.Proc == nil {
		f.fail("procedure", "Hãy chọn thủ tục hành chính.")
	} else {
		in.ProcedureID = p.Proc.ID
	}
	ap := dossier.Applicant{Name: formText(f.Values, "name"), IDNumber: formText(f.Values, "id_number"), Phone: formText(f.Values, "phone"),
		Email: formText(f.Values, "email"), Address: formText(f.Values, "address"), Organisation: formText(f.Values, "organisation")}
	switch f.Get("kind") {
	case "1":
		ap.Kind = 1
	case "2":
		ap.Kind = 2
		if ap.Organisation == "" {
			f.fail("organisation", "Cần nhập tên tổ chức, doanh nghiệp.")
		}
	default:
		f.fail("kind", "Chọn người nộp là công dân hay tổ chức, doanh nghiệp.")
	}
	if ap.Name == "" {
		f.fail("name", "Cần nhập họ tên người nộp hồ sơ.")
	}
	// Numbers are stored without the spaces and dots people type, so that a search finds them.
	ap.IDNumber, ap.Phone = compact(ap.IDNumber), compact(ap.Phone)
	if ap.IDNumber != "" && !digits(ap.IDNumber, 9, 13) {
		f.fail("id_number", "Số giấy tờ chỉ gồm chữ số: CCCD 12 số, CMND 9 số, mã số doanh nghiệp 10 hoặc 13 số.")
	}
	if ap.Phone != "" && !digits(ap.Phone, 9, 12) {
		f.fail("phone", "Số điện thoại không hợp lệ, ví dụ 0912 345 678.")
	}
	if ap.Email != "" {
		if a, err := mail.ParseAddress(ap.Email); err != nil || a.Address != ap.Email || !strings.Contains(ap.Email[strings.LastIndex(ap.Email, "@"):], ".") {
			f.fail("email", "Địa chỉ email không hợp lệ, ví dụ ten@example.vn.")
		}
	}
	var channel dossier.Channel
	switch f.Get("channel") {
	case "1":
		channel = dossier.InPerson
	case "3":
		channel = dossier.Post
	default:
		f.fail("channel", "Chọn kênh nộp: trực tiếp hoặc qua bưu chính công ích.")
	}
	var received, missing []dossier.Document
	for _, d := range p.Docs {
		if d.Received {
			received = append(received, dossier.Document{Name: d.Name, Copies: 1, Original: d.Original, Digitised: d.Digitised})
		} else {
			missing = append(missing, dossier.Document{Name: d.Name, Copies: 1})
		}
	}
	received = append(received, formDocs(f.Values, "extra_docs", formBool(f.Values, "extra_digitised"))...)
	missing = append(missing, formDocs(f.Values, "missing_extra", false)...)
	reason := formText(f.Values, "reason")
	var result *receptionResult
	switch action {
	case "tiep-nhan":
		in.Command = dossier.Receive{Channel: channel, Applicant: ap, Documents: received}
	case "huong-dan":
		if reason == "" {
			f.fail("reason", "Cần ghi nội dung hướng dẫn bổ sung, hoàn thiện hồ sơ.")
		}
		if len(missing) == 0 {
			f.fail("missing_extra", "Cần nêu giấy tờ còn thiếu: bỏ đánh dấu «Đã nhận» ở giấy tờ chưa có, hoặc ghi thêm ở đây.")
		}
		in.Command = dossier.RequestCompletion{Channel: channel, Applicant: ap, Missing: missing, Reason: reason}
		result = &receptionResult{Title: "Đã hướng dẫn bổ sung, hoàn thiện hồ sơ", Missing: missing}
	case "tu-choi":
		if reason == "" {
			f.fail("reason", "Cần nêu lý do từ chối tiếp nhận hồ sơ.")
		}
		in.Command = dossier.RefuseAtIntake{Channel: channel, Applicant: ap, Documents: received, Reason: reason}
		result = &receptionResult{Title: "Đã từ chối tiếp nhận hồ sơ", Refused: true}
	default:
		p.Error = "Thao tác không hợp lệ."
		return in, nil, false
	}
	if len(f.Errors) > 0 {
		p.Error = "Hồ sơ chưa được ghi nhận: vui lòng sửa các mục được đánh dấu bên dưới."
		return in, nil, false
	}
	if result != nil {
		result.Applicant, result.Procedure, result.Reason = ap.Name, p.Proc.Name, reason
	}
	return in, result, true
}

// compact removes the spaces, dots and dashes of a typed number.
func compact(s string) string {
	return strings.NewReplacer(" ", "", ".", "", "-", "").Replace(s)
}

// readForm parses a bounded url-encoded form body.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, apperr.New(apperr.TooLarge, "Nội dung biểu mẫu quá lớn.")
		}
		return nil, apperr.Wrap(apperr.Invalid, "Biểu mẫu gửi lên không hợp lệ.", err)
	}
	return r.PostForm, nil
}
