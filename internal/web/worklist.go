package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// worklistSize is the number of dossiers on one page of the worklist.
const worklistSize = 50

// Worklist scopes (?pham-vi=).
const (
	scopeMine   = "cua-toi"
	scopeUnit   = "don-vi"
	scopeAgency = "co-quan"
)

// Status filters (?trang-thai=) besides the status codes themselves.
const (
	statusTodo     = ""            // open, awaiting acceptance, or resolved and awaiting return
	statusOverdue  = "qua-han"     // open and past the legal due
	statusFinished = "da-ket-thuc" // every finished dossier
	statusAll      = "tat-ca"
)

var (
	todoStatuses = []dossier.Status{dossier.Submitted, dossier.CompletionRequested, dossier.Accepted, dossier.Processing,
		dossier.SupplementRequested, dossier.PaymentRequested, dossier.Resolved}
	finishedStatuses = []dossier.Status{dossier.Resolved, dossier.Returned, dossier.NotAccepted, dossier.Withdrawn, dossier.Stopped}
	// everyStatus is the order of the status filter's options.
	everyStatus = []dossier.Status{dossier.Accepted, dossier.Processing, dossier.SupplementRequested, dossier.PaymentRequested,
		dossier.Submitted, dossier.CompletionRequested, dossier.Resolved, dossier.Returned, dossier.NotAccepted, dossier.Withdrawn, dossier.Stopped}
)

type option struct {
	Value, Label string
	Selected     bool
}

// worklistRow is one dossier of the worklist, with names and times left.
type worklistRow struct {
	store.WorkRow
	Procedure    string
	StepLabel    string
	UnitName     string
	AssigneeName string
	StepLeft     int // working minutes to the step's due; negative when overdue
	StepBudget   int // working minutes the plan gives the current step
	DossierLeft  int // working minutes to the legal due; negative when overdue
	HasStepLeft  bool
	HasLeft      bool
	NoDeadline   bool
	Badge, Tone  string // label and colour class
}

type worklistPage struct {
	Title    string
	User     *auth.User
	Rows     []worklistRow
	Q        string
	Status   string
	Scope    string
	Scopes   []option
	Statuses []option
	Next     string // URL of the next page
	First    string // URL of the first page, when not on it
	Empty    string
	Now      time.Time
}

