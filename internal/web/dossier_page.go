package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// dossierPage is the page of one dossier: state, clock, plan, history and
// the actions the user may take.
type dossierPage struct {
	Title        string
	User         *auth.User
	ID           string
	Key          string // the code, or the ID before acceptance: the page's address
	St           dossier.State
	Clock        dossier.ClockView
	Dir          *directory
	Notice       string
	Plan         []planStep
	History      []historyRow
	Show         map[string]bool // actions offered
	Failed       string          // the action whose form was refused
	Form         formValues      // what was typed in it
	Error        string          // why it was refused
	Now          time.Time
	Channel      string
	ShowSecret   bool
	Received     []string // documents received, described
	Missing      []string // documents asked for
	NextStep     *planStep
	NextOfficers []officerGroup
	AllOfficers  []officerGroup
	BackSteps    []option
	CanOverride  bool
	Late         bool // the legal due has passed (open dossier)
	Soon         bool // one working day or less left
	Tone         string
	StepLeft     int          // working minutes left on the current step; negative when it overran
	SupplementBy time.Time    // end of the window for a supplement request
	NoticeBy     time.Time    // last instant for an apology with a new date
	Forms        []formButton // the forms the history allows and the user may print
	Portal       *portalBlock
}

// actionOrder is the order the action forms appear in.
var actionOrder = []string{"tiep-nhan", "huong-dan-bo-sung", "tu-choi", "chuyen-buoc", "giai-quyet", "tra-ket-qua", "yeu-cau-bo-sung",
	"nhan-bo-sung", "yeu-cau-nop-phi", "xac-nhan-nop-phi", "hen-lai", "giao-lai", "dung-xu-ly", "rut-ho-so"}

// Open reports whether the action's form starts unfolded: the refused one,
// else the first one offered.
func (p *dossierPage) Open(action string) bool {
	if p.Failed != "" {
		return p.Failed == action
	}
	for _, a := range actionOrder {
		if p.Show[a] {
			return a == action
		}
	}
	return false
}

// AnyAction reports whether any action form is shown.
func (p *dossierPage) AnyAction() bool {
	for _, a := range actionOrder {
		if p.Offered(a) {
			return true
		}
	}
	return false
}

// PauseLabel names the reason of a pause.
func (p *dossierPage) PauseLabel(k dossier.PauseKind) string {
	switch k {
	case dossier.PauseSupplement:
		return "Chờ bổ sung hồ sơ"
	case dossier.PausePayment:
		return "Chờ thực hiện nghĩa vụ tài chính"
	}
	return string(k)
}

// planStep is a step of the procedure's plan with its visits.
type planStep struct {
	Index    int
	Role     string
	External bool
	Actor    string
	Budget   int
	Visits   []visitView
	Current  bool
	Done     bool
	Late     bool // a visit overran its budget
}

// visitView is one visit of a step, with names and the time left.
type visitView struct {
	dossier.StepView
	UnitName     string
	AssigneeName string
	Open         bool
	Left         int
	HasLeft      bool
	ClassLabel   string
}

// historyRow is one event of the history, in Vietnamese.
type historyRow struct {
	At      time.Time
	Actor   string
	Label   string
	Details []string
	Warn    []string
}

// V is what was typed in a field of the action's form, if that form was refused.
func (p *dossierPage) V(action, field string) string {
	if p.Failed != action {
		return ""
	}
	return p.Form.Get(field)
}

// On reports whether a checkbox or option was chosen in the refused form.
func (p *dossierPage) On(action, field, value string) bool {
	return p.Failed == action && p.Form.On(field, value)
}

// E is the error of a field of the refused form.
func (p *dossierPage) E(action, field string) string {
	if p.Failed != action {
		return ""
	}
	return p.Form.E(field)
}

// Offered reports whether the action's form is shown.
func (p *dossierPage) Offered(action string) bool { return p.Show[action] || p.Failed == action }

