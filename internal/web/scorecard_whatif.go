package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/scorecard"
)

// paramLabels are the Vietnamese names of the portal's parameters.
var paramLabels = map[string]string{
	"totalReceived": "Tổng số hồ sơ tiếp nhận",
	"totalOnTime":   "Số hồ sơ đúng hạn",

	"totalDossierOnlinePaymentSuccess":          "Hồ sơ thanh toán trực tuyến thành công",
	"totalDossierFinancialObligation":           "Hồ sơ có nghĩa vụ tài chính",
	"totalDossierOnlineFormalityPaymentSuccess": "TTHC có thanh toán trực tuyến",
	"totalFeeDossierFormality":                  "TTHC có phí đã phát sinh hồ sơ",
	"totalFeeFormality":                         "TTHC có phí, lệ phí",

	"authorityCount":     "Tổng số TTHC",
	"partialCount":       "TTHC trực tuyến một phần",
	"fullCount":          "TTHC trực tuyến toàn trình",
	"onlineDossierCount": "Hồ sơ trực tuyến của TTHC trực tuyến",
	"onlineServiceTotal": "Tổng hồ sơ của TTHC trực tuyến",
	"channelOnlineSum":   "Hồ sơ nộp trực tuyến",
	"channelTotalSum":    "Tổng số hồ sơ",
}

// whatIfField is one number of the what-if form; Name is its JSON path.
type whatIfField struct {
	Name, Label, Param string
}

// whatIfMetric is a metric's numerator and denominator on the form.
type whatIfMetric struct {
	Code, Label string
	Max         int
	Info        bool
	Num, Den    whatIfField
}

// whatIfGroup is one group of the form.
type whatIfGroup struct {
	Code, Label string
	Max         int
	Fields      []whatIfField
	Metrics     []whatIfMetric
}

// whatIfForm lays out every parameter of the set.
func whatIfForm(set scorecard.Set) []whatIfGroup {
	var out []whatIfGroup
	for _, g := range set.Groups {
		wg := whatIfGroup{Code: g.Code, Label: g.Label, Max: g.Max}
		for _, name := range scorecard.ParamNames(g.Code) {
			wg.Fields = append(wg.Fields, whatIfField{Name: g.Code + "." + name, Label: paramLabels[name], Param: name})
		}
		for _, m := range set.MetricsOf(g.Code) {
			prefix := "metrics." + m.Code + "."
			wg.Metrics = append(wg.Metrics, whatIfMetric{Code: m.Code, Label: m.Label, Max: m.Max, Info: m.Rule == scorecard.Info,
				Num: whatIfField{Name: prefix + "numerator", Label: "Tử số", Param: "numerator"},
				Den: whatIfField{Name: prefix + "denominator", Label: "Mẫu số", Param: "denominator"}})
		}
		out = append(out, wg)
	}
	return out
}

// whatIfPage is the data of scorecard_whatif.html.
type whatIfPage struct {
	Form    formValues
	JSON    string // pasted JSON
	Error   string
	Groups  []whatIfGroup
	Result  []groupView
	Out     *scorecard.Output
	OutJSON string
	Lost    float64 // points lost on the metrics given
	Unknown int     // points of the metrics not given, in the groups given
	Version string
}

// whatIfPage is the what-if calculator (GET /diem-766/gia-dinh): a form of
// the portal's parameters, or a box to paste them as JSON.
func (s *Server) whatIfPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	p := &whatIfPage{Form: formValues{Values: url.Values{}}, Groups: whatIfForm(scorecard.Current), Version: scorecard.Current.Version}
	s.renderWhatIf(w, r, u, http.StatusOK, p)
}

// whatIfPost scores the numbers typed or pasted and shows the form again
// with the points (POST /diem-766/gia-dinh); it needs no script.
func (s *Server) whatIfPost(w http.ResponseWriter, r *http.Request, u auth.User) {
	r.Body = http.MaxBytesReader(w, r.Body, scorecard.MaxInput+maxForm)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, apperr.New(apperr.Invalid, "Không đọc được biểu mẫu (quá lớn hoặc sai định dạng)."))
		return
	}
	set := scorecard.Current
	p := &whatIfPage{Form: formValues{Values: url.Values{}}, Groups: whatIfForm(set), Version: set.Version}
	p.JSON = strings.TrimSpace(strings.ToValidUTF8(r.PostForm.Get("json"), "\uFFFD"))
	var in scorecard.Input
	var err error
	if p.JSON != "" {
		in, err = scorecard.ParseFor(set, []byte(p.JSON))
		if err == nil {
			p.Form.Values = inputForm(in)
		} else {
			p.Form.fail("json", err.Error())
		}
	} else {
		for _, g := range p.Groups {
			for _, f := range g.Fields {
				p.Form.Set(f.Name, formText(r.PostForm, f.Name))
			}
			for _, m := range g.Metrics {
				p.Form.Set(m.Num.Name, formText(r.PostForm, m.Num.Name))
				p.Form.Set(m.Den.Name, formText(r.PostForm, m.Den.Name))
			}
		}
		in, err = formInput(set, p.Groups, p.Form.Values)
		var ie *scorecard.InputError
		if errors.As(err, &ie) {
			p.Form.fail(ie.Field, ie.Message)
		}
	}
	if err != nil {
		p.Error = err.Error()
		s.renderWhatIf(w, r, u, http.StatusBadRequest, p)
		return
	}
	out := scorecard.Compute(set, in)
	p.Out = &out
	p.Result = groupViews(set, out, inputBasis(in))
	p.Lost, p.Unknown = totalLost(p.Result)
	if b, err := json.MarshalIndent(out, "", "  "); err == nil {
		p.OutJSON = string(b)
	}
	s.renderWhatIf(w, r, u, http.StatusOK, p)
}

