// Package forms prints the official forms of the one-stop regime (biểu
// mẫu) as PDF: the receipt and appointment slip, the supplement request,
// the refusal, the apology, the stop notice, the process control slip and
// the dossier register. Slips are A5, the register A4 landscape, set in
// Liberation Serif (the metrics of Times New Roman).
//
// The form set follows the date the dossier was received: the numbering
// of Circular 01/2018/TT-VPCP before 15/09/2025, that of Circular
// 03/2025/TT-VPCP (Mẫu 01–07) from then on. Every fixed string lives in
// texts.json, which an agency may override (LoadTexts).
//
// It is pure: no SQL, no HTTP, no clock of its own.
package forms

import (
	"net/url"
	"strings"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// Form names a form by a short ASCII slug, as used in URLs and on the command line.
type Form string

// The forms.
const (
	Receipt    Form = "tiep-nhan"   // giấy tiếp nhận hồ sơ và hẹn trả kết quả
	Supplement Form = "bo-sung"     // phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	Refusal    Form = "tu-choi"     // phiếu từ chối tiếp nhận giải quyết hồ sơ
	Apology    Form = "xin-loi"     // phiếu xin lỗi và hẹn lại / văn bản xin lỗi và đề nghị gia hạn
	Stop       Form = "dung"        // thông báo dừng giải quyết hồ sơ (TT 03/2025)
	Control    Form = "kiem-soat"   // phiếu kiểm soát quá trình giải quyết hồ sơ
	Register   Form = "so-theo-doi" // sổ theo dõi hồ sơ
)

// dossierForms are the forms of one dossier, in the order of the annexes.
var dossierForms = []Form{Receipt, Supplement, Refusal, Apology, Stop, Control}

// ParseForm reads a form's slug; a trailing ".pdf" is allowed.
func ParseForm(s string) (Form, error) {
	f := Form(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".pdf"))
	if f == Register {
		return f, nil
	}
	for _, x := range dossierForms {
		if f == x {
			return f, nil
		}
	}
	return "", apperr.Newf(apperr.NotFound, "Không có biểu mẫu «%s». Các biểu mẫu: %s.", clip(s, 40), strings.Join(slugs(), ", "))
}

