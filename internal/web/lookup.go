package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// The public lookup (GET and POST /tra-cuu, no log-in, rate-limited per
// address) shows a citizen where their dossier is, given the dossier code
// and the lookup secret printed on the receipt. GET /tra-cuu?ma=CODE&k=SECRET
// (the receipt's QR code) shows the result directly.
//
// Privacy:
//   - A wrong code, a wrong secret and an unknown code get the very same
//     page and status; failures are logged without the values typed.
//   - The applicant's ID number, phone, e-mail and address are never shown.
//     The name is masked by maskName.
//   - Result pages are not cached and send no Referer (the URL may hold the secret).
//
// Once the result is returned, the citizen may rate their satisfaction
// once (POST /tra-cuu/danh-gia), with the code and secret verified again.

// maxLookupInput bounds the code and the secret; longer input cannot match.
const maxLookupInput = 64

// lookupNotFound is the one message for every failed lookup.
const lookupNotFound = "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."

// lookupKey normalises a typed code or secret: NFC, no spaces, upper case
// (codes and secrets are printed in capitals; citizens type them as they can).
func lookupKey(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(norm.NFC.String(s)), ""))
}

// maskName hides most of the applicant's name: the first word (the family
// name, or an organisation's first word) is shown whole and every other word
// by its first letter and "***" whatever its length, so "Nguyễn Thị Lan"
// shows as "Nguyễn T*** L***". The applicant recognises their dossier; a
// passer-by learns neither the given name nor its length.
func maskName(name string) string {
	words := strings.Fields(norm.NFC.String(name))
	for i, w := range words {
		if i == 0 && len(words) > 1 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		words[i] = string(r) + "***"
	}
	return strings.Join(words, " ")
}

// ratingLabels name the satisfaction ratings, best first (the form's order).
var ratingLabels = []struct {
	Value int
	Label string
}{{store.Satisfied, "Hài lòng"}, {store.Neutral, "Bình thường"}, {store.Dissatisfied, "Không hài lòng"}}

func ratingLabel(v int) string {
	for _, l := range ratingLabels {
		if l.Value == v {
			return l.Label
		}
	}
	return ""
}

// lookupResult is a found dossier as the citizen sees it.
type lookupResult struct {
	Code, Secret   string // echoed only into the rating form of a found dossier
	Procedure      string
	Agency         string
	HandlingUnit   string
	Applicant      string // masked
	Status         dossier.Status
	StatusLabel    string
	Tone           string // ok, wait, done, stop
	Sentence       string
	Missing        []string
	Reason         string
	Amount         string
	Waiting        string
	Received       time.Time
	Promised       time.Time
	PromisedBefore time.Time // the promised date the apology replaced
	Rescheduled    bool
	PromisedNote   string
	Finished       time.Time
	FinishedLabel  string
	Rating         string // the rating already given
	CanRate        bool
	Ratings        any
	RateForm       *fieldForm
	RateMessage    string // a polite refusal
	Thanks         bool
}

// lookupData is the data of lookup.html.
func lookupData(f *fieldForm, res *lookupResult, notFound bool) map[string]any {
	data := page("Tra cứu hồ sơ", nil)
	data["Form"], data["Result"], data["NotFound"], data["NotFoundMessage"] = f, res, notFound, lookupNotFound
	return data
}

// lookup answers GET and POST /tra-cuu.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	var code, secret string
	if r.Method == http.MethodPost {
		readSmallForm(w, r)
		code, secret = lookupKey(r.PostFormValue("ma")), lookupKey(r.PostFormValue("k"))
	} else {
		q := r.URL.Query()
		if !q.Has("ma") && !q.Has("k") {
			s.render(w, r, http.StatusOK, "lookup.html", lookupData(newFieldForm(), nil, false))
			return
		}
		code, secret = lookupKey(q.Get("ma")), lookupKey(q.Get("k"))
	}
	f := newFieldForm()
	if code == "" {
		f.fail("ma", "Nhập mã hồ sơ ghi trên giấy tiếp nhận.")
	}
	if secret == "" {
		f.fail("k", "Nhập mã tra cứu ghi trên giấy tiếp nhận.")
	}
	if !f.OK() {
		if len(code) <= maxLookupInput {
			f.Values["ma"] = code
		}
		s.render(w, r, http.StatusBadRequest, "lookup.html", lookupData(f, nil, false))
		return
	}
	rec, ok := s.publicRecord(w, r, code, secret)
	if !ok {
		return
	}
	s.showResult(w, r, http.StatusOK, s.lookupResult(r, rec, code, secret))
}