// notices are the success messages of the actions (?ok=).
var notices = map[string]string{
	"tiep-nhan":         "Đã tiếp nhận hồ sơ.",
	"tu-choi":           "Đã từ chối tiếp nhận hồ sơ.",
	"huong-dan-bo-sung": "Đã hướng dẫn bổ sung, hoàn thiện hồ sơ.",
	"chuyen-buoc":       "Đã chuyển bước xử lý.",
	"giao-lai":          "Đã giao lại hồ sơ.",
	"yeu-cau-bo-sung":   "Đã yêu cầu bổ sung hồ sơ. Thời hạn tạm dừng đến khi nhận hồ sơ bổ sung.",
	"nhan-bo-sung":      "Đã nhận hồ sơ bổ sung. Thời hạn giải quyết được tính lại từ đầu.",
	"yeu-cau-nop-phi":   "Đã yêu cầu thực hiện nghĩa vụ tài chính. Thời hạn tạm dừng đến khi xác nhận.",
	"xac-nhan-nop-phi":  "Đã xác nhận thực hiện nghĩa vụ tài chính.",
	"hen-lai":           "Đã ghi nhận văn bản xin lỗi và ngày hẹn trả mới.",
	"dung-xu-ly":        "Đã dừng xử lý hồ sơ.",
	"rut-ho-so":         "Đã ghi nhận rút hồ sơ.",
	"giai-quyet":        "Đã ghi nhận kết quả giải quyết.",
	"tra-ket-qua":       "Đã trả kết quả.",
}

// dossierPage shows a dossier the user may see; another unit's dossier is
// refused and the attempt logged.
func (s *Server) dossierPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	rec, ok := s.visibleDossier(w, r, u)
	if !ok {
		return
	}
	p, err := s.dossierView(r, u, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if msg := notices[r.URL.Query().Get("ok")]; msg != "" {
		p.Notice = msg
		if r.URL.Query().Get("ok") == "tiep-nhan" && !rec.State.Promised.IsZero() {
			p.Notice += " Mã hồ sơ " + rec.State.Code + ", hẹn trả kết quả lúc " + when(rec.State.Promised, "15:04 ngày 02/01/2006") + "."
		}
	}
	s.render(w, r, http.StatusOK, "dossier.html", p)
}

// visibleDossier loads the dossier of the request's {code}; it answers 403
// (and logs the user and the code, no personal data) when the user may not see it.
func (s *Server) visibleDossier(w http.ResponseWriter, r *http.Request, u auth.User) (store.Record, bool) {
	key := r.PathValue("code")
	rec, err := s.deps.Store.Dossier(r.Context(), u.AgencyID, key)
	if err != nil {
		s.fail(w, r, err)
		return rec, false
	}
	if !rec.State.VisibleTo(actorOf(u)) {
		s.deps.Log.Warn("dossier access refused", "user", u.ID, "dossier", key)
		s.fail(w, r, apperr.New(apperr.Forbidden, "Hồ sơ này đang do đơn vị khác xử lý; bạn không có quyền xem."))
		return rec, false
	}
	return rec, true
}

// dossierView builds the page of a dossier.
func (s *Server) dossierView(r *http.Request, u auth.User, rec store.Record) (*dossierPage, error) {
	dir, err := s.directory(r.Context(), u.AgencyID)
	if err != nil {
		return nil, err
	}
	st, now := rec.State, s.deps.Now()
	p := &dossierPage{User: &u, ID: rec.ID, Key: st.Code, St: st, Dir: dir, Now: now,
		Clock: dossier.Clock(st, s.deps.Calendar, now), ShowSecret: u.Has(auth.Reception) && st.Secret != ""}
	if p.Key == "" {
		p.Key = rec.ID
	}
	p.Title = "Hồ sơ " + st.Code
	if st.Code == "" {
		p.Title = "Hồ sơ chưa tiếp nhận"
	}
	p.Channel = channelLabel(st.Channel)
	for _, d := range st.Documents {
		p.Received = append(p.Received, docLabel(d))
	}
	for _, d := range st.Missing {
		p.Missing = append(p.Missing, docLabel(d))
	}
	if st.Open() && !st.Paused && !p.Clock.NoDeadline {
		p.Late, p.Soon = p.Clock.RemainingMinutes < 0, p.Clock.RemainingMinutes <= dueSoon
	}
	switch {
	case st.AcceptedAt.IsZero() && !st.Closed():
		p.Tone = "info"
	case st.Paused:
		p.Tone = "pause"
	case st.Closed() && p.Clock.Class == dossier.Late:
		p.Tone = "late"
	case st.Closed():
		p.Tone = "done"
	case p.Late:
		p.Tone = "late"
	case p.Soon:
		p.Tone = "soon"
	default:
		p.Tone = "ok"
	}
	if st.Open() {
		cal := s.deps.Calendar
		p.SupplementBy, _ = cal.Due(st.AcceptedAt, calendar.Duration{Value: 3, Unit: calendar.WorkingDays})
		if !st.LegalDue.IsZero() {
			p.NoticeBy = cal.EndOfWorkingDay(cal.AddWorkingMinutes(calendar.DateOf(st.LegalDue).Time(), -1))
		}
	}
	p.Plan, p.StepLeft = s.plan(st, p.Clock, dir, now)
	for _, e := range rec.Events {
		p.History = append(p.History, historyOf(e, st, dir))
	}
	slices.Reverse(p.History) // newest first
	p.Forms = s.printable(r, u, rec, p.Key)
	if p.Portal, err = s.portalBlock(r, u, rec.ID); err != nil {
		return nil, err
	}
	s.offer(p, u)
	return p, nil
}