func slugs() []string {
	out := make([]string, 0, len(dossierForms)+1)
	for _, f := range dossierForms {
		out = append(out, string(f))
	}
	return append(out, string(Register))
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Regime is the circular whose forms apply to a dossier.
type Regime string

// The regimes.
const (
	TT01 Regime = "tt01_2018" // Thông tư 01/2018/TT-VPCP, Mẫu 01–06
	TT03 Regime = "tt03_2025" // Thông tư 03/2025/TT-VPCP, Mẫu 01–07, from 15/09/2025
)

// TT03From is when Circular 03/2025/TT-VPCP took effect.
var TT03From = time.Date(2025, time.September, 15, 0, 0, 0, 0, calendar.Zone)

// RegimeAt is the regime of a dossier received at t.
func RegimeAt(t time.Time) Regime {
	if t.Before(TT03From) {
		return TT01
	}
	return TT03
}

// RegimeOf is the regime of a dossier: by its acceptance, or its
// submission when it was never accepted.
func RegimeOf(st dossier.State) Regime {
	if !st.AcceptedAt.IsZero() {
		return RegimeAt(st.AcceptedAt)
	}
	return RegimeAt(st.SubmittedAt)
}

// Available lists the forms a dossier's history allows, in the annex order:
// the receipt and the control slip once accepted; the supplement request
// after a supplement or completion request; the refusal after a refusal at
// intake; the apology after a reschedule; the stop notice (Circular
// 03/2025 only) after a stop.
func Available(st dossier.State, events []dossier.Event) []Form {
	var out []Form
	for _, f := range dossierForms {
		if allows(st, events, f) {
			out = append(out, f)
		}
	}
	return out
}

func allows(st dossier.State, events []dossier.Event, f Form) bool {
	switch f {
	case Receipt, Control:
		return !st.AcceptedAt.IsZero() && st.Code != ""
	case Supplement:
		return last(events, dossier.EvSupplementRequested, dossier.EvCompletionRequested) >= 0
	case Refusal:
		return last(events, dossier.EvRefusedAtIntake) >= 0
	case Apology:
		return last(events, dossier.EvRescheduled) >= 0
	case Stop:
		return RegimeOf(st) == TT03 && last(events, dossier.EvStopped) >= 0
	}
	return false
}

// last is the index of the last event of one of the types, or -1.
func last(events []dossier.Event, types ...dossier.EventType) int {
	for i := len(events) - 1; i >= 0; i-- {
		for _, t := range types {
			if events[i].Type == t {
				return i
			}
		}
	}
	return -1
}

// Input is a dossier with what its forms print besides its own data.
type Input struct {
	Agency   agency.Agency
	State    dossier.State
	Events   []dossier.Event
	Units    map[string]string  // unit ID → name
	Users    map[string]string  // user ID → full name
	Calendar *calendar.Calendar // the agency's working calendar, for the step marks
	// Now is when the form is printed: the PDF's date, and the instant an
	// open step is judged at.
	Now time.Time
	// PublicURL is the server's address as citizens reach it; the receipt's
	// QR code opens its lookup page. Empty: no QR code.
	PublicURL string
}

// LookupURL is the public lookup page of a dossier, as the receipt's QR
// code encodes it: <base>/tra-cuu?ma=<code>&k=<secret>.
func LookupURL(base, code, secret string) string {
	return strings.TrimSuffix(base, "/") + "/tra-cuu?ma=" + url.QueryEscape(code) + "&k=" + url.QueryEscape(secret)
}

// Info describes a form for a button or a list.
type Info struct {
	Form   Form   `json:"form"`
	Number string `json:"number"` // "Mẫu số 01"
	Name   string `json:"name"`   // "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
}

// Renderer prints forms with a set of texts. It is safe for concurrent use.
type Renderer struct {
	texts *Texts
}

// NewRenderer returns a renderer with the texts (nil: the built-in ones).
func NewRenderer(t *Texts) *Renderer {
	if t == nil {
		t = DefaultTexts()
	}
	return &Renderer{texts: t}
}

// Describe names the forms in the regime's numbering.
func (r *Renderer) Describe(reg Regime, fs []Form) []Info {
	t := r.texts.regime(reg)
	out := make([]Info, 0, len(fs))
	for _, f := range fs {
		var number, title string
		switch f {
		case Receipt:
			number, title = t.Receipt.Number, t.Receipt.Title
		case Supplement:
			number, title = t.Supplement.Number, t.Supplement.Title
		case Refusal:
			number, title = t.Refusal.Number, t.Refusal.Title
		case Apology:
			number, title = t.Apology.Number, t.Apology.Title
		case Stop:
			if t.Stop == nil {
				continue
			}
			number, title = t.Stop.Number, t.Stop.Title
		case Control:
			number, title = t.Control.Number, t.Control.Title
		case Register:
			number, title = t.Register.Number, t.Register.Title
		}
		out = append(out, Info{Form: f, Number: number, Name: sentence(title)})
	}
	return out
}

// sentence turns an upper-case title into a sentence: "GIẤY TIẾP NHẬN" → "Giấy tiếp nhận".
func sentence(s string) string {
	r := []rune(strings.ToLower(s))
	if len(r) == 0 {
		return ""
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// Render prints form f of a dossier, if its history allows it.
func (r *Renderer) Render(f Form, in Input) ([]byte, error) {
	switch f {
	case Receipt:
		return r.Receipt(in)
	case Supplement:
		return r.Supplement(in)
	case Refusal:
		return r.Refusal(in)
	case Apology:
		return r.Apology(in)
	case Stop:
		return r.StopNotice(in)
	case Control:
		return r.ControlSlip(in)
	case Register:
		return nil, apperr.New(apperr.Invalid, "Sổ theo dõi hồ sơ được in theo đơn vị và khoảng ngày, không theo từng hồ sơ.")
	}
	_, err := ParseForm(string(f))
	return nil, err
}

// notAllowed is the error of a form the dossier's history does not allow.
func (r *Renderer) notAllowed(in Input, f Form) error {
	name := string(f)
	if info := r.Describe(RegimeOf(in.State), []Form{f}); len(info) > 0 {
		name = info[0].Number + " «" + info[0].Name + "»"
	}
	if f == Stop && RegimeOf(in.State) == TT01 {
		return apperr.New(apperr.NotFound, "Thông tư 01/2018/TT-VPCP, áp dụng cho hồ sơ tiếp nhận trước ngày 15/09/2025, không có mẫu thông báo dừng giải quyết hồ sơ.")
	}
	return apperr.Newf(apperr.NotFound, "Hồ sơ %s chưa có %s: quá trình xử lý hồ sơ chưa phát sinh biểu mẫu này.", key(in.State), name)
}

// key names a dossier in messages: its code, or "chưa tiếp nhận".
func key(st dossier.State) string {
	if st.Code != "" {
		return st.Code
	}
	return "chưa tiếp nhận"
}

// FileName is the name of a form's PDF file, e.g. "tiep-nhan-000.00.08.H44-251203-0007.pdf".
func FileName(f Form, key string) string {
	var b strings.Builder
	for _, c := range key {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return string(f) + "-" + b.String() + ".pdf"
}