// publicRecord finds the dossier, or writes the one not-found page (or an
// error page) and returns false.
func (s *Server) publicRecord(w http.ResponseWriter, r *http.Request, code, secret string) (store.PublicRecord, bool) {
	var rec store.PublicRecord
	var err error = apperr.New(apperr.NotFound, lookupNotFound)
	if len(code) <= maxLookupInput && len(secret) <= maxLookupInput {
		rec, err = s.deps.Store.PublicLookup(r.Context(), code, secret)
	}
	switch {
	case err == nil:
		return rec, true
	case apperr.Is(err, apperr.NotFound):
		// Never log the code or the secret: together they open the dossier.
		s.deps.Log.Info("public lookup: no match", "route", r.Pattern)
		s.render(w, r, http.StatusNotFound, "lookup.html", lookupData(newFieldForm(), nil, true))
	default:
		s.fail(w, r, err)
	}
	return rec, false
}

// showResult renders a found dossier; the page is neither cached nor referred.
func (s *Server) showResult(w http.ResponseWriter, r *http.Request, status int, res *lookupResult) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "lookup.html", lookupData(newFieldForm(), res, false))
}

// lookupResult describes the dossier in plain words.
func (s *Server) lookupResult(r *http.Request, rec store.PublicRecord, code, secret string) *lookupResult {
	st := rec.State
	res := &lookupResult{Code: code, Secret: secret, Procedure: st.Procedure.Name, Agency: rec.AgencyName, Applicant: maskName(st.Applicant.Name),
		Status: st.Status, StatusLabel: st.Status.Label(), Received: st.AcceptedAt, Promised: st.Promised, Rescheduled: st.Rescheduled,
		Rating: ratingLabel(rec.Rating), Ratings: ratingLabels, RateForm: newFieldForm()}
	var pause dossier.Pause
	if n := len(st.Pauses); n > 0 {
		pause = st.Pauses[n-1]
	}
	res.Tone = "wait"
	switch st.Status {
	case dossier.Accepted:
		res.Sentence = "Hồ sơ đã được tiếp nhận và đang được chuyển đến bộ phận giải quyết."
		res.Waiting = "Cơ quan giải quyết hồ sơ; ông/bà chưa cần làm gì thêm."
	case dossier.Processing:
		res.Sentence = "Hồ sơ đang được xử lý."
		res.Waiting = "Cơ quan giải quyết hồ sơ; ông/bà chưa cần làm gì thêm."
	case dossier.SupplementRequested:
		res.Tone = "act"
		res.Sentence = "Cơ quan đang chờ ông/bà bổ sung giấy tờ:"
		for _, d := range st.Missing {
			res.Missing = append(res.Missing, documentLabel(d))
		}
		if len(res.Missing) == 0 {
			res.Sentence = "Cơ quan đang chờ ông/bà bổ sung giấy tờ theo thông báo đã gửi."
		}
		res.Reason = pause.Reason
		res.Waiting = "Ông/bà nộp bổ sung giấy tờ còn thiếu tại Bộ phận Một cửa hoặc trên Cổng dịch vụ công."
		res.Promised = time.Time{} // the clock restarts from zero: the old date no longer holds
		res.PromisedNote = "Thời hạn giải quyết được tính lại từ đầu khi cơ quan nhận đủ giấy tờ bổ sung; ngày hẹn trả mới sẽ được thông báo."
	case dossier.PaymentRequested:
		res.Tone = "act"
		res.Sentence = "Chờ thực hiện nghĩa vụ tài chính."
		if pause.Amount > 0 {
			res.Amount = vnd(pause.Amount)
		}
		res.Reason = pause.Reason
		res.Waiting = "Ông/bà thực hiện nghĩa vụ tài chính (nộp phí, lệ phí, thuế…)."
		res.PromisedNote = "Ngày hẹn trả sẽ lùi thêm đúng bằng thời gian chờ ông/bà thực hiện nghĩa vụ tài chính."
	case dossier.Resolved:
		res.Tone = "ok"
		res.Sentence = "Đã có kết quả, mời ông/bà đến nhận."
		if !st.Approved {
			res.Sentence = "Đã có kết quả giải quyết: cơ quan từ chối giải quyết hồ sơ. Mời ông/bà đến nhận văn bản trả lời."
			res.Reason = st.EndReason
		}
		res.Waiting = "Ông/bà đến nhận kết quả tại Bộ phận Một cửa."
		res.Finished, res.FinishedLabel = st.FinishedAt, "Ngày có kết quả"
	case dossier.Returned:
		res.Tone = "done"
		res.Sentence = "Đã trả kết quả cho ông/bà."
		res.Waiting = "Không — hồ sơ đã hoàn thành."
		res.Finished, res.FinishedLabel = st.ReturnedAt, "Ngày trả kết quả"
		res.CanRate = rec.Rating == 0
	case dossier.Stopped:
		res.Tone = "stop"
		res.Sentence = "Cơ quan đã dừng giải quyết hồ sơ."
		res.Reason = st.EndReason
		res.Waiting = "Không — hồ sơ đã kết thúc."
		res.Finished, res.FinishedLabel = st.FinishedAt, "Ngày dừng giải quyết"
	case dossier.Withdrawn:
		res.Tone = "stop"
		res.Sentence = "Hồ sơ đã được rút theo đề nghị của ông/bà."
		res.Waiting = "Không — hồ sơ đã kết thúc."
		res.Finished, res.FinishedLabel = st.FinishedAt, "Ngày rút hồ sơ"
	default:
		res.Tone = "stop"
		res.Sentence = "Hồ sơ không ở trạng thái đang giải quyết."
		res.Reason = st.EndReason
		res.Waiting = "Không."
	}
	if st.Open() && !st.Paused && st.StepUnit != "" {
		if units, err := s.deps.Store.Units(r.Context(), rec.AgencyID); err == nil {
			for _, u := range units {
				if u.ID == st.StepUnit {
					res.HandlingUnit = u.Name
				}
			}
		}
	}
	if res.Promised.IsZero() && st.Open() && res.PromisedNote == "" {
		res.PromisedNote = "Thủ tục này chưa có thời hạn giải quyết được công bố; cơ quan sẽ thông báo ngày trả kết quả."
	}
	if st.Rescheduled {
		res.PromisedBefore = promisedBeforeApology(rec.Events)
	}
	return res
}