// plan lays the procedure's steps out with the visits of the dossier, and
// returns the working minutes left on the current step (negative: overrun).
func (s *Server) plan(st dossier.State, c dossier.ClockView, dir *directory, now time.Time) ([]planStep, int) {
	stepLeft := 0
	steps := make([]planStep, len(st.Procedure.Steps))
	for i, x := range st.Procedure.Steps {
		steps[i] = planStep{Index: i, Role: x.Role.Label(), External: x.External, Actor: x.Actor, Budget: x.Budget}
		if x.External {
			steps[i].Role = "Ngoài cơ quan"
		}
	}
	for i, v := range c.Steps {
		if v.Step < 0 || v.Step >= len(steps) {
			continue
		}
		vv := visitView{StepView: v, UnitName: dir.UnitName(v.Unit), AssigneeName: dir.UserName(v.Assignee), ClassLabel: v.Class.Label()}
		vv.Open = i == len(c.Steps)-1 && st.Open()
		if vv.Open && !v.Due.IsZero() && !st.Paused {
			vv.Left, vv.HasLeft = s.signedMinutes(now, v.Due), true
			stepLeft = vv.Left
		}
		ps := &steps[v.Step]
		ps.Visits = append(ps.Visits, vv)
		ps.Done = ps.Done || !v.End.IsZero()
		ps.Late = ps.Late || v.Class == dossier.Late || vv.HasLeft && vv.Left < 0
	}
	if st.Open() && st.Step >= 0 && st.Step < len(steps) {
		steps[st.Step].Current = true
	}
	return steps, stepLeft
}

// offer decides which action forms to show: those the domain would not
// refuse for the state or the role (Decide is pure, so asking it is free).
// The server enforces the rules again when a form is posted.
func (s *Server) offer(p *dossierPage, u auth.User) {
	st, a := p.St, actorOf(u)
	env := dossier.Env{Now: p.Now, Calendar: s.deps.Calendar}
	allowed := func(cmd dossier.Command) bool {
		_, err := dossier.Decide(st, cmd, a, env)
		return err == nil || !apperr.Is(err, apperr.Conflict) && !apperr.Is(err, apperr.Forbidden)
	}
	p.Show = map[string]bool{}
	for slug, cmd := range map[string]dossier.Command{"tiep-nhan": dossier.Receive{}, "tu-choi": dossier.RefuseAtIntake{},
		"huong-dan-bo-sung": dossier.RequestCompletion{}, "giao-lai": dossier.Transfer{ToStep: st.Step},
		"yeu-cau-bo-sung": dossier.RequestSupplement{Override: st.SupplementRequests > 0},
		"nhan-bo-sung":    dossier.ReceiveSupplement{}, "yeu-cau-nop-phi": dossier.RequestPayment{}, "xac-nhan-nop-phi": dossier.ConfirmPayment{},
		"hen-lai": dossier.Reschedule{}, "dung-xu-ly": dossier.Stop{}, "rut-ho-so": dossier.Withdraw{}, "giai-quyet": dossier.Resolve{},
		"tra-ket-qua": dossier.Return{}} {
		p.Show[slug] = allowed(cmd)
	}
	p.Show["chuyen-buoc"] = st.Step+1 < len(st.Procedure.Steps) && allowed(dossier.Transfer{ToStep: st.Step + 1})
	p.CanOverride = st.SupplementRequests > 0 && u.Has(auth.Leadership)
	if p.Offered("chuyen-buoc") && st.Step+1 < len(st.Procedure.Steps) {
		next := st.Procedure.Steps[st.Step+1]
		p.NextStep = &planStep{Index: st.Step + 1, Role: next.Role.Label(), External: next.External, Actor: next.Actor, Budget: next.Budget}
		if next.External {
			p.NextStep.Role = "Ngoài cơ quan"
		} else {
			p.NextOfficers = p.Dir.officers(next.Role, u.UnitID)
		}
	}
	p.BackSteps = nil
	if p.Offered("giao-lai") {
		p.AllOfficers = p.Dir.officers("", st.StepUnit)
		for i := st.Step; i >= 0 && i < len(st.Procedure.Steps); i-- {
			x := st.Procedure.Steps[i]
			label := "Bước " + strconv.Itoa(i+1) + ": " + x.Role.Label()
			if x.External {
				label = "Bước " + strconv.Itoa(i+1) + ": ngoài cơ quan"
			}
			if i == st.Step {
				label = "Giao lại trong bước hiện tại (" + label + ")"
			} else {
				label = "Trả về " + strings.ToLower(label[:1]) + label[1:]
			}
			p.BackSteps = append(p.BackSteps, option{strconv.Itoa(i), label, p.V("giao-lai", "to_step") == strconv.Itoa(i)})
		}
	}
}