func (s *Server) renderWhatIf(w http.ResponseWriter, r *http.Request, u auth.User, status int, p *whatIfPage) {
	data := page("Tính điểm Bộ chỉ số 766 giả định", &u)
	data["P"] = p
	s.render(w, r, status, "scorecard_whatif.html", data)
}

// thousands matches a count written with dots between thousands: 1.234.567.
var thousands = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)

// integer matches an optionally signed run of digits.
var integer = regexp.MustCompile(`^-?\d+$`)

// formInput reads the typed numbers into an input: a group or metric with
// any number typed is included, and then needs all of its numbers.
func formInput(set scorecard.Set, groups []whatIfGroup, form url.Values) (scorecard.Input, error) {
	doc := map[string]any{}
	number := func(name string) (any, error) {
		v := strings.ReplaceAll(form.Get(name), " ", "")
		if thousands.MatchString(v) {
			v = strings.ReplaceAll(v, ".", "")
		}
		if !integer.MatchString(v) { // the parser judges sign and size
			return nil, &scorecard.InputError{Field: name, Message: "phải là một số nguyên không âm (nhận được «" + clipText(form.Get(name), 30) + "»)."}
		}
		return json.Number(v), nil
	}
	metrics := map[string]any{}
	for _, g := range groups {
		obj := map[string]any{}
		for _, f := range g.Fields {
			if form.Get(f.Name) == "" {
				continue
			}
			n, err := number(f.Name)
			if err != nil {
				return scorecard.Input{}, err
			}
			obj[f.Param] = n
		}
		if len(obj) > 0 {
			doc[g.Code] = obj
		}
		for _, m := range g.Metrics {
			pair := map[string]any{}
			for _, f := range []whatIfField{m.Num, m.Den} {
				if form.Get(f.Name) == "" {
					continue
				}
				n, err := number(f.Name)
				if err != nil {
					return scorecard.Input{}, err
				}
				pair[f.Param] = n
			}
			if len(pair) > 0 {
				metrics[m.Code] = pair
			}
		}
	}
	if len(metrics) > 0 {
		doc["metrics"] = metrics
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return scorecard.Input{}, err
	}
	return scorecard.ParseFor(set, b)
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// inputForm writes an input back into form fields.
func inputForm(in scorecard.Input) url.Values {
	v := url.Values{}
	set := func(prefix string, x any) {
		b, _ := json.Marshal(x)
		var m map[string]int64
		json.Unmarshal(b, &m)
		for k, n := range m {
			v.Set(prefix+k, strconv.FormatInt(n, 10))
		}
	}
	if in.Progress != nil {
		set("progress.", in.Progress)
	}
	if in.Payment != nil {
		set("payment.", in.Payment)
	}
	if in.Online != nil {
		set("online.", in.Online)
	}
	for code, c := range in.Metrics {
		set("metrics."+code+".", c)
	}
	return v
}

// inputBasis explains the figures of a what-if by its own numbers.
func inputBasis(in scorecard.Input) func(string) []string {
	return func(code string) []string {
		switch code {
		case scorecard.Progress:
			if p := in.Progress; p != nil {
				return []string{fmt.Sprintf("%d/%d hồ sơ đúng hạn.", p.TotalOnTime, p.TotalReceived)}
			}
		case scorecard.Payment:
			if p := in.Payment; p != nil {
				return []string{fmt.Sprintf("A = %d/%d hồ sơ; B = %d/%d TTHC; C = %d/%d TTHC.", p.TotalDossierOnlinePaymentSuccess, p.TotalDossierFinancialObligation,
					p.TotalDossierOnlineFormalityPaymentSuccess, p.TotalFeeFormality, p.TotalFeeDossierFormality, p.TotalFeeFormality)}
			}
		case scorecard.Online:
			if o := in.Online; o != nil {
				return []string{fmt.Sprintf("A = %d/%d TTHC; B = %d/%d hồ sơ; C = %d/%d hồ sơ.", o.PartialCount+o.FullCount, o.AuthorityCount,
					o.OnlineDossierCount, o.OnlineServiceTotal, o.ChannelOnlineSum, o.ChannelTotalSum)}
			}
		}
		if c, ok := in.Metrics[code]; ok {
			return []string{fmt.Sprintf("%d/%d", c.Numerator, c.Denominator)}
		}
		return nil
	}
}

// apiWhatIf scores a what-if input (POST /api/v1/scorecard/what-if): the
// JSON shapes of reference/qd766-scoring.md in and out.
func (s *Server) apiWhatIf(w http.ResponseWriter, r *http.Request) {
	if _, err := s.bearer(r); err != nil {
		s.failJSON(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		s.failJSON(w, r, apperr.New(apperr.Invalid, "Nội dung yêu cầu phải là JSON (Content-Type: application/json)."))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, scorecard.MaxInput))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.failJSON(w, r, apperr.Newf(apperr.TooLarge, "Nội dung yêu cầu quá lớn (tối đa %d byte).", scorecard.MaxInput))
			return
		}
		s.failJSON(w, r, apperr.Wrap(apperr.Invalid, "Không đọc được nội dung yêu cầu.", err))
		return
	}
	in, err := scorecard.Parse(body)
	if err != nil {
		s.failJSON(w, r, apperr.Wrap(apperr.Invalid, err.Error(), err))
		return
	}
	writeJSON(w, http.StatusOK, scorecard.Compute(scorecard.Current, in))
}