// worklist is the home page: the user's and their unit's dossiers by urgency.
func (s *Server) worklist(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	p := &worklistPage{Title: "Hồ sơ cần xử lý", User: &u, Q: formText(q, "q"), Status: q.Get("trang-thai"), Scope: q.Get("pham-vi"), Now: s.deps.Now()}
	a := actorOf(u)
	wide := dossier.AgencyWide(a)
	if p.Scope == "" {
		p.Scope = scopeUnit
		if u.UnitID == "" {
			p.Scope = scopeMine
		}
	}
	f := store.WorkFilter{Search: p.Q, Now: p.Now}
	switch p.Scope {
	case scopeMine:
		f.Assignee = u.ID
	case scopeUnit:
		f.Unit = u.UnitID
		if u.Has(auth.Reception) || u.Has(auth.Clerk) { // they return the results, wherever the dossier was resolved
			f.AlsoStatuses = []dossier.Status{dossier.Resolved}
		}
		if u.UnitID == "" {
			s.fail(w, r, apperr.New(apperr.Invalid, "Tài khoản của bạn chưa được gán đơn vị."))
			return
		}
	case scopeAgency:
		if !wide {
			s.fail(w, r, apperr.New(apperr.Forbidden, "Bạn chỉ xem được hồ sơ của đơn vị mình."))
			return
		}
	default:
		s.fail(w, r, apperr.New(apperr.Invalid, "Phạm vi danh sách không hợp lệ."))
		return
	}
	switch p.Status {
	case statusTodo:
		f.Statuses = todoStatuses
	case statusOverdue:
		f.Overdue = true
	case statusFinished:
		f.Statuses = finishedStatuses
	case statusAll:
	default:
		if dossier.Status(p.Status).PortalCode() == 0 {
			s.fail(w, r, apperr.New(apperr.Invalid, "Trạng thái lọc không hợp lệ."))
			return
		}
		f.Statuses = []dossier.Status{dossier.Status(p.Status)}
	}
	rows, next, err := s.deps.Store.Worklist(r.Context(), u.AgencyID, f, q.Get("sau"), worklistSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Rows, err = s.worklistRows(r.Context(), u.AgencyID, rows, p.Now); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Scopes = []option{{scopeMine, "Của tôi", p.Scope == scopeMine}, {scopeUnit, "Đơn vị của tôi", p.Scope == scopeUnit}}
	if wide {
		p.Scopes = append(p.Scopes, option{scopeAgency, "Toàn cơ quan", p.Scope == scopeAgency})
	}
	p.Statuses = []option{{statusTodo, "Cần xử lý (chưa kết thúc)", p.Status == statusTodo}, {statusOverdue, "Quá hạn", p.Status == statusOverdue}}
	for _, st := range everyStatus {
		p.Statuses = append(p.Statuses, option{string(st), st.Label(), p.Status == string(st)})
	}
	p.Statuses = append(p.Statuses, option{statusFinished, "Đã kết thúc (mọi trạng thái)", p.Status == statusFinished}, option{statusAll, "Tất cả", p.Status == statusAll})
	link := func(cursor string) string {
		v := url.Values{}
		for k, x := range map[string]string{"q": p.Q, "trang-thai": p.Status, "pham-vi": p.Scope, "sau": cursor} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if len(v) == 0 {
			return "/"
		}
		return "/?" + v.Encode()
	}
	if next != "" {
		p.Next = link(next)
	}
	if q.Get("sau") != "" {
		p.First = link("")
	}
	if len(p.Rows) == 0 {
		p.Empty = emptyWorklist(p, u)
	}
	s.render(w, r, http.StatusOK, "worklist.html", p)
}

// emptyWorklist is the helpful sentence of an empty list.
func emptyWorklist(p *worklistPage, u auth.User) string {
	switch {
	case p.First != "":
		return "Không còn hồ sơ nào ở các trang sau."
	case p.Q != "":
		return "Không tìm thấy hồ sơ nào khớp với «" + p.Q + "». Có thể tìm theo mã hồ sơ, tên người nộp (gõ không dấu cũng được), số CCCD hoặc số điện thoại; thử mở rộng phạm vi hoặc chọn trạng thái «Tất cả»."
	case p.Status != statusTodo:
		return "Không có hồ sơ nào ở trạng thái này trong phạm vi đã chọn."
	case p.Scope == scopeMine:
		return "Bạn chưa được giao hồ sơ nào cần xử lý. Chọn phạm vi «Đơn vị của tôi» để xem hồ sơ đang ở đơn vị."
	case u.Has(auth.Reception):
		return "Đơn vị hiện không có hồ sơ nào cần xử lý. Hồ sơ mới được tiếp nhận tại trang «Tiếp nhận»."
	}
	return "Đơn vị hiện không có hồ sơ nào cần xử lý. Hồ sơ được chuyển đến sẽ hiện ở đây, hồ sơ gấp nhất ở trên cùng."
}

// worklistRows adds names, times left and the colour badge to the rows.
func (s *Server) worklistRows(ctx context.Context, agencyID string, rows []store.WorkRow, now time.Time) ([]worklistRow, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	dir, err := s.directory(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	latest, err := s.deps.Store.Procedures(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	for _, p := range latest {
		dir.procs[p.ID+"#"+strconv.Itoa(p.VersionNo)] = p
	}
	out := make([]worklistRow, 0, len(rows))
	for _, row := range rows {
		x := worklistRow{WorkRow: row, UnitName: dir.UnitName(row.StepUnit), AssigneeName: dir.UserName(row.Assignee)}
		if p, err := dir.procedure(ctx, row.ProcedureID, row.ProcedureVersion); err == nil {
			x.Procedure = p.Name
			switch {
			case row.Step < 0:
				x.StepLabel = "Chờ tiếp nhận"
			case row.Step < len(p.Steps) && p.Steps[row.Step].External:
				x.StepLabel = "Ngoài cơ quan: " + p.Steps[row.Step].Actor
			case row.Step < len(p.Steps):
				x.StepLabel = "Bước " + strconv.Itoa(row.Step+1) + ": " + p.Steps[row.Step].Role.Label()
			}
			if row.Step >= 0 && row.Step < len(p.Steps) {
				x.StepBudget = p.Steps[row.Step].Budget
			}
		} else if !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		open := !row.AcceptedAt.IsZero() && row.FinishedAt.IsZero()
		if open && !row.Paused && !row.LegalDue.IsZero() {
			x.DossierLeft, x.HasLeft = s.signedMinutes(now, row.LegalDue), true
		}
		x.NoDeadline = open && row.LegalDue.IsZero()
		if open && !row.StepDue.IsZero() {
			x.StepLeft, x.HasStepLeft = s.signedMinutes(now, row.StepDue), true
		}
		x.Badge, x.Tone = badge(x)
		out = append(out, x)
	}
	return out, nil
}

// stepSoon is the time left under which a step is due soon: one working
// day, or half the step's budget when that is shorter, so that a step of a
// few hours is not "due soon" from the moment it starts.
func stepSoon(budget int) int {
	if budget <= 0 {
		return dueSoon
	}
	return min(dueSoon, budget/2)
}

// badge is the colour badge of a row: on track, due soon, overdue, paused.
func badge(x worklistRow) (label, tone string) {
	switch {
	case x.Status == dossier.Submitted || x.Status == dossier.CompletionRequested:
		return "Chờ tiếp nhận", "info"
	case x.Status == dossier.SupplementRequested:
		return "Tạm dừng: chờ bổ sung", "pause"
	case x.Status == dossier.PaymentRequested:
		return "Tạm dừng: chờ nghĩa vụ tài chính", "pause"
	case x.Status == dossier.Resolved:
		return "Chờ trả kết quả", "info"
	case !x.FinishedAt.IsZero() || x.AcceptedAt.IsZero():
		if c := dossier.Classification(x.Class); c.Label() != "" {
			if c == dossier.Late {
				return "Đã xong – " + c.Label(), "late"
			}
			return "Đã xong – " + c.Label(), "done"
		}
		return x.Status.Label(), "done"
	case x.HasLeft && x.DossierLeft < 0:
		return "Quá hạn", "late"
	case x.HasStepLeft && x.StepLeft < 0:
		return "Quá hạn bước", "late"
	case x.HasLeft && x.DossierLeft <= dueSoon || x.HasStepLeft && x.StepLeft <= stepSoon(x.StepBudget):
		return "Sắp đến hạn", "soon"
	}
	return "Đúng tiến độ", "ok"
}