// channelLabel names a channel.
func channelLabel(c dossier.Channel) string {
	switch c {
	case dossier.InPerson:
		return "Trực tiếp"
	case dossier.Online:
		return "Trực tuyến"
	case dossier.Post:
		return "Bưu chính công ích"
	}
	return "—"
}

// docLabel describes a document: its name, copies, original or copy, digitised.
func docLabel(d dossier.Document) string {
	var flags []string
	if d.Copies > 1 {
		flags = append(flags, strconv.Itoa(d.Copies)+" bản")
	}
	if d.Original {
		flags = append(flags, "bản chính")
	}
	if d.Digitised {
		flags = append(flags, "đã số hoá")
	}
	if len(flags) == 0 {
		return d.Name
	}
	return d.Name + " (" + strings.Join(flags, ", ") + ")"
}

func docList(docs []dossier.Document) string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = docLabel(d)
	}
	return strings.Join(out, "; ")
}

// eventLabels name the event types in Vietnamese.
var eventLabels = map[dossier.EventType]string{
	dossier.EvSubmitted:           "Nộp hồ sơ trực tuyến",
	dossier.EvCompletionRequested: "Hướng dẫn bổ sung, hoàn thiện hồ sơ",
	dossier.EvRefusedAtIntake:     "Từ chối tiếp nhận",
	dossier.EvReceived:            "Tiếp nhận hồ sơ",
	dossier.EvTransferred:         "Chuyển bước xử lý",
	dossier.EvSupplementRequested: "Yêu cầu bổ sung hồ sơ",
	dossier.EvSupplementReceived:  "Nhận hồ sơ bổ sung",
	dossier.EvPaymentRequested:    "Yêu cầu thực hiện nghĩa vụ tài chính",
	dossier.EvPaymentConfirmed:    "Xác nhận đã thực hiện nghĩa vụ tài chính",
	dossier.EvRescheduled:         "Xin lỗi và hẹn lại ngày trả kết quả",
	dossier.EvStopped:             "Dừng xử lý",
	dossier.EvWithdrawn:           "Rút hồ sơ",
	dossier.EvResolved:            "Đã xử lý xong",
	dossier.EvReturned:            "Trả kết quả",
}