// promisedBeforeApology is the promised date that the apology letter
// (rescheduled event) replaced.
func promisedBeforeApology(events []dossier.Event) time.Time {
	var promised time.Time
	for _, e := range events {
		switch e.Type {
		case dossier.EvReceived:
			if e.Intake != nil {
				promised = e.Intake.Promised
			}
		case dossier.EvSupplementReceived, dossier.EvPaymentConfirmed:
			promised = e.Promised
		case dossier.EvRescheduled:
			return promised
		}
	}
	return time.Time{}
}

// documentLabel names a missing document with its copies, e.g.
// "Bản sao học bạ (1 bản sao)".
func documentLabel(d dossier.Document) string {
	if d.Copies <= 0 {
		return d.Name
	}
	kind := "bản sao"
	if d.Original {
		kind = "bản chính"
	}
	return fmt.Sprintf("%s (%d %s)", d.Name, d.Copies, kind)
}

// rate records the citizen's satisfaction (POST /tra-cuu/danh-gia).
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	readSmallForm(w, r)
	code, secret := lookupKey(r.PostFormValue("ma")), lookupKey(r.PostFormValue("k"))
	rec, ok := s.publicRecord(w, r, code, secret)
	if !ok {
		return
	}
	res := s.lookupResult(r, rec, code, secret)
	f := res.RateForm
	rating, _ := strconv.Atoi(r.PostFormValue("muc"))
	comment := pubText(r, "gop-y")
	f.Values["muc"], f.Values["gop-y"] = strconv.Itoa(rating), comment
	if ratingLabel(rating) == "" {
		f.fail("muc", "Vui lòng chọn một mức đánh giá.")
	}
	if n := utf8.RuneCountInString(comment); n > store.MaxRatingComment {
		f.fail("gop-y", fmt.Sprintf("Ý kiến góp ý tối đa %d ký tự (hiện có %d ký tự).", store.MaxRatingComment, n))
	}
	if !res.CanRate {
		// Not returned yet, or rated already: say so politely, change nothing.
		res.RateMessage = "Ông/bà có thể đánh giá sau khi đã nhận kết quả giải quyết hồ sơ."
		if rec.Rating != 0 {
			res.RateMessage = "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần. Cảm ơn ông/bà đã góp ý."
		}
		s.showResult(w, r, http.StatusConflict, res)
		return
	}
	if !f.OK() {
		s.showResult(w, r, http.StatusBadRequest, res)
		return
	}
	switch err := s.deps.Store.PublicRate(r.Context(), code, secret, rating, comment); {
	case err == nil:
		s.deps.Log.Info("public rating recorded", "rating", rating)
		res.CanRate, res.Thanks, res.Rating = false, true, ratingLabel(rating)
		s.showResult(w, r, http.StatusOK, res)
	case apperr.Is(err, apperr.Conflict): // rated a moment ago, in another tab
		res.CanRate, res.RateMessage = false, apperr.Message(err)
		s.showResult(w, r, http.StatusConflict, res)
	case apperr.Is(err, apperr.Invalid):
		f.fail("form", apperr.Message(err))
		s.showResult(w, r, http.StatusBadRequest, res)
	default:
		s.fail(w, r, err)
	}
}
