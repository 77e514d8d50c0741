package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/notice"
	"dunghan/internal/store"
)

// notifyStore is what the notification pages (bell, dead letters) need of the store.
type notifyStore interface {
	Notifications(ctx context.Context, agencyID, userID string, limit int) ([]store.Notification, error)
	UnreadCount(ctx context.Context, agencyID, userID string) (int, error)
	MarkRead(ctx context.Context, agencyID, userID, id string) error
	ApologyPrompts(ctx context.Context, agencyID, userID string) ([]store.ApologyPrompt, error)
	Outbox(ctx context.Context, agencyID, status string, limit int) ([]store.OutboxItem, error)
	OutboxCounts(ctx context.Context, agencyID string) (map[string]int, error)
	RetryOutbox(ctx context.Context, agencyID, id string, when func(urgent bool) time.Time) error
	Ladder(ctx context.Context, agencyID string) (dossier.Ladder, error)
	SetLadder(ctx context.Context, agencyID string, l dossier.Ladder, cal *calendar.Calendar) (int, error)
}

func init() {
	// The header's bell; notifyRoutes binds it to the server's store.
	funcs["unread"] = func(any) int { return 0 }
	funcs["noteKind"] = noteKindLabel
	funcs["outboxChannel"] = outboxChannelLabel
}

// notifyRoutes registers the notification pages.
func (s *Server) notifyRoutes() {
	s.pages.Funcs(template.FuncMap{"unread": s.unread})
	s.mux.HandleFunc("GET /thong-bao", s.staff(s.notifications))
	s.mux.HandleFunc("POST /thong-bao/da-doc", s.staff(s.markRead))
	s.mux.HandleFunc("GET /thong-bao/gui", s.staff(s.delivery))
	s.mux.HandleFunc("POST /thong-bao/gui/{id}/gui-lai", s.staff(s.retryDelivery))
	s.mux.HandleFunc("POST /thong-bao/moc-canh-bao", s.staff(s.saveLadder))
}