// historyOf describes one event.
func historyOf(e dossier.Event, st dossier.State, dir *directory) historyRow {
	h := historyRow{At: e.At, Actor: e.ActorName, Label: eventLabels[e.Type]}
	if h.Label == "" {
		h.Label = string(e.Type)
	}
	if h.Actor == "" {
		h.Actor = "Hệ thống"
	}
	add := func(s string) { h.Details = append(h.Details, s) }
	at := func(t time.Time) string { return when(t, "15:04 02/01/2006") }
	if in := e.Intake; in != nil {
		if in.Code != "" {
			add("Mã hồ sơ: " + in.Code)
		}
		add("Kênh nộp: " + channelLabel(in.Channel))
		if !in.AcceptedAt.IsZero() {
			if in.LegalDue.IsZero() {
				add("Thủ tục không quy định thời hạn giải quyết")
			} else {
				add("Hạn giải quyết: " + at(in.LegalDue))
			}
		}
		if len(in.Documents) > 0 {
			add("Giấy tờ đã nhận: " + docList(in.Documents))
		}
	}
	switch e.Type {
	case dossier.EvTransferred:
		to := "Bước " + strconv.Itoa(e.ToStep+1)
		if e.ToStep >= 0 && e.ToStep < len(st.Procedure.Steps) {
			if x := st.Procedure.Steps[e.ToStep]; !x.External {
				to += " (" + x.Role.Label() + ")"
			}
		}
		switch {
		case e.ToStep == e.Step:
			h.Label = "Giao lại trong bước"
		case e.ToStep < e.Step:
			h.Label = "Trả về bước trước"
		}
		to += ": " + dir.UnitName(e.ToUnit)
		if n := dir.UserName(e.ToUser); n != "" {
			to += " — " + n
		}
		add("Đến " + to)
		if !e.EffectiveAt.IsZero() && !e.EffectiveAt.Equal(e.At) {
			add("Bước mới bắt đầu lúc " + at(e.EffectiveAt) + " (hồ sơ giấy nhận sau 15 giờ chuyển vào đầu giờ ngày làm việc tiếp theo)")
		}
	case dossier.EvSupplementRequested:
		if e.Override {
			h.Warn = append(h.Warn, "Yêu cầu bổ sung lần thứ hai, do lãnh đạo cho phép: Bộ chỉ số 766 tính hồ sơ là quá hạn.")
		}
		if e.OutsideWindow {
			h.Warn = append(h.Warn, "Yêu cầu sau 3 ngày làm việc kể từ khi tiếp nhận.")
		}
	case dossier.EvSupplementReceived:
		if !e.LegalDue.IsZero() {
			add("Thời hạn tính lại từ đầu: hạn giải quyết mới " + at(e.LegalDue))
		}
	case dossier.EvPaymentRequested:
		add("Số tiền: " + vnd(e.Amount))
	case dossier.EvPaymentConfirmed:
		if e.PaidOnline {
			add("Đã thanh toán trực tuyến")
		}
		if !e.LegalDue.IsZero() {
			add("Hạn giải quyết dời đến " + at(e.LegalDue))
		}
	case dossier.EvRescheduled:
		add("Ngày hẹn trả mới: " + at(e.Promised))
		if e.LateNotice {
			h.Warn = append(h.Warn, "Văn bản xin lỗi gửi muộn hơn một ngày làm việc trước hạn.")
		}
	case dossier.EvResolved:
		if e.Approved {
			h.Label += " — giải quyết"
			if len(e.Results) > 0 {
				add("Kết quả: " + strings.Join(e.Results, "; "))
			}
			if e.EResult {
				add("Có kết quả điện tử")
			}
		} else {
			h.Label += " — từ chối giải quyết"
		}
	case dossier.EvReturned:
		add("Người nhận: " + e.ReturnedTo)
		add("Hình thức: " + e.ReturnMethod)
	}
	if e.Reason != "" {
		switch e.Type {
		case dossier.EvTransferred:
			add("Ghi chú: " + e.Reason)
		default:
			add("Lý do: " + e.Reason)
		}
	}
	if e.Intake == nil && len(e.Documents) > 0 {
		switch e.Type {
		case dossier.EvSupplementRequested, dossier.EvCompletionRequested:
			add("Giấy tờ cần bổ sung: " + docList(e.Documents))
		default:
			add("Giấy tờ: " + docList(e.Documents))
		}
	} else if e.Type == dossier.EvCompletionRequested && len(e.Documents) > 0 {
		add("Giấy tờ cần bổ sung: " + docList(e.Documents))
	}
	return h
}

// dossierLink is the address of a dossier's page with a query.
func dossierLink(key string, q url.Values) string {
	u := "/ho-so/" + url.PathEscape(key)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