// unread is the user's unread count for the bell; 0 when it cannot be read
// (the page still renders).
func (s *Server) unread(v any) int {
	var u auth.User
	switch x := v.(type) {
	case *auth.User:
		if x == nil {
			return 0
		}
		u = *x
	case auth.User:
		u = x
	default:
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := s.deps.Store.UnreadCount(ctx, u.AgencyID, u.ID)
	if err != nil {
		s.deps.Log.Warn("unread count", "err", err)
		return 0
	}
	return n
}

// noteKindLabel names a notification's kind.
func noteKindLabel(kind string) string {
	switch dossier.RungKind(kind) {
	case dossier.RungStep:
		return "Thời hạn bước"
	case dossier.RungDue:
		return "Sắp đến hạn"
	case dossier.RungOverdue:
		return "Quá hạn"
	case dossier.RungApology:
		return "Cần xin lỗi, hẹn lại"
	}
	switch kind {
	case "digest":
		return "Thư tổng hợp"
	case "citizen":
		return "Báo người nộp"
	case "alert":
		return "Cảnh báo"
	}
	return kind
}

func outboxChannelLabel(c string) string {
	switch c {
	case store.ChannelEmail:
		return "Thư điện tử"
	case store.ChannelWebhook:
		return "Webhook"
	}
	return c
}

// canDeliver reports whether u may see the delivery page and retry dead letters.
func canDeliver(u auth.User) bool { return u.Has(auth.Admin) || u.Has(auth.Leadership) }

type notificationRow struct {
	store.Notification
	Link string
}

type promptRow struct {
	store.ApologyPrompt
	Link     string
	UnitName string
	Assignee string
	Late     bool // past the deadline for the apology
}

// notifications lists the user's notifications and, for division heads
// and the leadership, the dossiers waiting for an apology and a new date.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request, u auth.User) {
	ctx := r.Context()
	st := s.deps.Store
	notes, err := st.Notifications(ctx, u.AgencyID, u.ID, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []notificationRow
	unread := 0
	for _, n := range notes {
		rows = append(rows, notificationRow{n, dossierPath(n.DossierCode)})
		if n.ReadAt.IsZero() {
			unread++
		}
	}
	// The leadership sees every prompt; a division head those addressed to him.
	var prompts []promptRow
	agencyWide, head := u.Has(auth.Leadership) || u.Has(auth.Admin), u.Has(auth.DivisionHead)
	if agencyWide || head {
		who := u.ID
		if agencyWide {
			who = ""
		}
		ps, err := st.ApologyPrompts(ctx, u.AgencyID, who)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		units, names, err := s.staffNames(ctx, u.AgencyID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		now := s.deps.Now()
		for _, p := range ps {
			prompts = append(prompts, promptRow{p, dossierPath(p.DossierCode), units[p.StepUnit], names[p.Assignee], now.After(p.Deadline)})
		}
	}
	data := page("Thông báo", &u)
	data["Rows"], data["Unread"], data["Prompts"], data["ShowPrompts"] = rows, unread, prompts, agencyWide || head
	data["CanDeliver"] = canDeliver(u)
	s.render(w, r, http.StatusOK, "notifications.html", data)
}

// staffNames maps the agency's unit and user IDs to names.
func (s *Server) staffNames(ctx context.Context, agencyID string) (units, users map[string]string, err error) {
	us, err := s.deps.Store.Units(ctx, agencyID)
	if err != nil {
		return nil, nil, err
	}
	units = map[string]string{}
	for _, x := range us {
		units[x.ID] = x.Name
	}
	people, err := s.deps.Store.Users(ctx, agencyID)
	if err != nil {
		return nil, nil, err
	}
	users = map[string]string{}
	for _, x := range people {
		users[x.ID] = x.FullName
	}
	return units, users, nil
}

func dossierPath(code string) string {
	if code == "" {
		return ""
	}
	return "/ho-so/" + code
}

// markRead marks one notification (id) or all of the user's read.
func (s *Server) markRead(w http.ResponseWriter, r *http.Request, u auth.User) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := s.deps.Store.MarkRead(r.Context(), u.AgencyID, u.ID, r.PostFormValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	next := localPath(r.PostFormValue("tiep"))
	if next == "/" {
		next = "/thong-bao"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// deliveryNotices are the notices a redirect to the delivery page may ask for (?tb=KEY).
var deliveryNotices = map[string]string{
	"gui-lai": "Đã đưa thông báo trở lại hàng đợi gửi.",
	"moc":     "Đã lưu các mốc cảnh báo.",
}

type ladderForm struct {
	Steps, Days string
	Daily       bool
	Error       string
}

func ladderFormOf(l dossier.Ladder) ladderForm {
	join := func(ns []int) string {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = strconv.Itoa(n)
		}
		return strings.Join(parts, ", ")
	}
	return ladderForm{Steps: join(l.StepPercents), Days: join(l.DaysBefore), Daily: l.OverdueDaily}
}

// delivery shows the outbox: what waits, what failed for good (dead
// letters, with a retry button), and the agency's warning ladder.
func (s *Server) delivery(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !canDeliver(u) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ lãnh đạo Sở và quản trị hệ thống xem được tình hình gửi thông báo."))
		return
	}
	ladder, err := s.deps.Store.Ladder(r.Context(), u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderDelivery(w, r, u, http.StatusOK, ladderFormOf(ladder))
}

func (s *Server) renderDelivery(w http.ResponseWriter, r *http.Request, u auth.User, status int, form ladderForm) {
	ctx := r.Context()
	st := s.deps.Store
	counts, err := st.OutboxCounts(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dead, err := st.Outbox(ctx, u.AgencyID, store.OutboxDead, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	waiting, err := st.Outbox(ctx, u.AgencyID, store.OutboxPending, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sending, err := st.Outbox(ctx, u.AgencyID, store.OutboxSending, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := page("Gửi thông báo", &u)
	data["Counts"], data["Dead"], data["Waiting"] = counts, dead, append(sending, waiting...)
	data["Ladder"], data["CanEdit"] = form, u.Has(auth.Admin)
	data["Notice"] = deliveryNotices[r.URL.Query().Get("tb")]
	s.render(w, r, status, "notifications_delivery.html", data)
}

// retryDelivery puts a dead letter back in the queue. It goes out at the
// next round, or at the next opening when it is not urgent and the office
// is closed.
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !canDeliver(u) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ lãnh đạo Sở và quản trị hệ thống gửi lại được thông báo."))
		return
	}
	now := s.deps.Now()
	err := s.deps.Store.RetryOutbox(r.Context(), u.AgencyID, r.PathValue("id"), func(urgent bool) time.Time {
		return notice.SendAt(s.deps.Calendar, now, urgent)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("outbox: dead letter retried", "user", u.ID, "id", r.PathValue("id"))
	http.Redirect(w, r, "/thong-bao/gui?tb=gui-lai", http.StatusSeeOther)
}

// saveLadder stores the agency's warning ladder (administrators only).
func (s *Server) saveLadder(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Has(auth.Admin) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "Chỉ quản trị hệ thống thay đổi được các mốc cảnh báo."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	form := ladderForm{Steps: pubText(r, "step_percents"), Days: pubText(r, "days_before"), Daily: r.PostFormValue("overdue_daily") != ""}
	steps, err1 := numberList(form.Steps, "phần trăm thời hạn bước")
	days, err2 := numberList(form.Days, "số ngày làm việc trước hạn")
	err := err1
	if err == nil {
		err = err2
	}
	if err == nil {
		_, err = s.deps.Store.SetLadder(r.Context(), u.AgencyID, dossier.Ladder{StepPercents: steps, DaysBefore: days, OverdueDaily: form.Daily}, s.deps.Calendar)
	}
	switch {
	case err == nil:
		s.deps.Log.Info("watch: ladder changed", "user", u.ID)
		http.Redirect(w, r, "/thong-bao/gui?tb=moc#moc", http.StatusSeeOther)
	case apperr.Is(err, apperr.Invalid):
		form.Error = apperr.Message(err)
		s.renderDelivery(w, r, u, http.StatusBadRequest, form)
	default:
		s.fail(w, r, err)
	}
}

// numberList reads "50, 80, 100" (commas or spaces).
func numberList(v, what string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Mốc theo %s phải là các số nguyên cách nhau bằng dấu phẩy (không đọc được «%s»).", what, f))
		}
		out = append(out, n)
	}
	return out, nil
}
